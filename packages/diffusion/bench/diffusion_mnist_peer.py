"""PyTorch peer of bench/diffusion-mnist.bench.ts: the same small U-Net (one residual block per level,
group norm, self-attention at the lowest resolution, sinusoidal time + class embedding; core's resBlock:
h = conv1(silu(gn1(x))) + proj(silu(temb)); out = skip(x) + conv2(silu(gn2(h)))), the same v-prediction
loss with min-SNR-5 and label dropout, Adam; times a training step and a guided sampling step (model on a
doubled batch). CPU, 1 thread (tfjs wasm is single-threaded). Prints one JSON line.

Run: /usr/bin/python3 packages/diffusion/bench/diffusion_mnist_peer.py BASE BATCH
"""
import json
import math
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)
BASE = int(sys.argv[1]) if len(sys.argv) > 1 else 16
BATCH = int(sys.argv[2]) if len(sys.argv) > 2 else 32
MULTS, GROUPS, HEADS, CLASSES = [1, 2, 2], 8, 4, 10


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


def main():
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
