import type { InceptionParams } from '../ops/inception';

/** One convolution of a branch and its multiply-accumulates. */
export interface CostStage {
  label: string;
  inChannels: number;
  filters: number;
  kernel: number;
  macs: number;
}

export interface BranchCost {
  /** "1×1", "3×3", "5×5", "pool proj" */
  name: string;
  /** As the module is built (with the 1×1 reduction or projection). */
  stages: CostStage[];
  macs: number;
  /** The same branch without its 1×1 reduction: the big kernel reads all input channels directly. Undefined for the 1×1 branch, which has nothing to remove. */
  withoutReduction?: CostStage[];
  macsWithoutReduction?: number;
  /** Channels this branch contributes to the concatenation, with and without the reduction. */
  outChannels: number;
  outChannelsWithoutReduction: number;
}

export interface InceptionCost {
  input: [number, number, number];
  branches: BranchCost[];
  macs: number;
  macsWithoutReductions: number;
  outChannels: number;
  outChannelsWithoutReductions: number;
}

/** MACs of a stride-1 "same" k×k convolution on an H×W map: H·W·filters·inChannels·k². */
export function convMacs(h: number, w: number, inChannels: number, filters: number, kernel: number): number {
  return h * w * filters * inChannels * kernel * kernel;
}

function stage(label: string, h: number, w: number, inChannels: number, filters: number, kernel: number): CostStage {
  return { label, inChannels, filters, kernel, macs: convMacs(h, w, inChannels, filters, kernel) };
}

const sum = (stages: CostStage[]) => stages.reduce((a, s) => a + s.macs, 0);

/**
 * Why inception is cheap: each branch's MACs next to what it would cost without its 1×1 reduction.
 * The lecture's case — 192×28×28 input, 32 filters 5×5: 120,422,400 MACs directly, 12,443,648 with
 * a 16-filter 1×1 first. Without the pool projection the pooling branch costs nothing here but
 * passes all input channels on, so the concatenation (and every layer after it) grows.
 */
export function inceptionCost(input: readonly [number, number, number] | readonly number[], p: InceptionParams): InceptionCost {
  const [c, h, w] = input;
  const b1 = [stage('1×1 conv', h, w, c, p.c1x1, 1)];
  const b2 = [stage('1×1 reduce', h, w, c, p.c3x3reduce, 1), stage('3×3 conv', h, w, p.c3x3reduce, p.c3x3, 3)];
  const b2direct = [stage('3×3 conv', h, w, c, p.c3x3, 3)];
  const b3 = [stage('1×1 reduce', h, w, c, p.c5x5reduce, 1), stage('5×5 conv', h, w, p.c5x5reduce, p.c5x5, 5)];
  const b3direct = [stage('5×5 conv', h, w, c, p.c5x5, 5)];
  const b4 = [stage('1×1 pool proj', h, w, c, p.poolProj, 1)];
  const branches: BranchCost[] = [
    { name: '1×1', stages: b1, macs: sum(b1), outChannels: p.c1x1, outChannelsWithoutReduction: p.c1x1 },
    { name: '3×3', stages: b2, macs: sum(b2), withoutReduction: b2direct, macsWithoutReduction: sum(b2direct), outChannels: p.c3x3, outChannelsWithoutReduction: p.c3x3 },
    { name: '5×5', stages: b3, macs: sum(b3), withoutReduction: b3direct, macsWithoutReduction: sum(b3direct), outChannels: p.c5x5, outChannelsWithoutReduction: p.c5x5 },
    { name: 'pool proj', stages: b4, macs: sum(b4), withoutReduction: [], macsWithoutReduction: 0, outChannels: p.poolProj, outChannelsWithoutReduction: c },
  ];
  return {
    input: [c, h, w],
    branches,
    macs: branches.reduce((a, b) => a + b.macs, 0),
    macsWithoutReductions: branches.reduce((a, b) => a + (b.macsWithoutReduction ?? b.macs), 0),
    outChannels: branches.reduce((a, b) => a + b.outChannels, 0),
    outChannelsWithoutReductions: branches.reduce((a, b) => a + b.outChannelsWithoutReduction, 0),
  };
}
