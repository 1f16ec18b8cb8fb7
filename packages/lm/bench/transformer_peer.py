"""PyTorch peer of packages/lm/bench/transformer.bench.ts: the same GPT (pre-norm blocks, exact
GELU, learned positions, tied embeddings, no dropout), AdamW, random token windows; prints one JSON
line with training tokens/s. Args: vocab layers heads dModel context batch steps threads."""
import json
import math
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

V, L, NH, D, T, B, STEPS, THREADS = (int(a) for a in sys.argv[1:9])
torch.set_num_threads(THREADS)
torch.manual_seed(0)


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln1, self.ln2 = nn.LayerNorm(D), nn.LayerNorm(D)
        self.q, self.k, self.v, self.o = (nn.Linear(D, D) for _ in range(4))
        self.fc, self.proj = nn.Linear(D, 4 * D), nn.Linear(4 * D, D)

    def forward(self, x):
        b, t, _ = x.shape
        h = self.ln1(x)
        split = lambda y: y.view(b, t, NH, D // NH).transpose(1, 2)
        a = F.scaled_dot_product_attention(split(self.q(h)), split(self.k(h)), split(self.v(h)), is_causal=True) \
            if hasattr(F, 'scaled_dot_product_attention') else None
        if a is None:
            q, k, v = split(self.q(h)), split(self.k(h)), split(self.v(h))
            s = q @ k.transpose(-1, -2) / math.sqrt(D // NH)
            s = s.masked_fill(torch.ones(t, t, dtype=torch.bool).triu(1), float('-inf'))
            a = s.softmax(-1) @ v
        x = x + self.o(a.transpose(1, 2).reshape(b, t, D))
        return x + self.proj(F.gelu(self.fc(self.ln2(x))))


class Gpt(nn.Module):
    def __init__(self):
        super().__init__()
        self.tok, self.pos = nn.Embedding(V, D), nn.Embedding(T, D)
        self.blocks = nn.ModuleList(Block() for _ in range(L))
        self.ln = nn.LayerNorm(D)

    def forward(self, ids):
        x = self.tok(ids) + self.pos(torch.arange(ids.shape[1]))
        for blk in self.blocks:
            x = blk(x)
        return self.ln(x) @ self.tok.weight.T


model = Gpt()
opt = torch.optim.AdamW(model.parameters(), lr=3e-4)
data = torch.randint(0, V, (100_000,))


def step():
    starts = torch.randint(0, len(data) - T - 1, (B,))
    x = torch.stack([data[s:s + T] for s in starts])
    y = torch.stack([data[s + 1:s + T + 1] for s in starts])
    loss = F.cross_entropy(model(x).reshape(-1, V), y.reshape(-1))
    opt.zero_grad()
    loss.backward()
    opt.step()


for _ in range(3):
    step()
t0 = time.perf_counter()
for _ in range(STEPS):
    step()
sec = time.perf_counter() - t0
print(json.dumps({'tokensPerSecond': B * T * STEPS / sec, 'msPerStep': 1000 * sec / STEPS, 'threads': THREADS, 'torch': torch.__version__}))
