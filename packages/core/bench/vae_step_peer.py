# PyTorch peer of vae-step.bench.ts: the same MLP VAE step (784-400-20, batch 128, Adam), CPU,
# default threads. Prints one JSON line with the median step time in ms.
import json, statistics, time
import torch
import torch.nn.functional as F

torch.manual_seed(0)
D, H, Z, B = 784, 400, 20, 128
enc, mu, log_var = torch.nn.Linear(D, H), torch.nn.Linear(H, Z), torch.nn.Linear(H, Z)
dec1, dec2 = torch.nn.Linear(Z, H), torch.nn.Linear(H, D)
params = [p for m in (enc, mu, log_var, dec1, dec2) for p in m.parameters()]
opt = torch.optim.Adam(params, lr=1e-3)
x = (torch.rand(B, D) > 0.5).float()
eps = torch.randn(B, Z)

def step():
    h = F.relu(enc(x))
    m, lv = mu(h), log_var(h)
    z = m + torch.exp(0.5 * lv) * eps
    logits = dec2(F.relu(dec1(z)))
    bce = F.binary_cross_entropy_with_logits(logits, x, reduction='sum')
    kl = -0.5 * torch.sum(1 + lv - m * m - lv.exp())
    loss = (bce + kl) / B
    opt.zero_grad()
    loss.backward()
    opt.step()

for _ in range(5):
    step()
times = []
for _ in range(30):
    start = time.perf_counter()
    step()
    times.append((time.perf_counter() - start) * 1000)
print(json.dumps({"ms": statistics.median(times), "threads": torch.get_num_threads(), "torch": torch.__version__}))
