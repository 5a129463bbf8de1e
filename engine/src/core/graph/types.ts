import type { Diagnostic } from '../diagnostics';
import type { WeightSpec } from '../ops/op';
import type { Shape } from '../shape';

/** One primitive op of the expanded graph, with its inferred shapes and costs. Only nodes that got a shape are here. */
export interface PrimitiveNode {
  /** The document node id for primitives; "owner/local" for the insides of a composite. */
  id: string;
  type: string;
  /** Params with defaults filled (the op's parsed params). */
  params: any;
  /** Primitive ids, in port order. */
  inputs: string[];
  /** The document node this primitive belongs to. */
  owner: string;
  /** Inside a composite: what this is ("shortcut: 1×1 projection"). */
  role?: string;
  inputShapes: Shape[];
  shape: Shape;
  weights: WeightSpec[];
  /** Trainable parameters (as PyTorch counts them). */
  paramCount: number;
  macs: number;
}

export interface PrimitiveGraph {
  /** In topological order. */
  nodes: PrimitiveNode[];
  /** Document node id → the primitive that carries its output. */
  outputOf: Record<string, string>;
}

export interface ReceptiveField {
  /** Input pixels that one output value can see, [h, w]. */
  size: [number, number];
  /** Distance in input pixels between neighbouring outputs, [h, w]. */
  jump: [number, number];
}

export type NodeStatus = 'ok' | 'error' | 'blocked' | 'unconnected';

export interface NodeAnalysis {
  id: string;
  type: string;
  /** ok; error (this node is wrong); blocked (an input has no shape); unconnected. */
  status: NodeStatus;
  summary: string;
  inputShapes: (Shape | undefined)[];
  outputShape?: Shape;
  params: number;
  macs: number;
  /** Output activation bytes (fp32). */
  activationBytes: number;
  /** For composites: every activation inside, output included. */
  internalActivationBytes: number;
  receptiveField?: ReceptiveField;
  /** Primitive ids this node expands to (itself for a primitive). */
  primitives: string[];
}

export interface Totals {
  params: number;
  macs: number;
  /** Sum of every primitive's output activation (fp32), Input excluded. */
  activationBytes: number;
  /** Convolution and dense layers on the longest path (ResNet-50 → 50). */
  depth: number;
}

export interface Analysis {
  valid: boolean;
  diagnostics: Diagnostic[];
  nodes: Record<string, NodeAnalysis>;
  edges: Record<string, { shape?: Shape }>;
  totals: Totals;
  primitives: PrimitiveGraph;
  /** Document node ids in topological order (nodes in cycles left out). */
  order: string[];
}
