/**
 * onnxruntime's blocked-channel ("NCHWc") convolutions for training graphs.
 *
 * onnxruntime's CPU build converts a convolution to its NCHWc kernels only when the filter is a
 * constant; in a training graph filters are inputs, so every convolution ran the slower generic
 * im2col path. The NCHWc kernel itself takes a filter computed in the graph, provided it is laid
 * out in blocks ([F/B, C/B, kh, kw, B(in), B(out)], B = the CPU's block size: 16 with AVX-512,
 * 8 with AVX2). Measured on this machine, batch 64, 3×3 convolutions 16–64 channels: 1.3–2.4×
 * faster, reorders in and out included; 1×1 convolutions get slower (the reorders dominate).
 *
 * So the graph stays standard ONNX (what we export and test against PyTorch); only the session's
 * copy is rewritten here, and only where it is safe: ungrouped 2-D convolutions with a window
 * larger than 1×1, whose filter shape is known and whose channel counts are multiples of the
 * block size. The block size is probed once per process against the standard kernel; where the
 * layout ops are missing (other CPUs, other builds) the probe says so and nothing is rewritten.
 * `CNN_STUDIO_NCHWC=0` turns the rewrite off (for side-by-side measurement).
 */
import * as ort from 'onnxruntime-node';
import { OnnxGraphBuilder } from '../../core/onnx/builder';
import { attr } from '../../core/onnx/lowering';
import type { AttributeProto, NodeProto } from '../../core/onnx/proto';

export const NCHWC_DOMAIN = 'com.microsoft.nchwc';
const NCHWC_OPSET = { domain: NCHWC_DOMAIN, version: 1 };

/** A copy of `source` with its eligible convolutions on the NCHWc kernels, and how many were rewritten. */
export function rewriteForNchwc(source: OnnxGraphBuilder, block: number): { builder: OnnxGraphBuilder; rewritten: number } {
  const b = new OnnxGraphBuilder(source.name);
  for (const name of namesOf(source)) b.uniqueName(name);
  b.inputs.push(...source.inputs);
  b.outputs.push(...source.outputs);
  b.initializers.push(...source.initializers);
  const shapes = new ShapeIndex(source);
  let rewritten = 0;
  for (const node of source.nodes) {
    const w = node.opType === 'Conv' && !node.domain ? shapes.of(node.input![1]) : undefined;
    if (!w || w.length !== 4 || intAttr(node, 'group', 1) !== 1 || w[2] * w[3] === 1 || w[0] % block !== 0 || w[1] % block !== 0) {
      b.nodes.push(node);
      continue;
    }
    const [f, c, kh, kw] = w;
    const [x, filter, bias] = node.input!;
    const tag = node.output![0];
    const xb = b.uniqueName(`${tag}/nchwc_x`);
    b.addNode('ReorderInput', [x], [xb]).domain = NCHWC_DOMAIN;
    const blocks = b.addInt64Initializer(b.uniqueName(`${tag}/nchwc_w6`), [f / block, block, c / block, block, kh, kw]);
    const w6 = b.uniqueName(`${tag}/nchwc_w6`);
    b.addNode('Reshape', [filter, blocks], [w6]);
    const wt = b.uniqueName(`${tag}/nchwc_wt`);
    b.addNode('Transpose', [w6], [wt], { perm: attr.ints([0, 2, 4, 5, 3, 1]) });
    const wb = b.uniqueName(`${tag}/nchwc_w`);
    b.addNode('Reshape', [wt, b.addInt64Initializer(b.uniqueName(`${tag}/nchwc_w4`), [f, c, kh, kw])], [wb]);
    const yb = b.uniqueName(`${tag}/nchwc_y`);
    const conv = b.addNode('Conv', bias ? [xb, wb, bias] : [xb, wb], [yb]);
    conv.domain = NCHWC_DOMAIN;
    conv.attribute = node.attribute;
    b.addNode('ReorderOutput', [yb], node.output!, { channels: attr.i(f) }).domain = NCHWC_DOMAIN;
    rewritten++;
  }
  return { builder: b, rewritten };
}

/** The model bytes for a session: rewritten when the block size is known and something was eligible. */
export function encodeForSession(builder: OnnxGraphBuilder, block: number): Uint8Array {
  if (block > 0) {
    const { builder: rewritten, rewritten: n } = rewriteForNchwc(builder, block);
    if (n > 0) return rewritten.encode({ opsets: [NCHWC_OPSET] });
  }
  return builder.encode({});
}

let probed: Promise<number> | undefined;

/**
 * The NCHWc block size this process's onnxruntime uses (16, 8, …), found by running one small
 * convolution both ways and keeping the layout that agrees with the standard kernel; 0 when none does
 * or the layout ops are missing, or when `CNN_STUDIO_NCHWC=0`.
 */
export function nchwcBlockSize(): Promise<number> {
  if (process.env.CNN_STUDIO_NCHWC === '0') return Promise.resolve(0);
  return (probed ??= probe().catch(() => 0));
}

async function probe(): Promise<number> {
  const channels = 32;
  const plain = new OnnxGraphBuilder('nchwc-probe');
  plain.addInput('x', [1, channels, 5, 5]);
  plain.addInput('w', [channels, channels, 3, 3]);
  plain.addNode('Conv', ['x', 'w'], ['y'], { kernel_shape: attr.ints([3, 3]), pads: attr.ints([1, 1, 1, 1]) });
  plain.addOutput('y', [1, channels, 5, 5]);
  let seed = 12345;
  const random = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32) * 2 - 1;
  const feeds = {
    x: new ort.Tensor('float32', Float32Array.from({ length: channels * 25 }, random), [1, channels, 5, 5]),
    w: new ort.Tensor('float32', Float32Array.from({ length: channels * channels * 9 }, random), [channels, channels, 3, 3]),
  };
  const run = async (bytes: Uint8Array) => {
    const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, graphOptimizationLevel: 'disabled' });
    try {
      return (await session.run(feeds)).y.data as Float32Array;
    } finally {
      await session.release();
    }
  };
  const want = await run(plain.encode({}));
  for (const block of [16, 8, 4]) {
    try {
      const got = await run(encodeForSession(plain, block));
      if (got.length === want.length && got.every((v, i) => Math.abs(v - want[i]) <= 1e-4 * (1 + Math.abs(want[i])))) return block;
    } catch {
      // the layout ops are not in this build, or refuse this block size: try the next.
    }
  }
  return 0;
}

/** Every name the source graph uses, so the copy's new names do not collide. */
function namesOf(g: OnnxGraphBuilder): string[] {
  return [...g.inputs.map((v) => v.name!), ...g.initializers.map((t) => t.name), ...g.nodes.flatMap((n) => n.output ?? [])];
}

function intAttr(node: NodeProto, name: string, fallback: number): number {
  const a = node.attribute?.find((x: AttributeProto) => x.name === name);
  return a?.i === undefined ? fallback : Number(a.i);
}

/**
 * Static shapes of the values a filter can be: graph inputs, initializers, Reshapes to a constant
 * shape, and full reversals (a Slice with step −1 on every axis it names, as a flipped kernel is).
 */
class ShapeIndex {
  private readonly known = new Map<string, number[]>();
  private readonly producer = new Map<string, NodeProto>();
  private readonly int64 = new Map<string, number[]>();

  constructor(g: OnnxGraphBuilder) {
    for (const v of g.inputs) {
      const dims = v.type?.tensorType?.shape?.dim?.map((d) => (d.dimValue === undefined ? NaN : Number(d.dimValue)));
      if (dims && dims.every(Number.isFinite)) this.known.set(v.name!, dims);
    }
    for (const t of g.initializers) {
      this.known.set(t.name, t.dims.map(Number));
      if (t.dataType === 7) this.int64.set(t.name, Array.from(new BigInt64Array(t.bytes.slice().buffer), Number));
    }
    for (const n of g.nodes) for (const o of n.output ?? []) this.producer.set(o, n);
  }

  of(name: string): number[] | undefined {
    const known = this.known.get(name);
    if (known) return known;
    const n = this.producer.get(name);
    if (!n) return undefined;
    if (n.opType === 'Reshape' && !n.domain) {
      const target = this.int64.get(n.input![1]);
      return target && target.every((d) => d > 0) ? target : undefined;
    }
    if (n.opType === 'Slice' && !n.domain && n.input!.length === 5) {
      const starts = this.int64.get(n.input![1]);
      const ends = this.int64.get(n.input![2]);
      const steps = this.int64.get(n.input![4]);
      const fullReversal = starts && ends && steps && steps.every((s) => s === -1) && starts.every((s) => s === -1) && ends.every((e) => e <= -(2 ** 31));
      return fullReversal ? this.of(n.input![0]) : undefined;
    }
    if (n.opType === 'Identity' && !n.domain) return this.of(n.input![0]);
    return undefined;
  }
}
