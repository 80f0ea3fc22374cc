#!/usr/bin/env python3
"""Check a latent checkpoint against Hugging Face transformers' LlamaForCausalLM.

latent writes a model directory (model.safetensors with HF Llama names, config.json with
LlamaConfig fields, tokenizer.json) and, with `latent train logits`, the logits it computes for
some token ids. This script loads the same directory with transformers, runs the same ids and
reports the largest absolute logit difference; it exits 1 when that exceeds the tolerance.

Usage:
  latent train logits --checkpoint DIR --out /tmp/logits.safetensors
  python3 tools/hf_parity.py DIR /tmp/logits.safetensors [--tolerance 1e-4]

Needs torch, transformers and safetensors (a throwaway virtualenv is fine; the project's tests
never import them).
"""
import argparse
import json
import sys


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("checkpoint", help="latent checkpoint directory")
    ap.add_argument("logits", help="safetensors file with input_ids [B, T] and logits [B, T, V]")
    ap.add_argument("--tolerance", type=float, default=1e-4)
    a = ap.parse_args()

    import torch
    from safetensors.torch import load_file
    from transformers import LlamaForCausalLM

    torch.set_num_threads(1)
    model = LlamaForCausalLM.from_pretrained(
        a.checkpoint, torch_dtype=torch.float32, attn_implementation="eager")
    model.eval()
    saved = load_file(a.logits)
    ids = saved["input_ids"].to(torch.long)
    ours = saved["logits"]
    batch, length = ids.shape
    positions = torch.arange(length).unsqueeze(0).expand(batch, length)
    with torch.no_grad():
        theirs = model(input_ids=ids, position_ids=positions).logits
    if theirs.shape != ours.shape:
        print(json.dumps({"error": f"shape {tuple(theirs.shape)} vs {tuple(ours.shape)}"}))
        return 1
    diff = (theirs - ours).abs().max().item()
    same_argmax = bool((theirs.argmax(-1) == ours.argmax(-1)).all().item())
    print(json.dumps({
        "transformers_class": type(model).__name__,
        "tokens": batch * length,
        "vocab": int(ours.shape[-1]),
        "max_abs_diff": diff,
        "max_abs_logit": ours.abs().max().item(),
        "same_argmax": same_argmax,
        "tolerance": a.tolerance,
        "ok": diff <= a.tolerance,
    }))
    return 0 if diff <= a.tolerance else 1


if __name__ == "__main__":
    sys.exit(main())
