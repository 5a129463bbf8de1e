/**
 * The second opinion: the onnxruntime backend and the plain-TypeScript reference backend must agree
 * (1e-4, relative to each tensor's magnitude) on every node of every preset at reduced input size
 * (their batch norms calibrated on the input: presets carry no statistics), and on random valid
 * small graphs (fast-check), with batch norm statistics given and calibrated.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { ModelDocument, ModelNode } from '../core/document/schema';
import { analyze } from '../core/graph/analyze';
import { ACTIVATION_FUNCTIONS, type ActivationFunction } from '../core/ops/activation';
import { getPreset, PRESET_NAMES } from '../core/presets';
import type { Backend } from './backend';
import { OrtBackend } from './ort/ort-backend';
import { ReferenceBackend } from './reference/backend';
import { compareRuns, relativeError } from './testing/compare';

const ort: Backend = new OrtBackend({ maxSessions: 1, upgradeDelayMs: 600_000 }) // no background re-optimisation during the test;
const ref: Backend = new ReferenceBackend();
afterAll(() => ort.dispose());

/** Deterministic, image-like input values in [−1, 1]. */
const inputFor = (n: number, salt = 0) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37 + salt) * Math.cos(i * 0.011));

async function bothAgree(doc: ModelDocument, { calibrateBatchNorm = true, tolerance = 1e-4 } = {}) {
  const analysis = analyze(doc);
  const inputs: Record<string, Float32Array> = {};
  for (const p of analysis.primitives.nodes) if (p.type === 'Input') inputs[p.id] = inputFor(p.shape.reduce((a, b) => a * b, 1), p.id.length);
  const options = { previews: true, tensors: 'all' as const, calibrateBatchNorm };
  const a = await ref.run(doc, analysis, inputs, options);
  const b = await ort.run(doc, analysis, inputs, options);
  const problems = compareRuns(a, b, tolerance);
  if (String(a.calibrated) !== String(b.calibrated)) problems.push(`calibrated batch norms: ${a.calibrated} vs ${b.calibrated}`);
  return { analysis, problems, nodes: Object.keys(a.nodes).length, calibrated: a.calibrated?.length ?? 0, a, b };
}

/** Input sizes that keep the reference backend quick; GoogLeNet's final 7×7 average pool needs 224. */
const SIZE: Record<string, number | undefined> = { lenet5: undefined, alexnet: 64, googlenet: 224 };
/**
 * At 32×32, ResNet-50, -101 and -152 run their stage 4 on 2×2 maps: batch norms calibrated on 4
 * values a channel, 6 to 36 units deep, magnify float32 rounding until the two backends part
 * (ResNet-101's and -152's logits ~37% apart, ResNet-50's 8e-4) — the forward map of a deep random
 * network on batch statistics amplifies perturbations with depth, PyTorch's as well. Here they run
 * on their running statistics; ResNet-50 is compared calibrated at 128×128 below.
 */
// ResNeXt-50 and Wide ResNet-50-2 are ResNet-50's depth with wider or grouped units: the same. So are
// the mobile nets at 32×32, whose last stages run on 2×2 and 1×1 maps (MobileNetV2 ~7e-4 apart
// calibrated, EfficientNet-B0 ~4e-4, Xception's middle flow ~3e-4).
const RUNNING_STATISTICS = new Set(['resnet50', 'resnet101', 'resnet152', 'resnext50-32x4d', 'wide-resnet50-2', 'mobilenet-v2', 'efficientnet-b0', 'xception']);

describe('both backends agree on every preset at reduced input size', () => {
  it.each(PRESET_NAMES.map((n) => [n]))('%s', async (name) => {
    const doc = getPreset(name);
    const input = doc.nodes.find((n) => n.type === 'Input')!;
    const size = name in SIZE ? SIZE[name] : 32;
    if (size) input.params = { ...input.params, height: size, width: size };
    const { analysis, problems, nodes } = await bothAgree(doc, { calibrateBatchNorm: !RUNNING_STATISTICS.has(name) });
    expect(analysis.valid).toBe(true);
    expect(nodes).toBe(doc.nodes.length);
    expect(problems).toEqual([]);
  }, 300_000);

  it('ResNet-50 calibrated at 128×128 (stage 5 on 4×4 maps): logits within 1e-4, every node within 1e-3', async () => {
    const doc = getPreset('resnet50');
    const input = doc.nodes.find((n) => n.type === 'Input')!;
    input.params = { ...input.params, height: 128, width: 128 };
    const { problems, calibrated, a, b } = await bothAgree(doc, { tolerance: 1e-3 });
    expect(calibrated).toBe(17);
    expect(problems).toEqual([]);
    expect(relativeError(a.tensors.fc.data, b.tensors.fc.data)).toBeLessThan(1e-4);
  }, 300_000);
});

// ── Random valid small graphs ────────────────────────────────────────────────────────────────

type Step =
  | { kind: 'conv'; filters: number; kernel: number; stride: number; padding: 'valid' | 'same' | number; dilation: number; groups: number; bias: boolean }
  | { kind: 'pool'; mode: 'max' | 'avg' | 'min'; kernel: number; stride: number; padding: number; ceil: boolean; countIncludePad: boolean }
  | { kind: 'bn' }
  | { kind: 'lrn'; size: number; alpha: number; beta: number; bias: number }
  | { kind: 'act'; fn: Exclude<ActivationFunction, 'clip'>; alpha: number }
  | { kind: 'pad'; padding: [number, number, number, number] }
  | { kind: 'branch'; merge: 'add' | 'concat' | 'multiply'; filters: number; kernel: number }
  | { kind: 'shuffle'; groups: number }
  | { kind: 'se' }
  | { kind: 'split'; at: number }
  | { kind: 'dropout' };

const small = (min: number, max: number) => fc.integer({ min, max });
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('conv' as const), filters: small(1, 6), kernel: small(1, 3), stride: small(1, 2), padding: fc.oneof(fc.constant('valid' as const), fc.constant('same' as const), small(0, 2)), dilation: small(1, 2), groups: small(1, 3), bias: fc.boolean() }),
  fc.record({ kind: fc.constant('pool' as const), mode: fc.constantFrom('max' as const, 'avg' as const, 'min' as const), kernel: small(1, 3), stride: small(1, 3), padding: small(0, 1), ceil: fc.boolean(), countIncludePad: fc.boolean() }),
  fc.record({ kind: fc.constant('bn' as const) }),
  // Odd sizes only: onnxruntime's LRN kernel refuses even sizes (see the report of issue 3).
  fc.record({ kind: fc.constant('lrn' as const), size: fc.constantFrom(1, 3, 5), alpha: fc.constantFrom(1e-4, 0.1, 1), beta: fc.constantFrom(0.5, 0.75), bias: fc.constantFrom(1, 2) }),
  fc.record({ kind: fc.constant('act' as const), fn: fc.constantFrom(...ACTIVATION_FUNCTIONS.filter((f) => f !== 'clip')), alpha: fc.constantFrom(0.01, 0.2) }),
  fc.record({ kind: fc.constant('pad' as const), padding: fc.tuple(small(0, 2), small(0, 2), small(0, 2), small(0, 2)) }),
  fc.record({ kind: fc.constant('branch' as const), merge: fc.constantFrom('add' as const, 'concat' as const, 'multiply' as const), filters: small(1, 4), kernel: fc.constantFrom(1, 3) }),
  fc.record({ kind: fc.constant('shuffle' as const), groups: small(1, 3) }),
  fc.record({ kind: fc.constant('se' as const) }),
  fc.record({ kind: fc.constant('split' as const), at: small(1, 3) }),
  fc.record({ kind: fc.constant('dropout' as const) }),
);
const headArb = fc.constantFrom('none', 'gap-dense-softmax', 'flatten-dense', 'softmax');

function buildDoc(input: { c: number; h: number; w: number }, steps: Step[], head: string, seed: number): ModelDocument {
  const nodes: ModelNode[] = [{ id: 'in', type: 'Input', params: { channels: input.c, height: input.h, width: input.w } }];
  const edges: ModelDocument['edges'] = [];
  let prev = 'in';
  let n = 0;
  const add = (type: string, params: Record<string, unknown>, from: string[], weights?: ModelNode['weights']) => {
    const id = `${type.toLowerCase()}${n++}`;
    nodes.push({ id, type, params, ...(weights ? { weights } : {}) });
    from.forEach((s, port) => edges.push({ id: `e${edges.length}`, source: s, target: id, targetPort: port }));
    return id;
  };
  for (const s of steps) {
    switch (s.kind) {
      case 'conv':
        prev = add('Conv2D', { filters: s.filters * s.groups, kernel: s.kernel, stride: s.stride, padding: s.padding, dilation: s.dilation, groups: s.groups, bias: s.bias }, [prev]);
        break;
      case 'pool':
        // Padding below the kernel size: onnxruntime refuses more (see the report of issue 3).
        prev = add('Pool2D', { mode: s.mode, kernel: s.kernel, stride: s.stride, padding: Math.min(s.padding, s.kernel - 1), ceil: s.ceil, countIncludePad: s.countIncludePad }, [prev]);
        break;
      case 'bn':
        prev = add('BatchNorm', { epsilon: 1e-3 }, [prev]); // statistics: withBatchNormWeights
        break;
      case 'lrn':
        prev = add('LRN', { size: s.size, alpha: s.alpha, beta: s.beta, bias: s.bias }, [prev]);
        break;
      case 'act':
        prev = add('Activation', { fn: s.fn, alpha: s.alpha }, [prev]);
        break;
      case 'pad':
        prev = add('ZeroPad2D', { padding: s.padding }, [prev]);
        break;
      case 'dropout':
        prev = add('Dropout', { rate: 0.5 }, [prev]);
        break;
      case 'branch': {
        const a = add('Conv2D', { filters: s.filters, kernel: s.kernel, padding: 'same' }, [prev]);
        const b = s.merge === 'concat' ? prev : add('Conv2D', { filters: s.filters, kernel: 1 }, [prev]);
        prev = add({ add: 'Add', concat: 'Concat', multiply: 'Multiply' }[s.merge], {}, [a, b]);
        break;
      }
      case 'shuffle':
        prev = add('ChannelShuffle', { groups: s.groups }, [prev]);
        break;
      case 'se': {
        // Squeeze-and-excitation; the gate's channels come from the map (an invalid graph is skipped below).
        const channels = analyze({ format: 'cnn-studio.model', version: 1, name: 'partial', nodes, edges }).nodes[prev]?.outputShape?.[0] ?? 1;
        const gate = add('Activation', { fn: 'hardsigmoid' }, [add('Conv2D', { filters: channels, kernel: 1 }, [add('GlobalPool', { mode: 'avg' }, [prev])])]);
        prev = add('ChannelScale', {}, [prev, gate]);
        break;
      }
      case 'split': {
        // ShuffleNet's split: channels [0, at) and the rest, concatenated again after an activation.
        const channels = analyze({ format: 'cnn-studio.model', version: 1, name: 'partial', nodes, edges }).nodes[prev]?.outputShape?.[0] ?? 1;
        const left = add('ChannelSlice', { start: 0, end: s.at }, [prev]);
        const right = add('Activation', { fn: 'silu' }, [add('ChannelSlice', { start: s.at, end: Math.max(channels, s.at + 1) }, [prev])]);
        prev = add('Concat', {}, [left, right]);
        break;
      }
    }
  }
  if (head === 'gap-dense-softmax') prev = add('Softmax', {}, [add('Dense', { units: 5 }, [add('GlobalPool', { mode: 'avg' }, [prev])])]);
  if (head === 'flatten-dense') prev = add('Dense', { units: 4 }, [add('Flatten', {}, [prev])]);
  if (head === 'softmax') prev = add('Softmax', {}, [prev]);
  return { format: 'cnn-studio.model', version: 1, name: 'random', seed, nodes, edges };
}

/** Gives every BatchNorm random (but valid) inline statistics, sized from the analysis. */
function withBatchNormWeights(doc: ModelDocument, values: number[]): ModelDocument {
  const analysis = analyze(doc);
  for (const node of doc.nodes) {
    if (node.type !== 'BatchNorm') continue;
    const c = analysis.nodes[node.id].outputShape?.[0];
    if (!c) continue;
    const pick = (k: number, f: (v: number) => number) => ({ shape: [c], data: Array.from({ length: c }, (_, i) => f(values[(i * 4 + k) % values.length] ?? 0)) });
    node.weights = { scale: pick(0, (v) => v), bias: pick(1, (v) => v), mean: pick(2, (v) => v / 2), var: pick(3, (v) => 0.1 + Math.abs(v)) };
  }
  return doc;
}

describe('both backends agree on random valid graphs (fast-check)', () => {
  it('every node within 1e-4 relative', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({ c: small(1, 4), h: small(4, 12), w: small(4, 12) }),
        fc.array(stepArb, { minLength: 1, maxLength: 5 }),
        headArb,
        fc.integer({ min: 0, max: 1000 }),
        fc.array(fc.integer({ min: -2000, max: 2000 }).map((v) => v / 1000), { minLength: 8, maxLength: 8 }),
        async (input, steps, head, seed, bnValues) => {
          const doc = withBatchNormWeights(buildDoc(input, steps, head, seed), bnValues);
          fc.pre(analyze(doc).valid);
          const { problems } = await bothAgree(doc);
          if (problems.length) throw new Error(`${problems.join('; ')}\n${JSON.stringify(doc)}`);
        },
      ),
      { numRuns: 60, seed: 20261127 },
    );
  }, 120_000);

  it('with batch norms calibrated on the input (no statistics given): every node within 1e-4 relative', async () => {
    let calibrated = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.record({ c: small(1, 4), h: small(4, 12), w: small(4, 12) }),
        // No global average pool (nor the squeeze of a squeeze-and-excitation): of a calibrated batch
        // norm's output it is 0 up to rounding, and two backends' rounding noise does not agree to 1e-4 of itself.
        fc.array(stepArb.filter((s) => s.kind !== 'se'), { minLength: 1, maxLength: 5 }).map((steps) => [{ kind: 'bn' } as Step, ...steps]),
        fc.constantFrom('none', 'flatten-dense', 'softmax'),
        fc.integer({ min: 0, max: 1000 }),
        async (input, steps, head, seed) => {
          const doc = buildDoc(input, steps, head, seed);
          fc.pre(analyze(doc).valid);
          const { problems, calibrated: nodes } = await bothAgree(doc);
          calibrated += nodes;
          if (problems.length) throw new Error(`${problems.join('; ')}\n${JSON.stringify(doc)}`);
        },
      ),
      { numRuns: 60, seed: 20261207 },
    );
    expect(calibrated).toBeGreaterThan(60);
  }, 120_000);
});
