/**
 * The host-side router: one entry point for every renderer call, on both transports (Electron IPC
 * and the browser-mode WebSocket). It refuses calls from untrusted senders, validates arguments
 * against the contract's zod schemas, dispatches to the EngineClient / FileClient / shell handler
 * and turns every outcome into a Reply — it never throws.
 *
 * No Electron here: the transport passes its own notion of a sender plus a predicate that says
 * whether it is the app's main frame, so this is tested under plain Node.
 */
import type { EngineClient, FileClient, ShellClient, TrainData } from '../engine/src/core/api';
import { CALL_SCHEMAS, HostError, isCallName, type CallArgs, type CallName, type HostErrorCode, type HostErrorInfo, type Reply } from './contract';

/** The part of the window shell the renderer can drive (desktop only). */
export type ShellHandler = Pick<ShellClient, 'setDocumentState'>;

/** The system clipboard (Electron's `clipboard`, passed in so this stays testable under Node). */
export interface ClipboardLike {
  writeText(text: string): void;
}

export interface RouterOptions<Sender> {
  engine: EngineClient;
  files: FileClient;
  /** Absent in browser mode (the page sets its own title). */
  shell?: ShellHandler;
  /** Desktop: the system clipboard for shell.copyText. Absent in browser mode (the page copies itself). */
  clipboard?: ClipboardLike;
  /**
   * Image folders the user chose for training (desktop: the folder dialog). Absent (browser mode):
   * training on folders is refused — the page cannot name folders on this machine.
   */
  dataFolderAllowed?: (path: string) => boolean;
  /** True only for the app's own main frame (desktop) or an accepted same-origin socket (web). */
  senderIsTrusted: (sender: Sender) => boolean;
}

export interface Router<Sender> {
  handle(name: unknown, args: unknown, sender: Sender): Promise<Reply>;
}

const KNOWN_CODES = new Set<string>([
  'invalid-graph', 'unsupported-op', 'bad-input', 'out-of-memory', 'too-large', 'timeout', 'cancelled', 'superseded', 'busy', 'worker-crashed', 'needs-input-shape', 'inputs-gone', 'internal',
  'not-found', 'unreadable', 'not-a-model', 'write-failed', 'path-not-allowed',
  'invalid-payload', 'forbidden-sender', 'unknown-call', 'connection-lost', 'unsupported',
] satisfies HostErrorCode[]);

/** Any rejection (HostError, the engine's EngineErrorInfo, a stray Error) as plain HostErrorInfo. */
export function toErrorInfo(e: unknown): HostErrorInfo {
  if (e instanceof HostError) return e.toInfo();
  if (typeof e === 'object' && e !== null) {
    const { code, message, diagnostics } = e as { code?: unknown; message?: unknown; diagnostics?: unknown };
    const msg = typeof message === 'string' && message ? message : 'The host failed without a message.';
    const info: HostErrorInfo = { code: typeof code === 'string' && KNOWN_CODES.has(code) ? (code as HostErrorCode) : 'internal', message: msg };
    if (Array.isArray(diagnostics)) info.diagnostics = diagnostics;
    return info;
  }
  return { code: 'internal', message: String(e) };
}

type Handlers = { [K in CallName]: (...args: CallArgs<K>) => unknown };

/** An optional EngineClient method, or 'unsupported' when this host's engine lacks it. */
function need<F>(method: F | undefined, what: string): F {
  if (!method) throw new HostError({ code: 'unsupported', message: `This engine host cannot ${what}.` });
  return method;
}

export function createRouter<Sender>(options: RouterOptions<Sender>): Router<Sender> {
  const { engine, files, shell, clipboard } = options;
  /** Training data the renderer may name: MNIST, or a folder the user chose in this host's dialog. */
  const allowedData = (data: TrainData): TrainData => {
    if (data.kind === 'mnist') return data;
    if (!options.dataFolderAllowed) {
      throw new HostError({ code: 'unsupported', message: 'Training on an image folder needs the desktop app here (or the command line: cnn-studio train model.json --data <folder> -o trained.json).' });
    }
    if (!options.dataFolderAllowed(data.path)) throw new HostError({ code: 'path-not-allowed', message: 'CNN Studio only trains on folders you chose — use "Open image folder…".' });
    return data;
  };
  const handlers: Handlers = {
    'engine.run': (req) => engine.run(req),
    'engine.cancel': (docId) => engine.cancel(docId),
    'engine.fetchTensor': (docId, nodeId) => engine.fetchTensor(docId, nodeId),
    'engine.exportOnnx': (doc, seed, token) => engine.exportOnnx(doc, seed, token),
    'engine.exportPyTorch': (doc, token) => engine.exportPyTorch(doc, token),
    'engine.importOnnx': (bytes, name, inputShape) => engine.importOnnx(bytes, name, inputShape),
    'engine.importOnnxModel': (bytes, name, inputShape) => need(engine.importOnnxModel, 'import large ONNX models').call(engine, bytes, name, inputShape),
    'engine.attachWeights': (bytes, file) => need(engine.attachWeights, 'hold weights files').call(engine, bytes, file),
    'engine.readWeights': (token) => need(engine.readWeights, 'hand out weights files').call(engine, token),
    'engine.inlineWeights': (doc, token) => need(engine.inlineWeights, 'put weights inside a document').call(engine, doc, token),
    'engine.releaseWeights': (token) => need(engine.releaseWeights, 'release weights files').call(engine, token),
    'engine.previewData': (data, input) => need(engine.previewData, 'load training data').call(engine, allowedData(data), input),
    'engine.dataSamples': (data, input, indices) => need(engine.dataSamples, 'show training samples').call(engine, allowedData(data), input, indices),
    'engine.startTraining': (req) => need(engine.startTraining, 'train').call(engine, { ...req, data: allowedData(req.data) }),
    'engine.controlTraining': (trainId, action) => need(engine.controlTraining, 'control training').call(engine, trainId, action),
    'files.open': (path) => files.open(path),
    'files.openBinary': (filters) => {
      if (!files.openBinary) throw new HostError({ code: 'unsupported', message: 'This host cannot open binary files yet.' });
      return files.openBinary(filters);
    },
    'files.save': (text, path, suggestedName, token) => files.save(text, path, suggestedName, token),
    'files.exportBinary': (bytes, name, filters) => files.exportBinary(bytes, name, filters),
    'files.recent': () => files.recent(),
    'files.writeRecovery': (text) => files.writeRecovery(text),
    'files.readRecovery': () => files.readRecovery(),
    'files.clearRecovery': () => files.clearRecovery(),
    'files.chooseDataFolder': () => need(files.chooseDataFolder, 'choose folders').call(files),
    'shell.setDocumentState': (state) => {
      if (!shell) throw new HostError({ code: 'unsupported', message: 'This host has no window shell.' });
      shell.setDocumentState(state);
    },
    'shell.copyText': (text) => {
      if (!clipboard) throw new HostError({ code: 'unsupported', message: 'This host has no system clipboard.' });
      clipboard.writeText(text);
    },
  };

  return {
    async handle(name, args, sender) {
      let trusted = false;
      try {
        trusted = options.senderIsTrusted(sender);
      } catch {
        trusted = false;
      }
      if (!trusted) return { ok: false, error: { code: 'forbidden-sender', message: 'Refused: the call did not come from the CNN Studio window.' } };
      if (!isCallName(name)) return { ok: false, error: { code: 'unknown-call', message: `Unknown host call ${JSON.stringify(String(name)).slice(0, 120)}.` } };
      const parsed = CALL_SCHEMAS[name].safeParse(args);
      if (!parsed.success) {
        const first = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(arguments)'}: ${i.message}`).join('; ');
        return { ok: false, error: { code: 'invalid-payload', message: `Invalid arguments for ${name}: ${first}` } };
      }
      try {
        const handler = handlers[name] as (...a: unknown[]) => unknown;
        const value = await handler(...(parsed.data as unknown[]));
        return { ok: true, value: value === undefined ? null : value };
      } catch (e) {
        return { ok: false, error: toErrorInfo(e) };
      }
    },
  };
}
