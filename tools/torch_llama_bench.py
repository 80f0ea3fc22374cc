# Provenance: the PyTorch peer of the project's design material; copied into tools/ unchanged on
# 2026-12-07 so that `make bench` needs nothing outside the repository. `latent bench model`,
# `bench block` and `bench latent` use its flags, defaults and JSON keys.
"""Reference throughput of a tiny Llama-style decoder in PyTorch on the CPU.

The peer that `latent bench` is compared against: the same architecture (RMSNorm, rotary
positions, SwiGLU MLP, causal multi-head attention, tied embeddings), the same sizes, the same
optimizer (AdamW), the same thread count. Prints one JSON object:
  train_tokens_per_s  tokens per second through forward + backward + AdamW step (median step)
  infer_tokens_per_s  tokens per second through a forward pass alone, no grad (median)
  decode_steps_per_s  single-position steps per second with a key/value cache, batch 1, after a
                      32-token prompt: the shape of one latent-reasoning step (median of 16 steps)
  params              parameter count

Usage: python3 torch_llama_bench.py [--threads 2] [--vocab 256] [--dim 128] [--layers 4]
       [--heads 4] [--hidden 352] [--seq 64] [--batch 32] [--warmup 3] [--steps 20]
Needs torch (pip install torch; the CPU is used even where the wheel carries CUDA).
"""
import argparse
import json
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class RMSNorm(nn.Module):
    def __init__(self, dim: int, eps: float = 1e-5):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x):
        return self.weight * x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps)


def rotary(seq: int, head_dim: int, theta: float = 10000.0):
    freqs = 1.0 / theta ** (torch.arange(0, head_dim, 2).float() / head_dim)
    angles = torch.outer(torch.arange(seq).float(), freqs)
    return torch.cos(angles), torch.sin(angles)


def apply_rotary(x, cos, sin):  # x: (B, H, T, D), rotate-half convention
    x1, x2 = x[..., : x.shape[-1] // 2], x[..., x.shape[-1] // 2 :]
    c = torch.cat([cos, cos], -1)
    s = torch.cat([sin, sin], -1)
    return x * c + torch.cat([-x2, x1], -1) * s


class Block(nn.Module):
    def __init__(self, dim, heads, hidden):
        super().__init__()
        self.heads = heads
        self.attn_norm = RMSNorm(dim)
        self.q = nn.Linear(dim, dim, bias=False)
        self.k = nn.Linear(dim, dim, bias=False)
        self.v = nn.Linear(dim, dim, bias=False)
        self.o = nn.Linear(dim, dim, bias=False)
        self.mlp_norm = RMSNorm(dim)
        self.gate = nn.Linear(dim, hidden, bias=False)
        self.up = nn.Linear(dim, hidden, bias=False)
        self.down = nn.Linear(hidden, dim, bias=False)

    def forward(self, x, cos, sin, cache=None):
        B, T, C = x.shape
        H = self.heads
        h = self.attn_norm(x)
        q = self.q(h).view(B, T, H, C // H).transpose(1, 2)
        k = self.k(h).view(B, T, H, C // H).transpose(1, 2)
        v = self.v(h).view(B, T, H, C // H).transpose(1, 2)
        q, k = apply_rotary(q, cos, sin), apply_rotary(k, cos, sin)
        if cache is not None:  # decoding: append this position's keys and values
            if "k" in cache:
                k = torch.cat([cache["k"], k], 2)
                v = torch.cat([cache["v"], v], 2)
            cache["k"], cache["v"] = k, v
        a = F.scaled_dot_product_attention(q, k, v, is_causal=(T > 1))
        x = x + self.o(a.transpose(1, 2).reshape(B, T, C))
        h = self.mlp_norm(x)
        return x + self.down(F.silu(self.gate(h)) * self.up(h))


class TinyLlama(nn.Module):
    def __init__(self, vocab, dim, layers, heads, hidden, seq):
        super().__init__()
        self.embed = nn.Embedding(vocab, dim)
        self.blocks = nn.ModuleList(Block(dim, heads, hidden) for _ in range(layers))
        self.norm = RMSNorm(dim)
        cos, sin = rotary(seq, dim // heads)
        self.register_buffer("cos", cos)
        self.register_buffer("sin", sin)

    def forward(self, idx, caches=None, start=0):
        x = self.embed(idx)
        T = idx.shape[1]
        for i, b in enumerate(self.blocks):
            cache = None if caches is None else caches[i]
            x = b(x, self.cos[start:start + T], self.sin[start:start + T], cache)
        return self.norm(x) @ self.embed.weight.t()  # tied output head


def main():
    ap = argparse.ArgumentParser()
    for name, default in [("threads", 2), ("vocab", 256), ("dim", 128), ("layers", 4), ("heads", 4),
                          ("hidden", 352), ("seq", 64), ("batch", 32), ("warmup", 3), ("steps", 20)]:
        ap.add_argument("--" + name, type=int, default=default)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    model = TinyLlama(a.vocab, a.dim, a.layers, a.heads, a.hidden, a.seq)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.1)
    data = torch.randint(0, a.vocab, (a.batch, a.seq + 1))
    x, y = data[:, :-1], data[:, 1:]

    def train_step():
        logits = model(x)
        loss = F.cross_entropy(logits.reshape(-1, a.vocab), y.reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()

    times = []
    for i in range(a.warmup + a.steps):
        t0 = time.perf_counter()
        train_step()
        if i >= a.warmup:
            times.append(time.perf_counter() - t0)
    infer = []
    with torch.no_grad():
        for i in range(a.warmup + a.steps):
            t0 = time.perf_counter()
            model(x)
            if i >= a.warmup:
                infer.append(time.perf_counter() - t0)
    decode = []
    with torch.no_grad():
        for rep in range(a.warmup + 1):
            caches = [{} for _ in model.blocks]
            model(data[:1, :32], caches, 0)
            tok = data[:1, 32:33]
            for i in range(16):
                t0 = time.perf_counter()
                model(tok, caches, 32 + i)
                if rep == a.warmup:
                    decode.append(time.perf_counter() - t0)
    tokens = a.batch * a.seq
    print(json.dumps({
        "engine": "torch " + torch.__version__,
        "threads": a.threads,
        "params": sum(p.numel() for p in model.parameters()),
        "train_tokens_per_s": round(tokens / statistics.median(times)),
        "infer_tokens_per_s": round(tokens / statistics.median(infer)),
        "decode_steps_per_s": round(1 / statistics.median(decode)),
    }))


if __name__ == "__main__":
    main()
