#!/usr/bin/env python3
"""The PyTorch peer of `latent bench rl`: one GRPO step of the "adaptive" recipe at the same
shape, steps per second (median).

The step mirrors Training/GRPOTrainer.swift and GRPOBatch.swift: `--prompts` prompts of
`--prompt` tokens, each computed once (batch of prompts, no grad) and its cache repeated for
`--group` completions; sampling: `--latent` latent steps per completion (`--latent` + 1 stop-head
decisions, the last one STOP, from the CONTINUE/STOP logits sampled at temperature 8, the recipe's
head temperature; the filter F and one cached position per step), then `--answer` answer tokens sampled at temperature 1; rewards and
group advantages; the update in chunks of `--micro` completions: the policy's pass with gradients
over prompt, latent chain and answer, the frozen reference's pass without, the clipped-ratio loss
with the k3 KL term (beta 1e-3) over every action (stop decisions and answer tokens), gradients
accumulated over the chunks; clipping at 1, AdamW (lr 1e-5, betas 0.9 / 0.999, weight decay 1e-3
on matrices). Random weights and ids; every completion has the lengths given: the engine reports
the mean latent steps and answer tokens of its own timed steps in its JSON ("geometry"), and
tools/bench_recipe_pairs.py passes them here.

Usage: torch_grpo_bench.py [--threads 2] [--vocab V] [--dim 128] [--layers 4] [--heads 4]
       [--hidden 352] [--prompts 8] [--group 16] [--prompt 40] [--latent 8] [--answer 20]
       [--micro 8] [--warmup 1] [--steps 5]
Prints one JSON object: engine, threads, params, workload, steps_per_s, step_ms_median.
"""
import copy

import torch
import torch.nn.functional as F

from torch_latent_model import LatentLlama, adamw, parse_args, time_steps


def main():
    a = parse_args(__doc__, [("prompts", 8), ("group", 16), ("prompt", 40), ("latent", 8), ("answer", 20),
                            ("micro", 8), ("warmup", 1), ("steps", 5)])
    policy = LatentLlama(a.vocab, a.dim, a.layers, a.heads, a.hidden)
    reference = copy.deepcopy(policy).requires_grad_(False)
    opt = adamw(policy, 1e-5, (0.9, 0.999), 1e-3)
    V, N = a.vocab, a.prompts * a.group
    CONTINUE, STOP, START = V - 2, V - 1, V - 4
    beta = 1e-3

    def head(h):  # the stop head: CONTINUE vs STOP logits of the tied embedding
        return h @ policy.embed.weight[[CONTINUE, STOP]].t()

    def sample(prompts):
        with torch.no_grad():
            cache = LatentLlama.new_cache(policy)
            policy.run(policy.embed(prompts), cache)
            cache = LatentLlama.copy_cache(cache, torch.arange(N) // a.group)
            h, _ = policy.run(policy.embed(torch.full((N, 1), START)), cache)
            hidden = h[:, 0]
            decisions = []
            for i in range(a.latent + 1):  # CONTINUE `latent` times, then STOP
                decisions.append(torch.multinomial(F.softmax(head(hidden) / 8, -1), 1))
                if i < a.latent:
                    out, _ = policy.run(policy.filter(hidden).unsqueeze(1), cache)
                    hidden = out[:, 0]
            answer, token = [], torch.full((N, 1), START)
            for _ in range(a.answer):
                out, _ = policy.run(policy.embed(token), cache)
                token = torch.multinomial(F.softmax(policy.logits(out[:, 0]), -1), 1)
                answer.append(token)
            return torch.cat(answer, 1)

    def log_probs(model, prompts, answer):
        """Log-probabilities of every action of the chunk: latent stop decisions, then answer tokens."""
        cache = LatentLlama.new_cache(model)
        model.run(model.embed(prompts), cache)
        h, _ = model.run(model.embed(torch.full((len(prompts), 1), START)), cache)
        hidden, stops = h[:, 0], []
        for i in range(a.latent + 1):
            stops.append(F.log_softmax(hidden @ model.embed.weight[[CONTINUE, STOP]].t(), -1)[:, 0])
            if i < a.latent:
                out, _ = model.run(model.filter(hidden).unsqueeze(1), cache)
                hidden = out[:, 0]
        tokens = torch.cat([torch.full((len(prompts), 1), START), answer[:, :-1]], 1)
        out, _ = model.run(model.embed(tokens), cache)
        picked = F.log_softmax(model.logits(out), -1).gather(-1, answer.unsqueeze(-1))[..., 0]
        return torch.cat([torch.stack(stops, 1), picked], 1)

    def step():
        prompts = torch.randint(0, V - 4, (a.prompts, a.prompt))
        answer = sample(prompts)
        rewards = torch.rand(N)
        grouped = rewards.view(a.prompts, a.group)
        advantages = ((grouped - grouped.mean(1, keepdim=True)) / (grouped.std(1, keepdim=True) + 1e-4)).view(N)
        repeated = prompts[torch.arange(N) // a.group]
        opt.zero_grad(set_to_none=True)
        for lo in range(0, N, a.micro):
            rows = slice(lo, lo + a.micro)
            lp = log_probs(policy, repeated[rows], answer[rows])
            with torch.no_grad():
                ref = log_probs(reference, repeated[rows], answer[rows])
            ratio = torch.exp(lp - lp.detach())
            kl = torch.exp(ref - lp) - (ref - lp) - 1
            loss = (-(ratio * advantages[rows, None]) + beta * kl).mean() * (a.micro / N)
            loss.backward()
        torch.nn.utils.clip_grad_norm_(policy.parameters(), 1.0)
        opt.step()

    time_steps(step, policy, "rl", a.threads, a.warmup, a.steps)


if __name__ == "__main__":
    main()
