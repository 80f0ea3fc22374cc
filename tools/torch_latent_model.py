"""The latent model of `latent` written in PyTorch, for the recipe peers (torch_distill_bench.py,
torch_grpo_bench.py): a Llama-style decoder (RMSNorm, rotary positions, SwiGLU, causal multi-head
attention, tied embeddings) that runs chunks of positions through a per-layer key/value cache
with gradients (so a latent chain backpropagates through its cache, as the engine's
differentiable KeyValueCache does), feeds input vectors instead of ids (latent steps), returns
each block's hidden states at chosen rows, and the recurrent filter F(h) = LayerNorm(W2 GELU(W1 h
+ b1) + b2). Sizes and initialisation follow torch_llama_bench.py; weights are random (the
peers time steps, they do not train).
"""
import argparse
import json
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class RMSNorm(nn.Module):
    def __init__(self, dim, eps=1e-5):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x):
        return self.weight * x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps)


def rotate(x, cos, sin):  # x: (B, H, T, D); rotate-half convention
    half = x.shape[-1] // 2
    x1, x2 = x[..., :half], x[..., half:]
    return x * torch.cat([cos, cos], -1) + torch.cat([-x2, x1], -1) * torch.cat([sin, sin], -1)


class Block(nn.Module):
    def __init__(self, dim, heads, hidden):
        super().__init__()
        self.heads = heads
        self.attn_norm, self.mlp_norm = RMSNorm(dim), RMSNorm(dim)
        self.q, self.k, self.v, self.o = (nn.Linear(dim, dim, bias=False) for _ in range(4))
        self.gate, self.up = nn.Linear(dim, hidden, bias=False), nn.Linear(dim, hidden, bias=False)
        self.down = nn.Linear(hidden, dim, bias=False)

    def forward(self, x, cos, sin, cache):
        B, T, C = x.shape
        H = self.heads
        h = self.attn_norm(x)
        q = rotate(self.q(h).view(B, T, H, C // H).transpose(1, 2), cos, sin)
        k = rotate(self.k(h).view(B, T, H, C // H).transpose(1, 2), cos, sin)
        v = self.v(h).view(B, T, H, C // H).transpose(1, 2)
        past = 0
        if "k" in cache:
            past = cache["k"].shape[2]
            k, v = torch.cat([cache["k"], k], 2), torch.cat([cache["v"], v], 2)
        cache["k"], cache["v"] = k, v
        if T == 1:
            a = F.scaled_dot_product_attention(q, k, v)
        else:  # causal over the new positions, all of the past visible
            mask = torch.ones(T, past + T, dtype=torch.bool).tril(past)
            a = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
        x = x + self.o(a.transpose(1, 2).reshape(B, T, C))
        h = self.mlp_norm(x)
        return x + self.down(F.silu(self.gate(h)) * self.up(h))


class LatentLlama(nn.Module):
    def __init__(self, vocab, dim, layers, heads, hidden, max_len=512):
        super().__init__()
        self.embed = nn.Embedding(vocab, dim)
        nn.init.normal_(self.embed.weight, std=0.02)
        self.blocks = nn.ModuleList(Block(dim, heads, hidden) for _ in range(layers))
        self.norm = RMSNorm(dim)
        head = dim // heads
        freqs = 1.0 / 10000.0 ** (torch.arange(0, head, 2).float() / head)
        angles = torch.outer(torch.arange(max_len).float(), freqs)
        self.register_buffer("cos", torch.cos(angles))
        self.register_buffer("sin", torch.sin(angles))
        # The recurrent filter F (Linear, GELU, Linear, LayerNorm).
        self.filter = nn.Sequential(nn.Linear(dim, dim), nn.GELU(), nn.Linear(dim, dim), nn.LayerNorm(dim))

    @staticmethod
    def new_cache(model):
        return [{} for _ in model.blocks]

    def run(self, x, caches, state_rows=None):
        """x: (B, T, D) inputs after `caches`' positions. Returns (normed hidden (B, T, D),
        [hidden of every block but the last, then the normed state] at flat rows `state_rows`)."""
        B, T, _ = x.shape
        start = caches[0]["k"].shape[2] if "k" in caches[0] else 0
        cos, sin = self.cos[start:start + T], self.sin[start:start + T]
        states = []
        for i, block in enumerate(self.blocks):
            x = block(x, cos, sin, caches[i])
            if state_rows is not None and i < len(self.blocks) - 1:
                states.append(x.reshape(B * T, -1)[state_rows])
        h = self.norm(x)
        if state_rows is not None:
            states.append(h.reshape(B * T, -1)[state_rows])
        return h, states

    def logits(self, h):
        return h @ self.embed.weight.t()

    @staticmethod
    def copy_cache(caches, rows=None):
        return [{k: (v if rows is None else v[rows]) for k, v in c.items()} for c in caches]


def parse_args(doc, workload_options):
    """The common options (threads and the model's shape, the engine's defaults) plus the workload's
    own integer options (name, default); sets torch's thread count and seed 0."""
    ap = argparse.ArgumentParser(description=doc.splitlines()[0])
    common = [("threads", 2), ("vocab", 516), ("dim", 128), ("layers", 4), ("heads", 4), ("hidden", 352)]
    for name, default in common + workload_options:
        ap.add_argument("--" + name.replace("_", "-"), type=int, default=default)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    return a


def adamw(model, lr, betas, weight_decay):
    """AdamW with weight decay on matrices only, as the engine's trainers group it."""
    decay = [p for p in model.parameters() if p.dim() >= 2]
    rest = [p for p in model.parameters() if p.dim() < 2]
    return torch.optim.AdamW([{"params": decay, "weight_decay": weight_decay},
                              {"params": rest, "weight_decay": 0.0}], lr=lr, betas=betas, eps=1e-8)


def time_steps(step, model, workload, threads, warmup, steps):
    """Runs `step` warmup + steps times and prints the JSON line of the median timed step."""
    times = []
    for i in range(warmup + steps):
        t0 = time.perf_counter()
        step()
        if i >= warmup:
            times.append(time.perf_counter() - t0)
    median = statistics.median(times)
    print(json.dumps({
        "engine": "torch " + torch.__version__, "threads": threads,
        "params": sum(p.numel() for p in model.parameters()), "workload": workload,
        "steps_per_s": round(1 / median, 3), "step_ms_median": round(median * 1e3, 3),
    }))
