"""Load a torchvision classifier's weights into CNN Studio's PyTorch export of the matching preset and
compare their logits — a test helper proving a preset is the same network, not just the same count.

usage: python3 torchvision_weights_in_export.py jobs.json

jobs.json is a list of {"code": model.py, "class": class name, "logits": the method returning the
scores before the softmax, "torchvision": a torchvision.models builder name}. Each torchvision model
is built with seeded random weights and randomised batch-norm statistics (eval mode); its state dict
is moved onto the export's entry by entry in registration order, each pair checked for equal shapes,
and loaded strictly. Prints one JSON line per job: {"entries": n, "max_abs": max |Δ logit|,
"scale": max |torchvision logit|} or {"error": "..."}.
"""
import importlib.util
import json
import sys

import torch
import torchvision

from export_torchvision import randomise_batch_norms


def run(job):
    spec = importlib.util.spec_from_file_location("generated_model", job["code"])
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    ours = getattr(module, job["class"])().eval()
    torch.manual_seed(0)
    theirs = getattr(torchvision.models, job["torchvision"])(weights=None)
    g = torch.Generator().manual_seed(1)
    with torch.no_grad():
        randomise_batch_norms(theirs, g)
    theirs.eval()
    src, dst = theirs.state_dict(), ours.state_dict()
    if len(src) != len(dst):
        raise ValueError(f"{len(src)} torchvision entries, {len(dst)} in the export")
    moved = {}
    for (tk, tv), (ok, ov) in zip(src.items(), dst.items()):
        if tv.shape != ov.shape:
            raise ValueError(f"{tk} {tuple(tv.shape)} lands on {ok} {tuple(ov.shape)}")
        moved[ok] = tv
    ours.load_state_dict(moved)  # strict
    x = torch.randn(1, 3, 224, 224, generator=g)
    with torch.no_grad():
        want = theirs(x)
        got = getattr(ours, job["logits"])(x)
    return {"entries": len(moved), "max_abs": float((got - want).abs().max()), "scale": float(want.abs().max())}


def main():
    torch.set_num_threads(2)
    with open(sys.argv[1]) as f:
        jobs = json.load(f)
    for job in jobs:
        try:
            result = run(job)
        except Exception as e:  # reported per job; the test fails on it
            result = {"error": f"{type(e).__name__}: {e}"}
        print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
