import type { z } from 'zod';
import type { Diagnostic, DiagnosticCode, DiagnosticParams, QuickFix } from '../diagnostics';
import type { Shape } from '../shape';
import type { OnnxLoweringContext } from '../onnx/lowering';
import type { GradLoweringContext, TrainLoweringContext } from '../train/lowering';

export type OpCategory = 'input' | 'convolution' | 'pooling' | 'normalisation' | 'activation' | 'dense' | 'merge' | 'module';

/** How a weight tensor is initialised when the document does not carry it. */
export type WeightInit = 'he' | 'zeros' | 'ones';

export interface WeightSpec {
  /** kernel, bias, scale, mean, var */
  name: string;
  shape: number[];
  init: WeightInit;
  /** Fan-in for He initialisation. */
  fanIn: number;
  /** Counted as a parameter (PyTorch's parameters()); BN running statistics are not. */
  trainable: boolean;
}

/** Sliding-window geometry, for the receptive field. */
export interface Window {
  kernel: [number, number];
  stride: [number, number];
  dilation: [number, number];
}

/** What a shape rule may report. The engine pins it to the node (or edge) being inferred. */
export interface InferContext {
  error(code: DiagnosticCode, message: string, extra?: { param?: string; inputIndex?: number; fix?: QuickFix; params?: DiagnosticParams }): void;
  warn(code: DiagnosticCode, message: string, extra?: { param?: string; inputIndex?: number; params?: DiagnosticParams }): void;
}

/** A node of a composite's expansion. `inputs` name sibling nodes by local id, or the composite's own inputs by number. */
export interface SubgraphNode {
  id: string;
  type: string;
  params: Record<string, unknown>;
  inputs: (string | number)[];
  /** What this primitive is inside the module, for the inside view ("shortcut", "branch 2: 3×3"). */
  role?: string;
}

export interface Subgraph {
  nodes: SubgraphNode[];
  output: string;
}

/**
 * One op: its parameters (zod schema with defaults), arity, shape rule, cost and weights, side by side.
 * Primitive ops implement `infer`; composite ops (modules) implement `expand` into primitives instead.
 */
export interface OpDef<P = any> {
  type: string;
  title: string;
  category: OpCategory;
  /** One or two sentences for learners (palette tooltip, inspector). */
  doc: string;
  /** The sentences for one variant, where variants differ (an activation's function); else `doc`. */
  docFor?(p: P): string;
  /** Parameter schema; parsing fills defaults. */
  params: z.ZodType<P>;
  /** Params of a fresh node dropped from the palette. */
  example: Record<string, unknown>;
  arity: { min: number; max: number };
  /**
   * The usual short form: "conv 3×3/2, 64". With the input shapes, once known, it may say more
   * ("depthwise conv 3×3, 32" when a convolution has one group per input channel).
   */
  summary(p: P, inputs?: readonly Shape[]): string;
  /** Shape rule for primitives. Return undefined after reporting an error. */
  infer?(inputs: Shape[], p: P, ctx: InferContext): Shape | undefined;
  /** Multiply-accumulates for one forward pass (batch 1). */
  macs?(inputs: Shape[], output: Shape, p: P): number;
  weights?(inputs: Shape[], p: P): WeightSpec[];
  window?(p: P): Window;
  /** Composite ops: expand into primitives, knowing the input shapes. */
  expand?(p: P, inputs: Shape[]): Subgraph;
  /** Primitives: the ONNX nodes (opset 17) computing this op, written to `ctx.output`. */
  lowerOnnx?(p: P, ctx: OnnxLoweringContext): void;
  /** Primitives: the forward pass in training mode, when it differs from `lowerOnnx` (batch norm, dropout). */
  lowerTrain?(p: P, ctx: TrainLoweringContext): void;
  /**
   * Primitives: the gradient rule — ONNX nodes computing ∂loss/∂input and ∂loss/∂weight from
   * ∂loss/∂output. Ops without one cannot be trained through (weightless ops included).
   */
  gradOnnx?(p: P, ctx: GradLoweringContext): void;
}

export type { Diagnostic };
