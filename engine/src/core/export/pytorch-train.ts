/**
 * A standalone PyTorch training script (train.py) for the model that `exportPyTorch` writes as
 * model.py: an image folder (torchvision ImageFolder, one subfolder per class) preprocessed as the
 * Input node says, cross-entropy on the scores before a final softmax, the optimizer and schedule
 * chosen here as argparse defaults, DistributedDataParallel under torchrun (gloo on CPU, nccl on
 * CUDA) or a single process under plain python. `--resume model.pt` starts from the exported state
 * dict, and the trained state dict it writes has the same keys (see the mapping in pytorch.ts).
 * Isomorphic: no Node APIs.
 */
import type { z } from 'zod';
import type { ModelDocument } from '../document/schema';
import type { Analysis } from '../graph/types';
import { InputOp, PreprocessSchema, type InputParams } from '../ops/input';
import { TrainConfigSchema, type TrainConfig } from '../train/config';
import type { PyTorchExport } from './pytorch';
import { pythonComment } from './python-names';

export type TrainConfigInput = z.input<typeof TrainConfigSchema>;

export class TrainScriptError extends Error {
  constructor(
    readonly code: 'bad-setting' | 'unsupported-model',
    message: string,
  ) {
    super(message);
    this.name = 'TrainScriptError';
  }
}

/** "adam lr 0.001, batch 64, 5 epochs, constant lr" */
export function describeTrainConfig(c: TrainConfig): string {
  const o = c.optimizer;
  const opt =
    o.kind === 'sgd'
      ? `sgd lr ${c.lr}${o.momentum ? ` momentum ${o.momentum}${o.nesterov ? ' nesterov' : ''}` : ''}`
      : `${o.kind} lr ${c.lr}${o.beta1 !== 0.9 || o.beta2 !== 0.999 ? ` betas ${o.beta1},${o.beta2}` : ''}${o.eps !== 1e-8 ? ` eps ${o.eps}` : ''}`;
  const decay = o.weightDecay ? ` weight decay ${o.weightDecay}` : '';
  const sc = c.schedule;
  const schedule = sc.kind === 'step' ? `lr × ${sc.gamma} every ${sc.every} epoch${sc.every === 1 ? '' : 's'}` : sc.kind === 'cosine' ? 'cosine lr' : 'constant lr';
  const augment = [c.augment.cropPadding ? `random crops (padding ${c.augment.cropPadding})` : '', c.augment.flip ? 'flips' : ''].filter(Boolean).join(' and ');
  return `${opt}${decay}, batch ${c.batch}, ${c.epochs} epoch${c.epochs === 1 ? '' : 's'}, ${schedule}${augment ? `, ${augment}` : ''}`;
}

export interface TrainScriptOptions {
  /** The run's settings (TrainConfigSchema, as `cnn-studio train` and the Train tab use): the script's defaults. */
  config?: TrainConfigInput;
  /** Where model.py is, relative to the script's folder, with "/" separators (default "model.py"). */
  modelFile?: string;
}

/** A Python float literal. */
const pyFloat = (v: number) => (Number.isInteger(v) ? `${v}.0` : String(v));
/** A Python string literal (JSON's escapes are Python's for these). */
const pyString = (s: string) => JSON.stringify(s);
const oneLine = pythonComment;

/** Names train.py imports itself: a model file with one of these names is loaded by path. */
const SCRIPT_MODULES = new Set(['argparse', 'os', 'sys', 'time', 'importlib', 'torch', 'torchvision', 'PIL', 'F', 'nn', 'dist', 'datasets', 'transforms']);
const PYTHON_KEYWORDS = new Set('False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield'.split(' '));

/** How train.py gets the model class: `from model import X`, or by path when that cannot work. */
function importModel(modelFile: string, className: string): string[] {
  const plain = /^([A-Za-z_][A-Za-z0-9_]*)\.py$/.exec(modelFile);
  if (plain && !SCRIPT_MODULES.has(plain[1]) && !PYTHON_KEYWORDS.has(plain[1])) {
    return ['sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))', `from ${plain[1]} import ${className}  # noqa: E402 (${modelFile}, next to this script)`];
  }
  return [
    `# ${oneLine(modelFile)} cannot be imported by name, so it is loaded from its path (relative to this script).`,
    `_spec = importlib.util.spec_from_file_location("cnn_studio_model", os.path.join(os.path.dirname(os.path.abspath(__file__)), ${pyString(modelFile)}))`,
    '_model_module = importlib.util.module_from_spec(_spec)',
    '_spec.loader.exec_module(_model_module)',
    `${className} = _model_module.${className}`,
  ];
}

/**
 * The Input node's preprocessing (engine/src/core/preprocess.ts) as torchvision transforms: the steps
 * up to the input size (`toSize`), then the normalisation (`normalize`, or none). Augmentation goes
 * between the two, where black is still 0, as the engine pads its crops with black.
 */
function preprocessing(input: InputParams, nodeId: string): { helpers: string[]; toSize: string[]; normalize?: string; summary: string } {
  const pre = PreprocessSchema.parse(input.preprocess ?? {});
  const C = input.channels;
  const gray = pre.grayscale ?? C === 1;
  const where = `Input "${nodeId}"`;
  if (!(C === 1 || C === 3 || C === 4)) throw new TrainScriptError('unsupported-model', `${where} has ${C} channels; images give 1 (grey), 3 (RGB) or 4 (RGBA), so the training script cannot feed it from an image folder.`);
  if (gray && C === 4) throw new TrainScriptError('unsupported-model', `${where}: grayscale needs 1 or 3 channels, but the input has 4 — turn grayscale off or change the channels.`);
  const fit = (v: number[] | undefined, what: string) => {
    if (!v) return undefined;
    if (v.length === 1) return Array(C).fill(v[0]) as number[];
    if (v.length !== C) throw new TrainScriptError('unsupported-model', `${where}: preprocessing ${what} has ${v.length} values but the input has ${C} channel${C === 1 ? '' : 's'} — give ${C} (or one for all).`);
    return v;
  };
  const mean = fit(pre.mean, 'mean');
  const std = fit(pre.std, 'std');
  const helpers: string[] = [];
  const toSize = ['transforms.PILToTensor(),  # the image as RGBA, 4×h×w, 8-bit'];
  const summary: string[] = [];
  if (pre.scale) {
    toSize.push('transforms.ConvertImageDtype(torch.float32),  # ÷ 255 → [0, 1]');
    summary.push('÷ 255');
  } else {
    helpers.push(`class ToFloat:
    """8-bit values as they are (0–255), as floats: this Input does not scale."""

    def __call__(self, x):
        return x.float()
`);
    toSize.push('ToFloat(),  # 0–255, not scaled');
    summary.push('not scaled');
  }
  if (gray) {
    helpers.push(`class Luma:
    """One grey plane, 0.299 R + 0.587 G + 0.114 B (ITU-R 601, as CNN Studio), repeated to \`channels\`."""

    def __init__(self, channels):
        self.channels = channels

    def __call__(self, x):
        return (0.299 * x[0] + 0.587 * x[1] + 0.114 * x[2]).unsqueeze(0).repeat(self.channels, 1, 1)
`);
    toSize.push(`Luma(${C}),`);
    summary.push(C === 1 ? 'grey' : `grey × ${C}`);
  } else if (C < 4) {
    helpers.push(`class FirstChannels:
    """The first \`channels\` planes of RGBA (RGB, or R for one channel)."""

    def __init__(self, channels):
        self.channels = channels

    def __call__(self, x):
        return x[: self.channels]
`);
    toSize.push(`FirstChannels(${C}),  # ${C === 3 ? 'RGB' : 'R'}`);
    summary.push(C === 3 ? 'RGB' : 'R');
  } else summary.push('RGBA');
  if (pre.resize) {
    toSize.push('transforms.Resize(INPUT_SIZE, interpolation=transforms.InterpolationMode.BILINEAR, antialias=False),  # as F.interpolate, half-pixel centres');
    summary.push(`bilinear resize to ${input.height}×${input.width}`);
  } else {
    helpers.push(`class RequireSize:
    """This Input does not resize: every image must already be its size."""

    def __call__(self, x):
        if tuple(x.shape[1:]) != INPUT_SIZE:
            raise ValueError(
                f"an image is {x.shape[2]}×{x.shape[1]} (width×height), but the model's input is {INPUT_SIZE[1]}×{INPUT_SIZE[0]}"
                " and its Input node does not resize — resize the images, or turn resizing on for the Input"
            )
        return x
`);
    toSize.push('RequireSize(),');
    summary.push(`${input.height}×${input.width} (no resize)`);
  }
  let normalize: string | undefined;
  if (mean || std) {
    const m = mean ?? Array(C).fill(0);
    const s = std ?? Array(C).fill(1);
    normalize = `transforms.Normalize(${tuplePy(m)}, ${tuplePy(s)})`;
    summary.push(`(x − ${tuplePy(m)}) / ${tuplePy(s)}`);
  }
  return { helpers, toSize, normalize, summary: summary.join(', ') };
}

const tuplePy = (v: readonly number[]) => `(${v.map(pyFloat).join(', ')}${v.length === 1 ? ',' : ''})`;

/** The config, parsed; TrainScriptError('bad-setting') for what the schema or PyTorch refuses. */
function parseConfig(input: TrainConfigInput | undefined): TrainConfig {
  const parsed = TrainConfigSchema.safeParse(input ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new TrainScriptError('bad-setting', `Training setting ${issue.path.join('.')}: ${issue.message}`);
  }
  const c = parsed.data;
  if (c.optimizer.kind === 'sgd' && c.optimizer.nesterov && c.optimizer.momentum === 0) {
    throw new TrainScriptError('bad-setting', 'Nesterov momentum needs a momentum above 0 (torch.optim.SGD refuses it otherwise).');
  }
  return c;
}

/**
 * train.py for a model exported by `exportPyTorch` (its `className`, and `logits` when the forward
 * ends in a softmax), with `config` as its defaults. Throws TrainScriptError for settings PyTorch
 * refuses, or a model it cannot train from an image folder (not one image input and one vector of
 * class scores).
 */
export function pytorchTrainScript(doc: ModelDocument, analysis: Analysis, model: Pick<PyTorchExport, 'className' | 'logits'>, options: TrainScriptOptions = {}): string {
  const c = parseConfig(options.config);
  const o = c.optimizer;
  const modelFile = options.modelFile ?? 'model.py';
  const inputs = doc.nodes.filter((n) => n.type === 'Input');
  if (inputs.length !== 1) throw new TrainScriptError('unsupported-model', `The training script feeds one image input, but the model has ${inputs.length} Input nodes.`);
  const input = InputOp.params.parse(inputs[0].params);
  const sources = new Set(doc.edges.map((e) => e.source));
  const outputs = doc.nodes.filter((n) => n.type !== 'Input' && !sources.has(n.id));
  if (outputs.length !== 1) throw new TrainScriptError('unsupported-model', `The training script trains a classifier with one output, but the model has ${outputs.length} (${outputs.map((n) => n.id).join(', ')}).`);
  const outShape = analysis.nodes[outputs[0].id]?.outputShape;
  if (!outShape || outShape.length !== 1) {
    throw new TrainScriptError('unsupported-model', `The training script trains a classifier, whose output is a vector of class scores, but "${outputs[0].id}" gives ${outShape ? outShape.join('×') : 'nothing'} — end the model with Flatten/GlobalPool and Dense.`);
  }
  const classes = outShape[0];
  const pre = preprocessing(input, inputs[0].id);
  const cls = model.className;
  const logits = model.logits;
  const modelImport = importModel(modelFile, cls);

  const head = [
    '#!/usr/bin/env python3',
    `# Train ${oneLine(doc.name)} (${cls}, from ${modelFile}) on an image folder — generated by CNN Studio.`,
    '#',
    '# Data:   --data DIR, one subfolder per class (torchvision ImageFolder): class i is the i-th folder name',
    `#         in sorted order and output i of the model's ${classes}. Images: ${pre.summary}.`,
    '# Run:    python3 train.py --data DIR [--resume model.pt] [--out trained.pt]',
    '#         torchrun --nproc_per_node=N train.py --data DIR …   (DistributedDataParallel: nccl on CUDA, gloo on CPU)',
    `# Loss:   F.cross_entropy on the ${logits ? `scores before the final softmax (${cls}.${logits})` : "model's output, taken as class scores (logits)"}.`,
    `# Defaults, as exported: ${describeTrainConfig(c)}; see --help.`,
    `# Result: --out, a state dict with the keys of model.pt (cnn-studio export --weights): ${cls}().load_state_dict(torch.load("trained.pt")).`,
    '',
    'import argparse',
    ...(modelImport.some((l) => l.includes('importlib')) ? ['import importlib.util'] : []),
    'import os',
    'import sys',
    'import time',
    '',
    'import torch',
    'import torch.distributed as dist',
    'import torch.nn as nn',
    'import torch.nn.functional as F',
    'from PIL import Image',
    'from torch.nn.parallel import DistributedDataParallel',
    'from torch.utils.data import DataLoader, DistributedSampler',
    'from torchvision import datasets, transforms',
    '',
    ...modelImport,
    '',
    `INPUT_SIZE = (${input.height}, ${input.width})  # height, width`,
    `NUM_OUTPUTS = ${classes}`,
    '',
  ];

  const transform = `${pre.helpers.map((h) => `${h}\n\n`).join('')}def input_transform(crop_padding=0, flip=False):
    """The Input node's preprocessing, as CNN Studio does it (engine/src/core/preprocess.ts); the
    augmentation (a random crop of the zero-padded image, a horizontal flip) as \`cnn-studio train\`."""
    steps = [
${pre.toSize.map((l) => `        ${l}`).join('\n')}
    ]
    if crop_padding:
        steps.append(transforms.RandomCrop(INPUT_SIZE, padding=crop_padding))
    if flip:
        steps.append(transforms.RandomHorizontalFlip())
${pre.normalize ? `    steps.append(${pre.normalize})\n` : ''}    return transforms.Compose(steps)


def load_rgba(path):
    with open(path, "rb") as f:
        return Image.open(f).convert("RGBA")
`;

  const logitsClass = logits
    ? `class Logits(nn.Module):
    """The model without its final softmax, for the loss. A module (not a call to net.${logits}) so that
    DistributedDataParallel sees the forward pass."""

    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, x):
        return self.net.${logits}(x)
`
    : '';

  const bool = (v: boolean) => (v ? 'True' : 'False');
  const args = `def pair(text):
    values = tuple(float(v) for v in text.split(","))
    if len(values) != 2:
        raise argparse.ArgumentTypeError(f"expected two numbers like 0.9,0.999, not {text!r}")
    return values


def parse_args():
    p = argparse.ArgumentParser(description=${pyString(`Train ${cls} (${oneLine(modelFile)}) on an image folder; the defaults are the settings it was exported with.`)})
    p.add_argument("--data", required=True, help="image folder with one subfolder per class")
    p.add_argument("--resume", metavar="model.pt", help="start from this state dict (cnn-studio export --weights writes the document's)")
    p.add_argument("--out", metavar="trained.pt", default="trained.pt", help="the trained state dict, written by rank 0 (default: %(default)s)")
    p.add_argument("--epochs", type=int, default=${c.epochs})
    p.add_argument("--batch", type=int, default=${c.batch}, help="images per step in each process (default: %(default)s)")
    p.add_argument("--optimizer", choices=["sgd", "adam", "adamw"], default=${pyString(o.kind)})
    p.add_argument("--lr", type=float, default=${pyFloat(c.lr)}, help="learning rate (default: %(default)s)")
    p.add_argument("--momentum", type=float, default=${pyFloat(o.momentum)}, help="SGD (default: %(default)s)")
    p.add_argument("--nesterov", action=argparse.BooleanOptionalAction, default=${bool(o.nesterov)}, help="SGD")
    p.add_argument("--betas", type=pair, metavar="B1,B2", default=${tuplePy([o.beta1, o.beta2])}, help="Adam/AdamW (default: %(default)s)")
    p.add_argument("--eps", type=float, default=${pyFloat(o.eps)}, help="Adam/AdamW (default: %(default)s)")
    p.add_argument("--weight-decay", type=float, default=${pyFloat(o.weightDecay)}, help="L2 (SGD, Adam) or decoupled (AdamW) (default: %(default)s)")
    p.add_argument("--schedule", choices=["constant", "step", "cosine"], default=${pyString(c.schedule.kind)}, help="learning rate per epoch (default: %(default)s)")
    p.add_argument("--step-every", type=int, default=${c.schedule.every}, help="step schedule: epochs between decays (default: %(default)s)")
    p.add_argument("--gamma", type=float, default=${pyFloat(c.schedule.gamma)}, help="step schedule: factor at each decay (default: %(default)s)")
    p.add_argument("--crop-padding", type=int, default=${c.augment.cropPadding}, help="random crops of the image zero-padded by this many pixels (0: off; default: %(default)s)")
    p.add_argument("--flip", action=argparse.BooleanOptionalAction, default=${bool(c.augment.flip)}, help="random horizontal flips")
    p.add_argument("--max-steps", type=int, default=${c.maxStepsPerEpoch ?? 0}, help="at most this many steps per epoch (0: the whole epoch)")
    p.add_argument("--seed", type=int, default=${c.seed}, help="seed of the order, dropout and augmentation (default: %(default)s)")
    p.add_argument("--workers", type=int, default=2, help="data loading processes per training process (default: %(default)s)")
    p.add_argument("--cpu", action="store_true", help="train on the CPU even when CUDA is available")
    return p.parse_args()
`;

  const body = `def make_optimizer(params, args):
    if args.optimizer == "sgd":
        return torch.optim.SGD(params, lr=args.lr, momentum=args.momentum, nesterov=args.nesterov, weight_decay=args.weight_decay)
    adam = torch.optim.AdamW if args.optimizer == "adamw" else torch.optim.Adam
    return adam(params, lr=args.lr, betas=args.betas, eps=args.eps, weight_decay=args.weight_decay)


def make_schedule(optimizer, args):
    """Stepped once per epoch, as cnn-studio train."""
    if args.schedule == "step":
        return torch.optim.lr_scheduler.StepLR(optimizer, step_size=args.step_every, gamma=args.gamma)
    if args.schedule == "cosine":
        return torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=args.epochs)
    return None


def main():
    args = parse_args()
    # torchrun sets RANK, WORLD_SIZE, LOCAL_RANK (and the rendezvous); plain python is one process.
    distributed = "RANK" in os.environ and "WORLD_SIZE" in os.environ
    rank = int(os.environ.get("RANK", 0))
    world = int(os.environ.get("WORLD_SIZE", 1))
    local_rank = int(os.environ.get("LOCAL_RANK", 0))
    cuda = torch.cuda.is_available() and not args.cpu
    device = torch.device("cuda", local_rank) if cuda else torch.device("cpu")
    if cuda:
        torch.cuda.set_device(device)
    if distributed:
        dist.init_process_group("nccl" if cuda else "gloo")
    torch.manual_seed(args.seed + rank)

    def log(*text):
        if rank == 0:
            print(*text, flush=True)

    dataset = datasets.ImageFolder(args.data, transform=input_transform(args.crop_padding, args.flip), loader=load_rgba)
    if len(dataset.classes) > NUM_OUTPUTS:
        raise SystemExit(f"{args.data} has {len(dataset.classes)} classes, but the model has {NUM_OUTPUTS} outputs — give the last Dense layer {len(dataset.classes)} units")
    log(f"{len(dataset)} images in {len(dataset.classes)} classes ({', '.join(f'{i}={c}' for i, c in enumerate(dataset.classes))}) of {NUM_OUTPUTS} outputs; {world} process{'es' if world > 1 else ''} on {device.type}")
    # Every process gets as many images (the sampler repeats a few to even them out), so all take the same steps.
    sampler = DistributedSampler(dataset, num_replicas=world, rank=rank, shuffle=True, seed=args.seed)
    loader = DataLoader(
        dataset,
        batch_size=args.batch,
        sampler=sampler,
        num_workers=args.workers,
        pin_memory=cuda,
        drop_last=len(sampler) > args.batch,  # the last partial batch is dropped, as cnn-studio train (unless it is the only one)
        persistent_workers=args.workers > 0,
    )

    net = ${cls}()
    if args.resume:
        net.load_state_dict(torch.load(args.resume, map_location="cpu", weights_only=True))
        log(f"resumed from {args.resume}")
    net.to(device)
    model = ${logits ? 'Logits(net)' : 'net'}
    if distributed:
        model = DistributedDataParallel(model, device_ids=[local_rank] if cuda else None)
    optimizer = make_optimizer(model.parameters(), args)
    schedule = make_schedule(optimizer, args)

    steps = 0
    for epoch in range(args.epochs):
        sampler.set_epoch(epoch)
        model.train()
        start = time.time()
        lr = optimizer.param_groups[0]["lr"]
        totals = torch.zeros(3, dtype=torch.float64, device=device)  # loss × images, correct, images
        for step, (images, labels) in enumerate(loader):
            if args.max_steps and step >= args.max_steps:
                break
            images = images.to(device, non_blocking=True)
            labels = labels.to(device, non_blocking=True)
            scores = model(images)
            loss = F.cross_entropy(scores, labels)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            steps += 1
            totals[0] += loss.detach().double() * labels.numel()
            totals[1] += (scores.detach().argmax(1) == labels).sum()
            totals[2] += labels.numel()
        if distributed:
            dist.all_reduce(totals)
        loss_sum, correct, seen = totals.tolist()
        log(f"epoch {epoch + 1}/{args.epochs}  loss {loss_sum / max(seen, 1):.4f}  accuracy {100 * correct / max(seen, 1):.2f}%  lr {lr:.3g}  {int(seen)} images  {time.time() - start:.1f} s")
        if schedule:
            schedule.step()

    if rank == 0:
        # net is the model inside the wrappers (model.module${logits ? '.net' : ''} under DistributedDataParallel): its keys are model.pt's.
        tmp = f"{args.out}.{os.getpid()}.tmp"
        torch.save(net.cpu().state_dict(), tmp)
        os.replace(tmp, args.out)
        log(f"wrote {args.out} ({steps} steps; state dict for ${cls}, {sum(p.numel() for p in net.parameters()):,} parameters)")
    if distributed:
        dist.barrier()
        dist.destroy_process_group()


if __name__ == "__main__":
    main()
`;
  return [head.join('\n'), transform, ...(logitsClass ? [logitsClass] : []), args, body].join('\n\n');
}
