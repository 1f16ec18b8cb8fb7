"""PyTorch peer of the MNIST quality part of bench/diffusion-mnist.bench.ts: the same class-conditional
MLP denoiser (sinusoidal time MLP + class embedding with null label 10, residual blocks
h <- h + W_out silu(W_in silu(h) + W_cond e)), the same loss (v-prediction, squaredcos_cap_v2, min-SNR gamma or none,
label dropout 0.1), Adam, EMA (decay 0.999 with warmup), the same steps and batch size; then samples
with DPM-Solver++(2M), the given spacing, guidance 3, using the NumPy reference scheduler of
fixtures/reference.py. Reads train images/labels written by the TS bench, writes samples (float32, [-1, 1]).
CPU, 1 thread. Prints one JSON line.

Run: /usr/bin/python3 diffusion_mnist_mlp_peer.py TRAIN_F32 LABELS_I32 OUT_F32 STEPS BATCH HIDDEN DEPTH NUM_SAMPLES STEPS_SAMPLING GUIDANCE [SPACING] [MIN_SNR|none]
"""
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures"))
import reference  # noqa: E402  (the NumPy scheduler reference)

torch.set_num_threads(1)
train_path, labels_path, out_path = sys.argv[1:4]
STEPS, BATCH, HIDDEN, DEPTH, NUM, NSTEPS = (int(v) for v in sys.argv[4:10])
GUIDANCE = float(sys.argv[10])
SPACING = sys.argv[11] if len(sys.argv) > 11 else "trailing"
MIN_SNR = 5.0 if len(sys.argv) <= 12 else (None if sys.argv[12] == "none" else float(sys.argv[12]))
TEMB = 64


def sinusoidal(t, dim):
    half = dim // 2
    freqs = torch.exp(-math.log(10000) * torch.arange(half) / half)
    a = t[:, None] * freqs[None]
    return torch.cat([a.sin(), a.cos()], 1)


class Mlp(nn.Module):
    def __init__(self):
        super().__init__()
        self.time = nn.Sequential(nn.Linear(TEMB, HIDDEN), nn.SiLU(), nn.Linear(HIDDEN, HIDDEN))
        self.cls = nn.Embedding(11, HIDDEN)
        self.inp = nn.Linear(784, HIDDEN)
        self.blocks = nn.ModuleList([nn.ModuleList([nn.Linear(HIDDEN, HIDDEN) for _ in range(3)]) for _ in range(DEPTH)])
        self.out = nn.Linear(HIDDEN, 784)

    def forward(self, x, t, y):
        e = self.time(sinusoidal(t, TEMB)) + self.cls(y)
        h = self.inp(x)
        for inner, cond, outer in self.blocks:
            h = h + outer(F.silu(inner(F.silu(h)) + cond(e)))
        return self.out(F.silu(h))


def main():
    torch.manual_seed(0)
    x_all = torch.from_numpy(np.fromfile(train_path, dtype=np.float32).reshape(-1, 784))
    y_all = torch.from_numpy(np.fromfile(labels_path, dtype=np.int32).astype(np.int64))
    n = x_all.shape[0]
    cfg = dict(betaSchedule="squaredcos_cap_v2", betaStart=1e-4, betaEnd=0.02, predictionType="v_prediction", timestepSpacing=SPACING)
    ab = torch.from_numpy(reference.alphas_cumprod(cfg)).float()
    model = Mlp()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    ema = [p.detach().clone() for p in model.parameters()]
    start = time.perf_counter()
    for step in range(STEPS):
        idx = torch.randint(0, n, (BATCH,))
        x0, y = x_all[idx], y_all[idx]
        t = torch.randint(0, 1000, (BATCH,))
        a, s = ab[t].sqrt()[:, None], (1 - ab[t]).sqrt()[:, None]
        eps = torch.randn_like(x0)
        y = torch.where(torch.rand(BATCH) < 0.1, torch.full_like(y, 10), y)
        target = a * eps - s * x0
        snr = ab[t] / (1 - ab[t])
        w = torch.clamp(snr, max=MIN_SNR) / (snr + 1) if MIN_SNR is not None else torch.ones_like(snr)
        loss = (w * ((model(a * x0 + s * eps, t.float(), y) - target) ** 2).mean(1)).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        d = min(0.999, (1 + step) / (10 + step))
        with torch.no_grad():
            for e, p in zip(ema, model.parameters()):
                e.mul_(d).add_(p.detach(), alpha=1 - d)
    train_ms = (time.perf_counter() - start) * 1000 / STEPS
    with torch.no_grad():
        for e, p in zip(ema, model.parameters()):
            p.copy_(e)
    labels = torch.arange(NUM) % 10
    ts = [int(v) for v in reference.timesteps_for(SPACING, NSTEPS)]
    xs = torch.randn(NUM, 784).numpy().astype(np.float64)
    sample_start = time.perf_counter()
    # DPM-Solver++(2M) with the reference's formulas, one guided model call (doubled batch) per step.
    sig = [((1 - float(ab[t])) / float(ab[t])) ** 0.5 for t in ts] + [0.0]

    def al(sv):
        alpha = 1 / (sv * sv + 1) ** 0.5
        st = sv * alpha
        return alpha, st, math.log(alpha) - (math.log(st) if st > 0 else -math.inf)

    prev_x0 = None
    with torch.no_grad():
        for i, t in enumerate(ts):
            xt = torch.from_numpy(xs).float()
            both = model(torch.cat([xt, xt]), torch.full((2 * NUM,), float(t)), torch.cat([labels, torch.full_like(labels, 10)]))
            cond, uncond = both.chunk(2)
            v = (uncond + GUIDANCE * (cond - uncond)).double().numpy()
            a_s, s_s, l_s = al(sig[i])
            a_t, s_t, l_t = al(sig[i + 1])
            x0, _ = reference.vp_x0_eps("v_prediction", v, xs, a_s ** 2)
            h = l_t - l_s
            if prev_x0 is None or i == len(ts) - 1:
                xs = (s_t / s_s) * xs - a_t * (math.exp(-h) - 1.0) * x0
            else:
                r0 = (l_s - al(sig[i - 1])[2]) / h
                d1 = (x0 - prev_x0) / r0
                xs = (s_t / s_s) * xs - a_t * (math.exp(-h) - 1.0) * x0 - 0.5 * a_t * (math.exp(-h) - 1.0) * d1
            prev_x0 = x0
    sample_ms = (time.perf_counter() - sample_start) * 1000 / len(ts)
    xs.astype(np.float32).tofile(out_path)
    print(json.dumps({"trainStepMs": train_ms, "sampleStepMs": sample_ms, "finalLoss": float(loss), "torch": torch.__version__}))


if __name__ == "__main__":
    main()
