import { pair, type Pair } from '../shape';

/** One convolution of the comparison, with its weights and multiply-accumulates. */
export interface SeparableStage {
  label: string;
  inChannels: number;
  filters: number;
  kernel: [number, number];
  /** 1 for a standard convolution; the channel count for a depthwise one. */
  groups: number;
  /** Weights (no biases: Xception's and MobileNet's convolutions have none, a batch norm follows). */
  params: number;
  macs: number;
}

export interface SeparableCost {
  /** The input, C×H×W. */
  input: [number, number, number];
  /** The output map's H×W (the input's at stride 1). */
  output: [number, number];
  filters: number;
  kernel: [number, number];
  /** One k×k convolution from every input channel to every filter. */
  standard: SeparableStage;
  /** Depthwise k×k (each channel on its own), then pointwise 1×1. */
  separable: [SeparableStage, SeparableStage];
  separableParams: number;
  separableMacs: number;
  /** standard ÷ separable: the same for parameters and MACs, 1 / (1/filters + 1/k²) (MobileNet, eq. 5). */
  ratio: number;
}

/** The lecture's case: a 3×3 convolution from 128 to 256 channels on a 56×56 map. */
export const LECTURE_SEPARABLE = { input: [128, 56, 56] as [number, number, number], filters: 256, kernel: 3 };

function stage(label: string, inChannels: number, filters: number, kernel: [number, number], groups: number, positions: number): SeparableStage {
  const params = (inChannels / groups) * kernel[0] * kernel[1] * filters;
  return { label, inChannels, filters, kernel, groups, params, macs: params * positions };
}

/**
 * Why depthwise-separable convolutions are cheap: a standard k×k convolution C→F costs k²·C·F
 * weights and k²·C·F MACs per output position; split into a depthwise k×k (k²·C) and a pointwise
 * 1×1 (C·F) it costs C·(k² + F), 1/F + 1/k² of it — for 3×3 and 256 filters about 8.7× less. Both
 * see the same k×k window of every channel; the separable form just cannot mix channels and space in
 * one step. `output` is the map the convolutions produce (default: the input's H×W, stride 1);
 * a depth multiplier m gives each channel m depthwise filters (k²·C·m, then C·m·F).
 */
export function separableCost(input: readonly number[], filters: number, kernelSize: Pair, options: { output?: readonly number[]; depthMultiplier?: number } = {}): SeparableCost {
  const [c, h, w] = input;
  const kernel = pair(kernelSize);
  const k = `${kernel[0]}×${kernel[1]}`;
  const output = options.output ?? [h, w];
  const m = options.depthMultiplier ?? 1;
  const positions = output[0] * output[1];
  const standard = stage(`${k} conv`, c, filters, kernel, 1, positions);
  const depthwise = stage(`depthwise ${k}`, c, c * m, kernel, c, positions);
  const pointwise = stage('pointwise 1×1', c * m, filters, [1, 1], 1, positions);
  const separableParams = depthwise.params + pointwise.params;
  return {
    input: [c, h, w],
    output: [output[0], output[1]],
    filters,
    kernel,
    standard,
    separable: [depthwise, pointwise],
    separableParams,
    separableMacs: depthwise.macs + pointwise.macs,
    ratio: standard.params / separableParams,
  };
}
