"""PyTorch reference for CNN Studio's training graphs — a test helper.

usage: python3 train_reference.py cases.json

cases.json is one case or a list of cases; paths in a case are relative to the JSON file. A case:
  {"mode": "gradients" | "train",
   "model": "model.py", "class": "Net", "weights": "model.pt",  (CNN Studio's PyTorch export)
   "logits": "logits" | null,        (method giving the scores before a final softmax, if any)
   "images": {"file": ..., "shape": [N, C, H, W]},   float32, little-endian
   "labels": {"file": ..., "shape": [N]},            int64, little-endian
   "masks": [...],                   dropout masks, float32, y = x * mask (scaling included)
   "output": "folder"}
 gradients: one forward (train mode, float64) on the whole image batch, F.cross_entropy, backward.
   "masks" is a list of {"file", "shape"}, one per F.dropout call in forward order.
   Writes loss, image_grad, grad/<key> for every parameter, state/<key> for every buffer after the
   forward (BN running statistics), as float64. With "float32": true, the same again computed in
   float32 by PyTorch, under "f32/loss", "f32/grad/<key>" …
 train: float32, model.train(), torch.optim.SGD / Adam / AdamW exactly (dampening 0).
   "batches": [[sample index, ...], ...] run in order every epoch; "epochs": E;
   "optimizer": {"kind": "sgd" | "adam" | "adamw", "lr", "momentum", "nesterov", "weightDecay",
   "beta1", "beta2", "eps"}; "masks" (optional): one list of {"file", "shape"} per step.
   Writes losses (one per step) and state/<key> for every float tensor of the final state dict.
The output folder gets tensors.bin (every tensor, raw little-endian, back to back) and result.json:
{"name": {"file": "tensors.bin", "offset": bytes, "shape", "dtype": "float64" | "float32"}}.
Prints one JSON line per case: {"ok": true} or {"error": "..."}.
"""
import contextlib
import importlib.util
import json
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

_real_dropout = F.dropout


class Masks:
    """Replaces F.dropout (the export calls F.dropout(x, p=..., training=self.training)) with the
    given masks, in call order, so a run reproduces the engine's dropout exactly."""

    def __init__(self, masks):
        self.masks = list(masks)

    def __enter__(self):
        def dropout(x, p=0.5, training=True, inplace=False):
            if not training:
                return x
            if not self.masks:
                raise RuntimeError("more F.dropout calls than masks given")
            return x * self.masks.pop(0).to(x.dtype)

        F.dropout = dropout
        return self

    def __exit__(self, *exc):
        F.dropout = _real_dropout
        if exc[0] is None and self.masks:
            raise RuntimeError(f"{len(self.masks)} dropout masks left unused")


def read(base, spec, dtype):
    return torch.from_numpy(np.fromfile(os.path.join(base, spec["file"]), dtype=dtype).reshape(spec["shape"]))


def load_model(base, case):
    spec = importlib.util.spec_from_file_location(f"model_{abs(hash(base + case['model']))}", os.path.join(base, case["model"]))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    model = getattr(module, case["class"])()
    model.load_state_dict(torch.load(os.path.join(base, case["weights"]), weights_only=True))  # strict
    return model


def scores(model, case, x):
    s = getattr(model, case["logits"])(x) if case.get("logits") else model(x)
    return s.reshape(s.shape[0], -1)  # N×K×1×1 → N×K


class Writer:
    """Collects a case's result tensors; close() writes them to one raw file (tensors.bin) and the
    index result.json (few files: creating thousands of small ones is slow on these VMs)."""

    def __init__(self, folder):
        self.folder = folder
        self.index = {}
        self.chunks = []
        self.offset = 0
        os.makedirs(folder, exist_ok=True)

    def put(self, name, tensor, dtype):
        array = np.ascontiguousarray(tensor.detach().cpu().numpy().astype(dtype))
        self.index[name] = {"file": "tensors.bin", "offset": self.offset, "shape": list(array.shape), "dtype": np.dtype(dtype).name}
        self.chunks.append(array.tobytes())
        self.offset += array.nbytes

    def close(self):
        with open(os.path.join(self.folder, "tensors.bin"), "wb") as f:
            f.write(b"".join(self.chunks))
        with open(os.path.join(self.folder, "result.json"), "w") as f:
            json.dump(self.index, f)


def gradients(base, case, out):
    # float64, the reference; with "float32": true also PyTorch's own float32 result ("f32/…"), a
    # yardstick for how far float32 arithmetic can be from the exact value on this case.
    for dtype, prefix in [(torch.float64, "")] + ([(torch.float32, "f32/")] if case.get("float32") else []):
        model = load_model(base, case).to(dtype)
        model.train()
        x = read(base, case["images"], "<f4").to(dtype).requires_grad_(True)
        labels = read(base, case["labels"], "<i8")
        masks = [read(base, m, "<f4").to(dtype) for m in case.get("masks", [])]
        with Masks(masks):
            loss = F.cross_entropy(scores(model, case, x), labels)
        loss.backward()
        out.put(f"{prefix}loss", loss, "<f8")
        out.put(f"{prefix}image_grad", x.grad, "<f8")
        for key, p in model.named_parameters():
            if p.grad is not None:
                out.put(f"{prefix}grad/{key}", p.grad, "<f8")
        for key, b in model.named_buffers():
            if b.is_floating_point():
                out.put(f"{prefix}state/{key}", b, "<f8")


def optimizer(config, params):
    kind, lr, wd = config["kind"], config["lr"], config.get("weightDecay", 0)
    betas = (config.get("beta1", 0.9), config.get("beta2", 0.999))
    if kind == "sgd":
        return torch.optim.SGD(params, lr=lr, momentum=config.get("momentum", 0), dampening=0, nesterov=config.get("nesterov", False), weight_decay=wd)
    cls = {"adam": torch.optim.Adam, "adamw": torch.optim.AdamW}[kind]
    return cls(params, lr=lr, betas=betas, eps=config.get("eps", 1e-8), weight_decay=wd)


def train(base, case, out):
    model = load_model(base, case).float()
    model.train()
    images = read(base, case["images"], "<f4")
    labels = read(base, case["labels"], "<i8")
    opt = optimizer(case["optimizer"], model.parameters())
    step_masks = case.get("masks")
    losses = []
    for _ in range(case["epochs"]):
        for batch in case["batches"]:
            index = torch.tensor(batch, dtype=torch.long)
            masks = [read(base, m, "<f4") for m in step_masks[len(losses)]] if step_masks else []
            opt.zero_grad(set_to_none=True)
            with Masks(masks) if step_masks else contextlib.nullcontext():
                loss = F.cross_entropy(scores(model, case, images[index]), labels[index])
            loss.backward()
            opt.step()
            losses.append(loss.item())
    out.put("losses", torch.tensor(losses, dtype=torch.float64), "<f8")
    for key, t in model.state_dict().items():
        if t.is_floating_point():
            out.put(f"state/{key}", t, "<f4")


def main():
    torch.set_num_threads(int(os.environ.get("TORCH_THREADS", "1")))  # tiny tensors: more threads only contend
    path = sys.argv[1]
    base = os.path.dirname(os.path.abspath(path))
    with open(path) as f:
        cases = json.load(f)
    for case in cases if isinstance(cases, list) else [cases]:
        try:
            out = Writer(os.path.join(base, case["output"]))
            {"gradients": gradients, "train": train}[case["mode"]](base, case, out)
            out.close()
            result = {"ok": True}
        except Exception as e:  # reported per case; the test fails on it
            result = {"error": f"{type(e).__name__}: {e}"}
        print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
