"""Export small PyTorch models that pad with F.pad / nn.ZeroPad2d, and models with a symbolic height
and width (dynamic_axes), to ONNX as users do — torch.onnx.export with its defaults otherwise — with
reference outputs: a test helper for ONNX import's constant folding and its input-shape option.

usage: python3 export_padding_and_dynamic.py OUT_DIR

Writes, for each model, <name>.onnx, <name>.input.bin (a seeded N(0,1) input, float32, of the size
given in the JSON line) and <name>.logits.bin (PyTorch's output for it, float32), and prints one JSON
line {"name", "opset", "shape": [C, H, W] of that input, "dims": the file's input dimensions
(numbers, or names where symbolic)} per model.

  f_pad         F.pad(x, (1, 2, 0, 1)) — asymmetric: left 1, right 2, top 0, bottom 1
  zero_pad      nn.ZeroPad2d((1, 2, 0, 1)) and nn.ConstantPad2d(1, 0.0)
  pad_to_even   F.pad(x, (0, w % 2, 0, h % 2)) with h, w read from x.shape (a Mod chain on constants)
  dynamic_hw    a small CNN with F.pad, global pooling and x.view(x.size(0), -1), exported at 32×32 with
                batch, height and width dynamic; the reference is at 3×40×48
  resnet18_dynamic  torchvision's ResNet-18 (random seeded weights, randomised batch-norm statistics),
                batch, height and width dynamic; the reference is at 3×64×80
  shufflenet_dynamic  torchvision's ShuffleNetV2-x1.0, likewise: its channel shuffles read x.size(), so
                their Reshape targets are computed from Shape; the reference is at 3×64×96
"""
import json
import os
import sys

import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision

from export_torchvision import randomise_batch_norms


class FPad(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3)
        self.fc = nn.Linear(8 * 6 * 9, 10)

    def forward(self, x):
        x = F.relu(self.conv(F.pad(x, (1, 2, 0, 1))))
        return self.fc(torch.flatten(x, 1))


class ZeroPad(nn.Module):
    def __init__(self):
        super().__init__()
        self.pad = nn.ZeroPad2d((1, 2, 0, 1))
        self.conv = nn.Conv2d(3, 8, 3)
        self.pad2 = nn.ConstantPad2d(1, 0.0)
        self.conv2 = nn.Conv2d(8, 4, 3)
        self.fc = nn.Linear(4 * 6 * 9, 10)

    def forward(self, x):
        x = F.relu(self.conv(self.pad(x)))
        x = self.conv2(self.pad2(x))
        return self.fc(torch.flatten(x, 1))


class PadToEven(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 2, stride=2)

    def forward(self, x):
        h, w = x.shape[-2:]
        return self.conv(F.pad(x, (0, w % 2, 0, h % 2)))


class DynamicHW(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 3, stride=2, padding=1)
        self.conv2 = nn.Conv2d(8, 16, 3)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(16, 10)

    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = F.relu(self.conv2(F.pad(x, (1, 2, 0, 1))))
        x = self.pool(x)
        return self.fc(x.view(x.size(0), -1))


DYNAMIC = {"input": {0: "batch", 2: "height", 3: "width"}}

# name → (builder, size the reference runs at, size the export traces at, dynamic axes)
MODELS = {
    "f_pad": (FPad, (3, 7, 8), (3, 7, 8), None),
    "zero_pad": (ZeroPad, (3, 7, 8), (3, 7, 8), None),
    "pad_to_even": (PadToEven, (3, 7, 9), (3, 7, 9), None),
    "dynamic_hw": (DynamicHW, (3, 40, 48), (3, 32, 32), DYNAMIC),
    "resnet18_dynamic": (lambda: torchvision.models.resnet18(weights=None), (3, 64, 80), (3, 64, 64), DYNAMIC),
    "shufflenet_dynamic": (lambda: torchvision.models.shufflenet_v2_x1_0(weights=None), (3, 64, 96), (3, 64, 64), DYNAMIC),
}


def main():
    out_dir = sys.argv[1]
    torch.set_num_threads(2)
    os.makedirs(out_dir, exist_ok=True)
    for name, (build, shape, traced, dynamic) in MODELS.items():
        torch.manual_seed(0)
        model = build()
        g = torch.Generator().manual_seed(1)
        with torch.no_grad():
            randomise_batch_norms(model, g)
        model.eval()
        x = torch.randn(1, *shape, generator=g)
        with torch.no_grad():
            logits = model(x)
        base = os.path.join(out_dir, name)
        x.numpy().astype("<f4").tofile(base + ".input.bin")
        logits.numpy().astype("<f4").tofile(base + ".logits.bin")
        options = dict(input_names=["input"], dynamic_axes=dynamic) if dynamic else {}
        torch.onnx.export(model, torch.randn(1, *traced, generator=g), base + ".onnx", **options)
        m = onnx.load(base + ".onnx")
        dims = [d.dim_param or d.dim_value for d in m.graph.input[0].type.tensor_type.shape.dim]
        print(json.dumps({"name": name, "opset": m.opset_import[0].version, "shape": list(shape), "dims": dims}), flush=True)


if __name__ == "__main__":
    main()
