# PyTorch reference for gan-mnist.bench.ts: the same class-conditional MLP GAN as @gen/gan's preset
# with projection conditioning (G: [z, onehot(y)] -> 256 -> 512 -> 784 tanh, leaky ReLU 0.2;
# D: 784 -> 512 -> 256 (leaky ReLU 0.2) -> logit + <embed(y), h>), the default recipe
# (non-saturating loss, lazy R1 gamma 0.1 every 4 D updates scaled by 4, Adam 1e-3 for G and D,
# betas (0.5, 0.9), EMA 0.999 with warmup), trained for the same steps on the same data.
# Usage: /usr/bin/python3 mnist_peer.py DATA.f32 LABELS.i32 N STEPS OUT_SAMPLES.f32
# Prints one JSON line: {"msPerStep", "steps", "torch"}; writes 100 EMA samples per class (1000 x 784).
import json, sys, time, copy
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

data_path, labels_path, n, steps, out_path = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
torch.set_num_threads(1)  # tfjs wasm is single-threaded in Node
torch.manual_seed(0)
images = torch.from_numpy(np.fromfile(data_path, dtype=np.float32).reshape(n, 784)) * 2 - 1
labels = torch.from_numpy(np.fromfile(labels_path, dtype=np.int32).astype(np.int64))
latent, classes, batch = 64, 10, 64

class G(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(latent + classes, 256), nn.LeakyReLU(0.2), nn.Linear(256, 512), nn.LeakyReLU(0.2), nn.Linear(512, 784))
    def forward(self, z, y):
        return torch.tanh(self.net(torch.cat([z, F.one_hot(y, classes).float()], 1)))

class D(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(784, 256), nn.LeakyReLU(0.2), nn.Linear(256, 512), nn.LeakyReLU(0.2))
        self.head = nn.Linear(512, 1)
        self.embed = nn.Embedding(classes, 512)
        nn.init.normal_(self.embed.weight, std=0.02)
    def forward(self, x, y):
        h = self.body(x)
        return self.head(h).squeeze(1) + (self.embed(y) * h).sum(1)

g, d = G(), D()
ema = copy.deepcopy(g)
og = torch.optim.Adam(g.parameters(), lr=1e-3, betas=(0.5, 0.9))
od = torch.optim.Adam(d.parameters(), lr=1e-3, betas=(0.5, 0.9))
gen = torch.Generator().manual_seed(1)
times, d_updates = [], 0
for step in range(steps):
    t0 = time.perf_counter()
    idx = torch.randint(0, n, (batch,), generator=gen)
    x, y = images[idx], labels[idx]
    fake = g(torch.randn(batch, latent), y).detach()
    x.requires_grad_(d_updates % 4 == 0)
    real_logits = d(x, y)
    loss = F.softplus(-real_logits).mean() + F.softplus(d(fake, y)).mean()
    if d_updates % 4 == 0:
        grad, = torch.autograd.grad(real_logits.sum(), x, create_graph=True)
        loss = loss + (0.1 * 4 / 2) * grad.pow(2).sum(1).mean()
    od.zero_grad(); loss.backward(); od.step(); d_updates += 1
    yg = torch.randint(0, classes, (batch,), generator=gen)
    g_loss = F.softplus(-d(g(torch.randn(batch, latent), yg), yg)).mean()
    og.zero_grad(); g_loss.backward(); og.step()
    decay = min(0.999, (1 + step) / (10 + step))
    with torch.no_grad():
        for pe, p in zip(ema.parameters(), g.parameters()):
            pe.mul_(decay).add_(p, alpha=1 - decay)
    times.append((time.perf_counter() - t0) * 1000)
with torch.no_grad():
    y = torch.arange(1000) // 100
    samples = ema(torch.randn(1000, latent), y)
((samples + 1) / 2).numpy().astype(np.float32).tofile(out_path)
times.sort()
print(json.dumps({"msPerStep": times[len(times) // 2], "steps": steps, "torch": torch.__version__}))
