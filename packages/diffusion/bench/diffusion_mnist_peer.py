"""PyTorch peer of bench/diffusion-mnist.bench.ts: the same small U-Net (one residual block per level,
group norm, self-attention at the lowest resolution, sinusoidal time + class embedding; core's resBlock:
h = conv1(silu(gn1(x))) + proj(silu(temb)); out = skip(x) + conv2(silu(gn2(h)))), the same v-prediction
loss with min-SNR-5 and label dropout, Adam. CPU, 1 thread (tfjs wasm is single-threaded). Prints one
JSON line. Two modes:

- timing: times a training step and a guided sampling step (model on a doubled batch) on random data.
  Run: /usr/bin/python3 diffusion_mnist_peer.py BASE BATCH [MULTS]
- quality: trains on the MNIST train images/labels written by the TS bench (same steps, batch, lr,
  gradient clipping, EMA with warmup), then samples NUM digits (label i % 10) with DPM-Solver++(2M)
  using the NumPy reference scheduler of fixtures/reference.py and classifier-free guidance (one model
  call on the doubled batch per step); writes the samples (float32, [-1, 1], [NUM, 784]).
  Run: /usr/bin/python3 diffusion_mnist_peer.py quality TRAIN_F32 LABELS_I32 OUT_F32 BASE MULTS STEPS BATCH LR CLIP EMA_DECAY NUM SAMPLING_STEPS GUIDANCE SPACING
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

torch.set_num_threads(1)
QUALITY = len(sys.argv) > 1 and sys.argv[1] == "quality"
if QUALITY:
    BASE, MULTS = int(sys.argv[5]), [int(v) for v in sys.argv[6].split(",")]
else:
    BASE = int(sys.argv[1]) if len(sys.argv) > 1 else 16
    MULTS = [int(v) for v in sys.argv[3].split(",")] if len(sys.argv) > 3 else [1, 2, 2]
BATCH = int(sys.argv[2]) if len(sys.argv) > 2 and not QUALITY else 32
GROUPS, HEADS, CLASSES = 8, 4, 10


def sinusoidal(t, dim):
    half = dim // 2
    freqs = torch.exp(-math.log(10000) * torch.arange(half) / half)
    a = t[:, None] * freqs[None]
    return torch.cat([a.sin(), a.cos()], 1)


class ResBlock(nn.Module):
    def __init__(self, cin, cout, temb):
        super().__init__()
        self.n1, self.c1 = nn.GroupNorm(GROUPS, cin), nn.Conv2d(cin, cout, 3, padding=1)
        self.t = nn.Linear(temb, cout)
        self.n2, self.c2 = nn.GroupNorm(GROUPS, cout), nn.Conv2d(cout, cout, 3, padding=1)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else nn.Identity()

    def forward(self, x, e):
        h = self.c1(F.silu(self.n1(x))) + self.t(F.silu(e))[:, :, None, None]
        return self.skip(x) + self.c2(F.silu(self.n2(h)))


class UNet(nn.Module):
    def __init__(self):
        super().__init__()
        chs = [m * BASE for m in MULTS]
        temb = 4 * BASE
        self.time = nn.Sequential(nn.Linear(BASE, temb), nn.SiLU(), nn.Linear(temb, temb))
        self.cls = nn.Embedding(CLASSES + 1, temb)
        self.conv_in = nn.Conv2d(1, BASE, 3, padding=1)
        self.down, self.downs = nn.ModuleList(), nn.ModuleList()
        prev = BASE
        for i, ch in enumerate(chs):
            self.down.append(ResBlock(prev, ch, temb))
            self.downs.append(nn.Conv2d(ch, ch, 3, stride=2, padding=1) if i < len(chs) - 1 else nn.Identity())
            prev = ch
        top = chs[-1]
        self.mid1, self.mid2 = ResBlock(top, top, temb), ResBlock(top, top, temb)
        self.attn_norm, self.attn = nn.GroupNorm(GROUPS, top), nn.MultiheadAttention(top, HEADS, batch_first=True)
        self.up, self.ups = nn.ModuleList(), nn.ModuleList()
        for i in reversed(range(len(chs))):
            self.up.append(ResBlock(prev + chs[i], chs[i], temb))
            self.ups.append(nn.Conv2d(chs[i], chs[i - 1], 3, padding=1) if i > 0 else nn.Identity())
            prev = chs[i - 1] if i > 0 else chs[0]
        self.out_norm, self.conv_out = nn.GroupNorm(GROUPS, chs[0]), nn.Conv2d(chs[0], 1, 3, padding=1)
        self.levels = len(chs)

    def forward(self, x, t, y):
        e = self.time(sinusoidal(t, BASE)) + self.cls(y)
        h = self.conv_in(x)
        skips = []
        for i in range(self.levels):
            h = self.down[i](h, e)
            skips.append(h)
            h = self.downs[i](h)
        h = self.mid1(h, e)
        b, c, hh, ww = h.shape
        tok = self.attn_norm(h).flatten(2).transpose(1, 2)
        h = h + self.attn(tok, tok, tok, need_weights=False)[0].transpose(1, 2).reshape(b, c, hh, ww)
        h = self.mid2(h, e)
        for j, i in enumerate(reversed(range(self.levels))):
            h = self.up[j](torch.cat([h, skips[i]], 1), e)
            if i > 0:
                h = self.ups[j](F.interpolate(h, scale_factor=2, mode="nearest"))
        return self.conv_out(F.silu(self.out_norm(h)))


def quality():
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures"))
    import reference  # noqa: E402  (the NumPy scheduler reference)

    train_path, labels_path, out_path = sys.argv[2:5]
    # A finished run with the same arguments is reused (OUT_F32 + OUT_F32.json), so the peer can be
    # started ahead of the TS side on a long run and the bench picks its result up.
    cache, lock = out_path + ".json", out_path + ".lock"
    # Another run with these arguments under way (its pid in OUT_F32.lock): wait for it.
    while os.path.exists(lock):
        try:
            with open(lock) as f:
                os.kill(int(f.read().strip()), 0)
        except (OSError, ValueError):
            break
        time.sleep(10)
    if os.path.exists(cache) and os.path.exists(out_path):
        with open(cache) as f:
            cached = json.load(f)
        if cached.get("args") == sys.argv[2:]:
            print(json.dumps(cached["result"]))
            return
    with open(lock, "w") as f:
        f.write(str(os.getpid()))
    steps, batch = int(sys.argv[7]), int(sys.argv[8])
    lr, clip, decay = float(sys.argv[9]), float(sys.argv[10]), float(sys.argv[11])
    num, nsteps, guidance, spacing = int(sys.argv[12]), int(sys.argv[13]), float(sys.argv[14]), sys.argv[15]
    torch.manual_seed(0)
    x_all = torch.from_numpy(np.fromfile(train_path, dtype=np.float32).reshape(-1, 1, 28, 28))
    y_all = torch.from_numpy(np.fromfile(labels_path, dtype=np.int32).astype(np.int64))
    n = x_all.shape[0]
    cfg = dict(betaSchedule="squaredcos_cap_v2", betaStart=1e-4, betaEnd=0.02, predictionType="v_prediction", timestepSpacing=spacing)
    ab = torch.from_numpy(reference.alphas_cumprod(cfg)).float()
    model = UNet()
    # The trained (EMA) weights are kept beside the samples, keyed by the training arguments, so
    # sampling again (another guidance scale, say) does not retrain.
    train_key = sys.argv[2:4] + sys.argv[5:12]
    weights = out_path + ".pt"
    saved = torch.load(weights) if os.path.exists(weights) else None
    if saved is not None and saved["key"] == train_key:
        model.load_state_dict(saved["state"])
        train_ms, final = saved["trainStepMs"], saved["finalLoss"]
    else:
        opt = torch.optim.Adam(model.parameters(), lr=lr)
        ema = [p.detach().clone() for p in model.parameters()]
        start = time.perf_counter()
        losses = []
        for step in range(steps):
            idx = torch.randint(0, n, (batch,))
            x0, y = x_all[idx], y_all[idx]
            t = torch.randint(0, 1000, (batch,))
            a, s = ab[t].sqrt()[:, None, None, None], (1 - ab[t]).sqrt()[:, None, None, None]
            eps = torch.randn_like(x0)
            y = torch.where(torch.rand(batch) < 0.1, torch.full_like(y, CLASSES), y)
            target = a * eps - s * x0
            snr = ab[t] / (1 - ab[t])
            w = torch.clamp(snr, max=5) / (snr + 1)
            loss = (w * ((model(a * x0 + s * eps, t.float(), y) - target) ** 2).flatten(1).mean(1)).mean()
            opt.zero_grad()
            loss.backward()
            if clip > 0:
                torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
            opt.step()
            d = min(decay, (1 + step) / (10 + step))
            with torch.no_grad():
                for e, p in zip(ema, model.parameters()):
                    e.mul_(d).add_(p.detach(), alpha=1 - d)
            losses.append(float(loss))
            if (step + 1) % 500 == 0:
                print(f"step {step + 1}/{steps} loss {np.mean(losses[-100:]):.4f}", file=sys.stderr, flush=True)
        train_ms = (time.perf_counter() - start) * 1000 / max(steps, 1)
        final = float(np.mean(losses[-100:])) if losses else float("nan")
        with torch.no_grad():
            for e, p in zip(ema, model.parameters()):
                p.copy_(e)
        torch.save({"key": train_key, "state": model.state_dict(), "trainStepMs": train_ms, "finalLoss": final}, weights)
    model.eval()
    ts = [int(v) for v in reference.timesteps_for(spacing, nsteps)]
    sig = [((1 - float(ab[t])) / float(ab[t])) ** 0.5 for t in ts] + [0.0]

    def al(sv):
        alpha = 1 / (sv * sv + 1) ** 0.5
        st = sv * alpha
        return alpha, st, math.log(alpha) - (math.log(st) if st > 0 else -math.inf)

    out = []
    sample_start = time.perf_counter()
    chunk = 200
    for c0 in range(0, num, chunk):
        labels = torch.arange(c0, min(num, c0 + chunk)) % 10
        m = labels.shape[0]
        xs = torch.randn(m, 1, 28, 28).numpy().astype(np.float64)
        prev_x0 = None
        with torch.no_grad():
            # DPM-Solver++(2M) with the reference's formulas, one guided model call (doubled batch) per step.
            for i, t in enumerate(ts):
                xt = torch.from_numpy(xs).float()
                both = model(torch.cat([xt, xt]), torch.full((2 * m,), float(t)), torch.cat([labels, torch.full_like(labels, CLASSES)]))
                cond, uncond = both.chunk(2)
                v = (uncond + guidance * (cond - uncond)).double().numpy()
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
        out.append(xs.reshape(m, 784))
    sample_ms = (time.perf_counter() - sample_start) * 1000 / len(ts)
    np.concatenate(out).astype(np.float32).tofile(out_path)
    result = {"trainStepMs": train_ms, "sampleStepMs": sample_ms, "finalLoss": final, "torch": torch.__version__, "threads": torch.get_num_threads()}
    with open(cache, "w") as f:
        json.dump({"args": sys.argv[2:], "result": result}, f)
    os.remove(lock)
    print(json.dumps(result))


def main():
    if QUALITY:
        quality()
        return
    torch.manual_seed(0)
    model = UNet()
    opt = torch.optim.Adam(model.parameters(), lr=2e-4)
    f = lambda u: math.cos((u + 0.008) / 1.008 * math.pi / 2) ** 2  # squaredcos_cap_v2
    betas = torch.tensor([min(1 - f((i + 1) / 1000) / f(i / 1000), 0.999) for i in range(1000)], dtype=torch.float64)
    ab = torch.cumprod(1 - betas, 0).float()
    x0 = torch.rand(BATCH, 1, 28, 28) * 2 - 1
    y = torch.randint(0, 10, (BATCH,))

    def train_step():
        t = torch.randint(0, 1000, (BATCH,))
        a, s = ab[t].sqrt()[:, None, None, None], (1 - ab[t]).sqrt()[:, None, None, None]
        eps = torch.randn_like(x0)
        xt = a * x0 + s * eps
        labels = torch.where(torch.rand(BATCH) < 0.1, torch.full_like(y, CLASSES), y)
        v = a * eps - s * x0
        snr = ab[t] / (1 - ab[t])
        w = torch.clamp(snr, max=5) / (snr + 1)
        loss = (w * ((model(xt, t.float(), labels) - v) ** 2).flatten(1).mean(1)).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()

    @torch.no_grad()
    def sample_step():
        x = torch.randn(BATCH, 1, 28, 28)
        out = model(torch.cat([x, x]), torch.full((2 * BATCH,), 500.0), torch.cat([y, torch.full_like(y, CLASSES)]))
        cond, uncond = out.chunk(2)
        return uncond + 3 * (cond - uncond)

    def median_ms(fn, repeats=5):
        fn()
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            fn()
            times.append((time.perf_counter() - start) * 1000)
        return sorted(times)[len(times) // 2]

    print(json.dumps({"trainStepMs": median_ms(train_step), "sampleStepMs": median_ms(sample_step), "torch": torch.__version__, "threads": torch.get_num_threads()}))


if __name__ == "__main__":
    main()
