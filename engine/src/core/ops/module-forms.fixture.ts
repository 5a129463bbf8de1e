/**
 * For tests: modules in the forms the presets do not use — separable convolutions with explicit and
 * "valid" padding and a depth multiplier, a standalone squeeze-excite with a hard gate, MobileNetV3's
 * block and a residual unit with batch norm folded into their convolutions.
 */
import { MODEL_FORMAT, MODEL_VERSION, type ModelDocument } from '../document/schema';

export function moduleFormsDocument(): ModelDocument {
  const chain: [string, string, Record<string, unknown>][] = [
    ['input', 'Input', { channels: 3, height: 16, width: 16 }],
    ['sep', 'SeparableConv', { filters: 8, kernel: 3, stride: 2, padding: 1, depthMultiplier: 2 }],
    ['sep_valid', 'SeparableConv', { filters: 8, kernel: [1, 3], padding: 'valid', bias: false }],
    ['sep_same', 'SeparableConv', { filters: 8, kernel: 3, stride: 2, padding: 'same' }],
    ['se', 'SqueezeExcite', { squeezeChannels: 4, activation: 'hardswish', gate: 'hardsigmoid' }],
    ['block', 'InvertedResidual', { filters: 8, expandChannels: 12, kernel: 5, activation: 'hardswish', seChannels: 4, seActivation: 'relu', seGate: 'hardsigmoid', batchNorm: false }],
    ['unit', 'ResidualUnit', { block: 'bottleneck', filters: 4, stride: 2, batchNorm: false }],
    ['pool', 'GlobalPool', { mode: 'avg' }],
    ['fc', 'Dense', { units: 3 }],
  ];
  return {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    name: 'module forms',
    seed: 5,
    nodes: chain.map(([id, type, params]) => ({ id, type, params })),
    edges: chain.slice(1).map(([id], k) => ({ id: `e${k}`, source: chain[k][0], target: id })),
  };
}
