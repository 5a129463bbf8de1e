/** Every diagnostic code the engine can raise. Codes are stable: tools and tests match on them. */
export const DIAGNOSTIC_CODES = [
  'document-invalid', // the file is not a valid model document (structure)
  'duplicate-node-id',
  'unknown-node-type',
  'invalid-param',
  'dangling-edge', // edge names a node that does not exist
  'duplicate-edge',
  'port-conflict', // two edges into the same target port
  'cycle',
  'no-input-node',
  'missing-input',
  'extra-input',
  'input-has-incoming', // an Input node with an incoming edge
  'rank-mismatch', // e.g. a 2-D op on a flat vector
  'dense-needs-flatten',
  'kernel-too-large',
  'non-positive-output',
  'bad-stride',
  'bad-dilation',
  'group-mismatch',
  'add-shape-mismatch',
  'concat-hw-mismatch',
  'multiply-shape-mismatch',
  'gate-mismatch', // a channel scale's gate is not C×1×1 with the map's channel count
  'too-large', // absurd sizes: channels, activations, parameters
  'unconnected', // warning: node not reachable from any Input / not connected
  'dead-end', // warning: a branch's end that feeds nothing while the network's output is elsewhere
  'upstream-error', // info: no shape because an input has an error
  'bad-weights', // a weight the document carries has the wrong number of values or undecodable data (warning: a name the node has no weight for)
  'bad-weights-file', // the weightsFile sidecar is not a usable file beside the model (name, kind, link, size)
] as const;

export type DiagnosticCode = (typeof DIAGNOSTIC_CODES)[number];
export type Severity = 'error' | 'warning' | 'info';

/** A suggested one-click fix. The editor applies it; the CLI just names it. */
export type QuickFix =
  | { kind: 'insert-flatten'; edgeId: string; label: string }
  | { kind: 'add-projection'; nodeId: string; edgeId: string; label: string }
  | { kind: 'delete-edge'; edgeId: string; label: string };

export interface Diagnostic {
  severity: Severity;
  code: DiagnosticCode;
  /** A sentence a learner understands, with the numbers involved and what to do. */
  message: string;
  /** The document node it is about (for composite internals: the composite node). */
  nodeId?: string;
  /** The document edge it is about. */
  edgeId?: string;
  /** JSON path into the document, e.g. "nodes[3].params.kernel". */
  path?: string;
  /** The parameter it is about, when there is one. */
  param?: string;
  fix?: QuickFix;
  /**
   * The values the message is made of, so a translation can build the same sentence (the editor's
   * Korean UI): numbers, shapes as text ("16×28×28"), node ids, the type of the op whose rule raised it
   * (`op`), a `variant` where one code has several sentences, and `inside` (the primitive's role) inside
   * a module. `message` stays the English source; tools and tests match on it and on `code`.
   */
  params?: DiagnosticParams;
}

/** Values of a diagnostic's sentence, by name (see Diagnostic.params). */
export type DiagnosticParams = Record<string, string | number>;

/** Thrown for bad input that stops work entirely (unreadable file, not a model document). */
export class ModelError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly diagnostics: Diagnostic[] = [],
  ) {
    super(message);
    this.name = 'ModelError';
  }
}
