"""Export torchvision models to ONNX with reference outputs — a test helper for ONNX import.

usage: python3 export_torchvision.py OUT_DIR [SIZE]

For resnet18, googlenet and resnext_mini (ResNeXt 32×4d, one unit per stage; random weights, seeded; aux_logits=False, transform_input=False) writes:
  <name>.onnx         torch.onnx.export, opset 13, eval mode, batch norm kept as BatchNormalization
                      (training=PRESERVE keeps torch from folding BN into the convolutions)
  <name>.folded.onnx  the default export (eval: BN folded into the convolutions' weights and biases)
  <name>.input.bin    a seeded N(0,1) input, 1×3×SIZE×SIZE float32
  <name>.logits.bin   PyTorch's logits for it, float32
and prints one JSON line {"name", "params": sum(p.numel()), "logits": [1, 1000]} per model.
Batch-norm statistics and affine parameters are randomised, so a swapped mean/variance would show.
"""
import json
import os
import sys

import torch
import torchvision


def randomise_batch_norms(model, generator):
    for m in model.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            c = m.num_features
            m.running_mean.copy_(torch.randn(c, generator=generator) * 0.1)
            m.running_var.copy_(torch.rand(c, generator=generator) * 0.5 + 0.75)
            m.weight.data.copy_(torch.rand(c, generator=generator) * 0.5 + 0.75)
            m.bias.data.copy_(torch.randn(c, generator=generator) * 0.1)


def main():
    out_dir = sys.argv[1]
    size = int(sys.argv[2]) if len(sys.argv) > 2 else 224
    torch.set_num_threads(2)
    os.makedirs(out_dir, exist_ok=True)
    builders = {
        "resnet18": lambda: torchvision.models.resnet18(weights=None),
        "googlenet": lambda: torchvision.models.googlenet(weights=None, aux_logits=False, transform_input=False, init_weights=True),
        # ResNeXt's grouped bottleneck (32×4d) in a net of one unit per stage: what resnext50_32x4d is made of.
        "resnext_mini": lambda: torchvision.models.resnet.ResNet(torchvision.models.resnet.Bottleneck, [1, 1, 1, 1], groups=32, width_per_group=4),
    }
    for name, build in builders.items():
        torch.manual_seed(0)
        model = build()
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
        common = dict(opset_version=13, input_names=["input"], output_names=["logits"], do_constant_folding=True)
        torch.onnx.export(model, x, base + ".onnx", training=torch.onnx.TrainingMode.PRESERVE, **common)
        torch.onnx.export(model, x, base + ".folded.onnx", **common)
        params = int(sum(p.numel() for p in model.parameters()))
        print(json.dumps({"name": name, "params": params, "logits": list(logits.shape)}), flush=True)


if __name__ == "__main__":
    main()
