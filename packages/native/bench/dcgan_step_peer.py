# PyTorch peer of native.bench.ts (DCGAN part): one training step (discriminator update, then
# generator update, Adam) of a 28x28 DCGAN without batch norm, batch 64, CPU, float32.
# Generator: dense 100 -> 7x7x128, relu, convT 4x4 s2 -> 14x14x64, relu, convT 4x4 s2 -> 28x28x1, tanh.
# Discriminator: conv 4x4 s2 -> 64, leaky 0.2, conv 4x4 s2 -> 128, leaky 0.2, dense -> 1 logit.
# Prints one JSON line with the median step time in ms.
import json, statistics, sys, time
import torch
import torch.nn as nn
import torch.nn.functional as F

threads = int(sys.argv[1]) if len(sys.argv) > 1 else 2
torch.set_num_threads(threads)
torch.manual_seed(0)
B, Z = 64, 100

class G(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(Z, 7 * 7 * 128)
        self.up1 = nn.ConvTranspose2d(128, 64, 4, 2, 1)
        self.up2 = nn.ConvTranspose2d(64, 1, 4, 2, 1)
    def forward(self, z):
        h = F.relu(self.fc(z)).view(-1, 128, 7, 7)
        return torch.tanh(self.up2(F.relu(self.up1(h))))

class D(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(1, 64, 4, 2, 1)
        self.c2 = nn.Conv2d(64, 128, 4, 2, 1)
        self.fc = nn.Linear(7 * 7 * 128, 1)
    def forward(self, x):
        h = F.leaky_relu(self.c2(F.leaky_relu(self.c1(x), 0.2)), 0.2)
        return self.fc(h.flatten(1))

g, d = G(), D()
opt_g = torch.optim.Adam(g.parameters(), lr=2e-4, betas=(0.5, 0.999))
opt_d = torch.optim.Adam(d.parameters(), lr=2e-4, betas=(0.5, 0.999))
real = torch.rand(B, 1, 28, 28) * 2 - 1
z = torch.randn(B, Z)
ones, zeros = torch.ones(B, 1), torch.zeros(B, 1)

def step():
    fake = g(z)
    loss_d = F.binary_cross_entropy_with_logits(d(real), ones) + F.binary_cross_entropy_with_logits(d(fake.detach()), zeros)
    opt_d.zero_grad()
    loss_d.backward()
    opt_d.step()
    loss_g = F.binary_cross_entropy_with_logits(d(g(z)), ones)
    opt_g.zero_grad()
    loss_g.backward()
    opt_g.step()

for _ in range(3):
    step()
times = []
for _ in range(10):
    start = time.perf_counter()
    step()
    times.append((time.perf_counter() - start) * 1000)
print(json.dumps({"ms": statistics.median(times), "threads": torch.get_num_threads(), "torch": torch.__version__}))
