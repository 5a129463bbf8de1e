"""Run generated PyTorch modules (CNN Studio's PyTorch export) on given inputs — a test helper.

usage: python3 run_pytorch_models.py jobs.json

jobs.json is a list of {"code": model.py, "class": class name, "weights": model.pt,
"inputs": [input.bin, ...] (float32, little-endian, batch 1), "shapes": [[C, H, W], ...],
"output": out.bin, "train": optional bool}. Each job loads the module, `load_state_dict(torch.load(weights,
weights_only=True))`, runs it in eval mode (in training mode with "train": batch norms on the batch's
statistics) and writes the (first) output as float32 to "output". Prints one JSON line per
job: {"params": sum(p.numel()), "shape": [...]} or {"error": "..."}.
"""
import importlib.util
import json
import sys

import numpy as np
import torch


def run(job):
    spec = importlib.util.spec_from_file_location("generated_model", job["code"])
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    model = getattr(module, job["class"])()
    state = torch.load(job["weights"], weights_only=True)
    model.load_state_dict(state)  # strict: every key must match
    model.train(bool(job.get("train", False)))
    xs = [torch.from_numpy(np.fromfile(path, dtype="<f4").reshape([1] + list(shape))) for path, shape in zip(job["inputs"], job["shapes"])]
    with torch.no_grad():
        y = model(*xs)
    if isinstance(y, (tuple, list)):
        y = y[0]
    y.detach().numpy().astype("<f4").tofile(job["output"])
    return {"params": int(sum(p.numel() for p in model.parameters())), "shape": list(y.shape)}


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
