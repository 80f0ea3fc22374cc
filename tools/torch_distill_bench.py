#!/usr/bin/env python3
"""The PyTorch peer of `latent bench distill`: one optimizer step of the "stepwise" distillation
recipe at the same shape, steps per second (median).

The step mirrors Training/DistillationLoss.swift: one pass over the shared prefix
`<bos> Question: q` into a key/value cache; the teacher's CoT after it over a copy of that cache
(cross-entropy on its tokens, every block's hidden state kept at the answer anchor); the student's
<START>, then `--latent` latent steps (input F(h) of the previous hidden state, one cached
position each; CONTINUE/STOP cross-entropy on the masked logits), step supervision (each
supervised latent input vector, as the first position of a fresh cache, must write its run of the
chain: `--step-rows` rows of `--step-length` tokens), and the answer tail (cross-entropy, hidden
states at the anchor); the distillation term (mean over blocks of smooth-L1(student, detached
teacher) / (std(teacher) + 1e-8)) with weight 2 and the step term with weight 1; backward,
gradient clipping at 2, AdamW (lr 1e-3, betas 0.9 / 0.95, weight decay 0.1 on matrices).
Batch rows run as one batch on `--threads` intra-op threads (torch's way; the engine splits
them over workers). Token ids are random and every row has the lengths given: the engine reports
the mean lengths of its own timed batches in its JSON ("geometry"), and
tools/bench_recipe_pairs.py passes them here, so both sides time the same shape.

Usage: torch_distill_bench.py [--threads 2] [--vocab V] [--dim 128] [--layers 4] [--heads 4]
       [--hidden 352] [--batch 4] [--latent 6] [--prefix P] [--teacher T] [--tail A]
       [--step-rows S] [--step-length L] [--warmup 10] [--steps 100]
Prints one JSON object: engine, threads, params, workload, steps_per_s, step_ms_median.
"""

import torch
import torch.nn.functional as F

from torch_latent_model import LatentLlama, adamw, parse_args, time_steps


def main():
    a = parse_args(__doc__, [("batch", 4), ("latent", 6), ("prefix", 47), ("teacher", 13), ("tail", 9),
                            ("step_rows", 10), ("step_length", 1), ("warmup", 10), ("steps", 100)])
    model = LatentLlama(a.vocab, a.dim, a.layers, a.heads, a.hidden)
    opt = adamw(model, 1e-3, (0.9, 0.95), 0.1)
    V, B, D = a.vocab, a.batch, a.dim
    CONTINUE, STOP, END, START = V - 2, V - 1, V - 3, V - 4

    def ids(*shape):
        return torch.randint(0, V - 4, shape)

    def masked(logits, binary):
        if binary:  # only CONTINUE and STOP
            keep = torch.full_like(logits, float("-inf"))
            keep[:, [CONTINUE, STOP]] = logits[:, [CONTINUE, STOP]]
            return keep
        out = logits.clone()
        out[:, [CONTINUE, STOP, END]] = float("-inf")
        return out

    def step():
        prefix, teacher, tail = ids(B, a.prefix), ids(B, a.teacher + 1), ids(B, a.tail + 1)
        steps = ids(a.step_rows, a.step_length + 1)
        cache = LatentLlama.new_cache(model)
        h, _ = model.run(model.embed(prefix), cache)
        prefix_logits = masked(model.logits(h[:, -1]), False)
        # Teacher: the CoT after the prefix, over a copy of the cache; states at the anchor.
        anchor = torch.arange(B) * a.teacher + a.teacher - 2
        t_h, t_states = model.run(model.embed(teacher[:, :-1]), LatentLlama.copy_cache(cache), anchor)
        t_logits = masked(model.logits(t_h).reshape(B * a.teacher, V), False)
        ce_t = F.cross_entropy(torch.cat([prefix_logits, t_logits]), torch.cat([teacher[:, 0], teacher[:, 1:].reshape(-1)]))
        # Student: <START>, the latent steps, through the prefix's cache itself.
        s_h, _ = model.run(model.embed(torch.full((B, 1), START)), cache)
        parts = [prefix_logits, masked(model.logits(s_h[:, 0]), True)]
        targets = [torch.full((B,), START), torch.full((B,), CONTINUE)]
        latent_inputs = []
        hidden = s_h[:, 0]
        for k in range(a.latent):
            x = model.filter(hidden)
            latent_inputs.append(x)
            out, _ = model.run(x.unsqueeze(1), cache)
            parts.append(masked(model.logits(out[:, 0]), True))
            targets.append(torch.full((B,), CONTINUE if k + 1 < a.latent else STOP))
            hidden = out[:, 0]
        # Step supervision: supervised latent inputs write their runs of the chain.
        rows = torch.arange(a.step_rows) % (a.latent * B)
        first = torch.cat(latent_inputs)[rows].unsqueeze(1)
        step_cache = LatentLlama.new_cache(model)
        f_h, _ = model.run(first, step_cache)
        r_h, _ = model.run(model.embed(steps[:, :-1]), step_cache)
        step_logits = torch.cat([masked(model.logits(f_h[:, 0]), False),
                                 masked(model.logits(r_h).reshape(-1, V), False)])
        step_ce = F.cross_entropy(step_logits, torch.cat([steps[:, 0], steps[:, 1:].reshape(-1)]))
        # The answer tail, states at its anchor.
        tail_anchor = torch.arange(B) * a.tail + a.tail - 2
        a_h, s_states = model.run(model.embed(tail[:, :-1]), cache, tail_anchor)
        parts.append(masked(model.logits(a_h).reshape(B * a.tail, V), False))
        targets.append(tail[:, 1:].reshape(-1))
        ce_s = F.cross_entropy(torch.cat(parts), torch.cat(targets))
        dist = sum(F.smooth_l1_loss(s, t.detach()) / (t.detach().std() + 1e-8) for s, t in zip(s_states, t_states))
        loss = ce_t + ce_s + 2 * dist / len(s_states) + step_ce
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 2.0)
        opt.step()

    time_steps(step, model, "distill", a.threads, a.warmup, a.steps)


if __name__ == "__main__":
    main()
