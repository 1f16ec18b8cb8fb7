# PyTorch peer of native.bench.ts (conv2d part): forward, input gradient and weight gradient of
# the DCGAN / U-Net convolution shapes, CPU, float32, NCHW, threads as given (default 2).
# Prints one JSON line: {"rows": {"<shape> <op>": ms}, "threads": n, "torch": version}.
import json, statistics, sys, time
import torch
import torch.nn.functional as F

threads = int(sys.argv[1]) if len(sys.argv) > 1 else 2
torch.set_num_threads(threads)
torch.manual_seed(0)

# name, (N, H, W, C), (KH, KW, OC), stride, symmetric padding giving tfjs 'same' output sizes
SHAPES = [
    ("D1", (8, 28, 28, 1), (3, 3, 32), 2, 1),
    ("D2", (8, 14, 14, 64), (4, 4, 128), 2, 1),
    ("U", (4, 16, 16, 64), (3, 3, 64), 1, 1),
]

def median_ms(fn, repeats=20, warmup=3):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)

rows = {}
with torch.no_grad():
    for name, (n, h, w, c), (kh, kw, oc), s, p in SHAPES:
        x = torch.randn(n, c, h, w)
        weight = torch.randn(oc, c, kh, kw)
        y = F.conv2d(x, weight, stride=s, padding=p)
        dy = torch.randn_like(y)
        rows[f"{name} forward"] = median_ms(lambda: F.conv2d(x, weight, stride=s, padding=p))
        rows[f"{name} backprop input"] = median_ms(lambda: torch.nn.grad.conv2d_input(x.shape, weight, dy, stride=s, padding=p))
        rows[f"{name} backprop filter"] = median_ms(lambda: torch.nn.grad.conv2d_weight(x, weight.shape, dy, stride=s, padding=p))
print(json.dumps({"rows": rows, "threads": torch.get_num_threads(), "torch": torch.__version__}))
