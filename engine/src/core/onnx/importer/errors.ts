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
  | 'bad-graph'
  /**
   * The file leaves its input's size open (symbolic height/width) and no input shape was given, or
   * the one given disagrees with a size the file fixes: import again with an `inputShape` (C×H×W).
   */
  | 'needs-input-shape';

/** Which graph input needs a size, as the file has it, and a size that would fit. */
export interface InputShapeRequest {
  /** The graph input's name. */
  input: string;
  /** Its dimensions in the file (batch first): numbers where fixed, names where symbolic ("?" where unnamed). */
  dims: (number | string)[];
  /** C×H×W that fits: the file's fixed sizes, and for the open ones those of the input shape given (else 3, 224, 224). */
  suggested: [number, number, number];
}

/** One operation of a file that cannot be imported: where it is, and why (with what to do). */
export interface ImportProblem {
  /** The ONNX operator ("Clip"). */
  opType: string;
  /** The node's name, or its first output's when it has none. */
  onnxNode: string;
  /** Why it cannot be imported, and what to do about it. */
  reason: string;
  /** The operator itself is unknown to the importer (the message then lists the ones it reads). */
  unknownOperator?: boolean;
}

/** Problems listed by name before "and N more". */
const NAMED = 3;

export class OnnxImportError extends Error {
  constructor(
    readonly code: OnnxImportErrorCode,
    message: string,
    /** The ONNX node it is about, when there is one (the first, when there are several). */
    readonly onnxNode?: string,
    /** 'unsupported-op': every operation of the file that cannot be imported, in graph order. */
    readonly problems?: readonly ImportProblem[],
    /** 'needs-input-shape': which input, and what would fit. */
    readonly inputShape?: InputShapeRequest,
  ) {
    super(message);
    this.name = 'OnnxImportError';
  }

  /**
   * All of a file's unsupported operations in one error. One problem reads "Clip node "x": …";
   * several are listed one line per distinct reason, naming the nodes it applies to.
   */
  static unsupported(problems: readonly ImportProblem[], supported?: readonly string[]): OnnxImportError {
    const list = supported && problems.some((p) => p.unknownOperator) ? ` Supported: ${supported.join(', ')}.` : '';
    if (problems.length === 1) {
      const [p] = problems;
      return new OnnxImportError('unsupported-op', `${p.opType} node "${p.onnxNode}": ${p.reason}${list}`, p.onnxNode, problems);
    }
    const groups = new Map<string, ImportProblem[]>();
    for (const p of problems) {
      const key = `${p.opType}\u0000${p.reason}`;
      const group = groups.get(key);
      if (group) group.push(p);
      else groups.set(key, [p]);
    }
    const lines = [...groups.values()].map((g) => {
      const names = g.slice(0, NAMED).map((p) => `"${p.onnxNode}"`).join(', ');
      const more = g.length > NAMED ? ` and ${g.length - NAMED} more` : '';
      return `- ${g[0].opType} node${g.length > 1 ? 's' : ''} ${names}${more}: ${g[0].reason}`;
    });
    const message = `${problems.length} operations in this model cannot be imported:\n${lines.join('\n')}${list ? `\n${list.trim()}` : ''}`;
    return new OnnxImportError('unsupported-op', message, problems[0].onnxNode, problems);
  }
}
