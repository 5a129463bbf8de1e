/** Documents with the same weights twice: all inline, and in a binary sidecar (for sidecar tests). */
import type { InputPayload } from '../../core/api';
import type { ModelDocument } from '../../core/document/schema';
import { analyze } from '../../core/graph/analyze';
import { exportOnnx } from '../../core/onnx/export';
import { importOnnx, importOnnxWithSidecar } from '../../core/onnx/import';
import { getPreset } from '../../core/presets';

export interface SidecarPair {
  /** ONNX bytes both documents were imported from (a small, synthetic stand-in for a big model). */
  onnx: Uint8Array;
  inline: ModelDocument;
  /** Tensors of `minValues`+ values as ranges of `sidecar`, named by weightsFile. */
  withSidecar: ModelDocument;
  sidecar: Uint8Array;
  input: InputPayload;
}

/** LeNet-5 (seed 7) through ONNX and back: the same weights inline and in a sidecar. */
export function lenetSidecarPair(weightsFile = 'lenet.weights.bin', minValues = 64): SidecarPair {
  const preset = { ...getPreset('lenet5'), seed: 7 };
  const onnx = exportOnnx(preset, analyze(preset));
  const inline = importOnnx(onnx, { name: 'lenet' });
  const { document: withSidecar, sidecar } = importOnnxWithSidecar(onnx, { name: 'lenet', weightsFile, sidecarMinValues: minValues });
  if (!sidecar) throw new Error('no tensor went to the sidecar');
  const shape = analyze(inline).primitives.nodes.find((p) => p.type === 'Input')!.shape;
  const n = shape.reduce((a, b) => a * b, 1);
  const data = Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37) * 0.5 + 0.5);
  return { onnx, inline, withSidecar, sidecar, input: { kind: 'tensor', shape: [...shape], data } };
}

/** The same sidecar with every float scaled (same ranges, other contents). */
export function scaledSidecar(bytes: Uint8Array, factor: number): Uint8Array {
  const src = new Float32Array(bytes.slice().buffer);
  return new Uint8Array(src.map((v) => v * factor).buffer);
}
