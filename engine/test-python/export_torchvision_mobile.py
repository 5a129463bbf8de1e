"""Export torchvision's mobile classifiers to ONNX as users do — torch.onnx.export(model, x, path) with
every option at its default (this torch: opset 14, eval mode, batch norm folded into the convolutions)
— with reference outputs: a test helper for ONNX import of depthwise, inverted-residual,
squeeze-excitation and channel-shuffle networks.

usage: python3 export_torchvision_mobile.py OUT_DIR MODEL[,MODEL…] [SIZE]

MODEL is a torchvision.models builder name (mobilenet_v2, mobilenet_v3_small, mnasnet0_5,
shufflenet_v2_x1_0 …), built with random seeded weights and randomised batch-norm statistics. Writes
<name>.onnx, <name>.input.bin (a seeded N(0,1) input, 1×3×SIZE×SIZE float32) and <name>.logits.bin
(PyTorch's logits for it, float32), and prints one JSON line {"name", "params", "opset"} per model.
"""
import json
import os
import sys

import onnx
import torch
import torchvision

from export_torchvision import randomise_batch_norms


def main():
    out_dir, names = sys.argv[1], sys.argv[2].split(",")
    size = int(sys.argv[3]) if len(sys.argv) > 3 else 224
    torch.set_num_threads(2)
    os.makedirs(out_dir, exist_ok=True)
    for name in names:
        torch.manual_seed(0)
        model = getattr(torchvision.models, name)(weights=None)
        g = torch.Generator().manual_seed(1)
        with torch.no_grad():
            randomise_batch_norms(model, g)
        model.eval()
        x = torch.randn(1, 3, size, size, generator=g)
        with torch.no_grad():
            logits = model(x)
        base = os.path.join(out_dir, name)
        x.numpy().astype("<f4").tofile(base + ".input.bin")
        logits.numpy().astype("<f4").tofile(base + ".logits.bin")
        torch.onnx.export(model, x, base + ".onnx")
        params = int(sum(p.numel() for p in model.parameters()))
        opset = onnx.load(base + ".onnx").opset_import[0].version
        print(json.dumps({"name": name, "params": params, "opset": opset}), flush=True)


if __name__ == "__main__":
    main()
