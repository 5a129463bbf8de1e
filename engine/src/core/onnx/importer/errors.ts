/** The one error type ONNX import throws: a code tools can match on and a message users can act on. */

export type OnnxImportErrorCode =
  /** The file is over the size cap. */
  | 'too-large'
  /** Not a protobuf ModelProto: malformed, truncated or another kind of file. */
  | 'malformed'
  /** Valid protobuf, but not a model we can read (no graph, opset below 9, no image input …). */
  | 'unsupported-model'
  /** An operator (or an operator's attribute value) CNN Studio has no equivalent for. */
  | 'unsupported-op'
  /** Dimensions that are negative, absurd, or disagree with the data. */
  | 'bad-dims'
  /** Weights stored in external files: missing, unreadable, or a path leaving the model's folder. */
  | 'external-data'
  /** The graph refers to values no node produces, or is otherwise inconsistent. */
  | 'bad-graph';

export class OnnxImportError extends Error {
  constructor(
    readonly code: OnnxImportErrorCode,
    message: string,
    /** The ONNX node it is about, when there is one. */
    readonly onnxNode?: string,
  ) {
    super(message);
    this.name = 'OnnxImportError';
  }
}
