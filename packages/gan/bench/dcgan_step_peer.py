# PyTorch peer of dcgan-step.bench.ts: the same DCGAN-28 G and D (no batch norm; 4x4 stride-2
# (transposed) convs, leaky ReLU 0.2 in D, ReLU in G, tanh output), non-saturating loss, Adam
# (0.5, 0.999), one D and one G update per step; prints the median step time as one JSON line.
# Usage: /usr/bin/python3 dcgan_step_peer.py BATCH CHANNELS LATENT REPEATS
import json, sys, time
import torch
import torch.nn as nn
import torch.nn.functional as F

batch, ch, latent, repeats = (int(a) for a in sys.argv[1:5])
torch.set_num_threads(1)  # tfjs wasm runs single-threaded in Node
torch.manual_seed(0)

G = nn.Sequential(
    nn.Linear(latent, 7 * 7 * 2 * ch), nn.ReLU(), nn.Unflatten(1, (2 * ch, 7, 7)),
    nn.ConvTranspose2d(2 * ch, ch, 4, 2, 1), nn.ReLU(),
    nn.ConvTranspose2d(ch, 1, 4, 2, 1), nn.Tanh())
D = nn.Sequential(
    nn.Conv2d(1, ch, 4, 2, 1), nn.LeakyReLU(0.2),
    nn.Conv2d(ch, 2 * ch, 4, 2, 1), nn.LeakyReLU(0.2),
    nn.Flatten(), nn.Linear(7 * 7 * 2 * ch, 1))
og = torch.optim.Adam(G.parameters(), lr=1e-3, betas=(0.5, 0.9))
od = torch.optim.Adam(D.parameters(), lr=1e-3, betas=(0.5, 0.9))
real = torch.rand(batch, 1, 28, 28) * 2 - 1

def step():
    z = torch.randn(batch, latent)
    fake = G(z).detach()
    d_loss = F.softplus(-D(real)).mean() + F.softplus(D(fake)).mean()
    od.zero_grad(); d_loss.backward(); od.step()
    z = torch.randn(batch, latent)
    g_loss = F.softplus(-D(G(z))).mean()
    og.zero_grad(); g_loss.backward(); og.step()
    return float(d_loss) + float(g_loss)

step()
times = []
for _ in range(repeats):
    t = time.perf_counter(); step(); times.append((time.perf_counter() - t) * 1000)
times.sort()
print(json.dumps({"msPerStep": times[len(times) // 2], "torch": torch.__version__}))
