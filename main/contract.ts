/**
 * The host contract, call by call: every call the renderer can make of its host (Electron main
 * process or the browser-mode server), its arguments as a zod schema (validated on the host side
 * before anything runs) and its result type. Isomorphic — the renderer imports the names and types.
 *
 * Arguments travel as a positional tuple, exactly the parameters of the matching EngineClient /
 * FileClient / ShellClient method, so a client is a thin `(...args) => call(name, args)`.
 */
import { z } from 'zod';
import { DocumentSchema, EdgeSchema } from '../engine/src/core/document/schema';
import type { CallName } from './channels';
import type { ModelDocument } from '../engine/src/core/document/schema';
import type { DataPreview, DataSample, EngineErrorCode, EngineEvent, FileClient, ImportedModel, RunRequest, RunResult, TensorResult, TrainData, TrainRequest, TrainStarted, WeightsHandle } from '../engine/src/core/api';
import { InputOp, type InputParams } from '../engine/src/core/ops/input';
import { TrainConfigSchema } from '../engine/src/core/train/config';
import { InputShapeSchema, type InputShape } from '../engine/src/core/onnx/input-shape';

/** Error codes a host call can reject with, beyond the engine's own. */
export type FileErrorCode =
  | 'not-found' // the file does not exist (any more)
  | 'unreadable' // permissions, a directory, an I/O error
  | 'too-large' // over MAX_OPEN_BYTES
  | 'not-a-model' // JSON that is not a CNN Studio model, or not JSON at all
  | 'write-failed' // the save did not happen; the original is untouched
  | 'path-not-allowed'; // the renderer named a path the user never chose
export type ContractErrorCode = 'invalid-payload' | 'forbidden-sender' | 'unknown-call' | 'connection-lost' | 'unsupported';
export type HostErrorCode = EngineErrorCode | FileErrorCode | ContractErrorCode;

/** What a rejected host call carries, on both transports (plain data: it crosses IPC and the wire). */
export interface HostErrorInfo {
  code: HostErrorCode;
  message: string;
  diagnostics?: unknown[];
}

/** The error the renderer's host clients throw; `code` says what happened, `message` is for the user. */
export class HostError extends Error {
  readonly code: HostErrorCode;
  readonly diagnostics?: unknown[];
  constructor(info: HostErrorInfo) {
    super(info.message);
    this.name = 'HostError';
    this.code = info.code;
    if (info.diagnostics) this.diagnostics = info.diagnostics;
  }
  toInfo(): HostErrorInfo {
    return { code: this.code, message: this.message, ...(this.diagnostics ? { diagnostics: this.diagnostics } : {}) };
  }
}

/** The one shape every reply has, on both transports. */
export type Reply<T = unknown> = { ok: true; value: T } | { ok: false; error: HostErrorInfo };

/** Largest model file the host opens (documents with inline weights can be big, but not this big). */
export const MAX_OPEN_BYTES = 512 * 1024 * 1024;
/** Largest text / binary payload accepted in one call (same cap, so anything openable can be saved). */
export const MAX_PAYLOAD_BYTES = MAX_OPEN_BYTES;

// ---------------------------------------------------------------------------------------------
// Payload schemas

const typed = <T>(ctor: abstract new (...a: never[]) => T, tag: string) =>
  z.custom<T>((v) => v instanceof (ctor as unknown as typeof Object) || Object.prototype.toString.call(v) === `[object ${tag}]`, {
    message: `expected a ${tag}`,
  });
const U8 = typed(Uint8Array, 'Uint8Array');
const F32 = typed(Float32Array, 'Float32Array');

const id = z.string().min(1).max(200);
/** A WeightsHandle's token: an opaque id the host made (a UUID); never a path. */
const weightsToken = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, { message: 'expected a weights token' });
const path = z.string().min(1).max(4096);
const dim = z.number().int().positive().max(1 << 16);

/** A model document as held in memory (every edge has an id) — the core's own schema. */
export const DocumentPayload: z.ZodType<ModelDocument> = DocumentSchema.extend({
  edges: z.array(EdgeSchema.extend({ id })).max(400_000),
}) as unknown as z.ZodType<ModelDocument>;

const ImageInput = z
  .object({ kind: z.literal('image'), width: dim, height: dim, rgba: U8 })
  .refine((v) => v.rgba.length === v.width * v.height * 4, { message: 'rgba must hold width × height × 4 bytes' });
const TensorInput = z
  .object({ kind: z.literal('tensor'), shape: z.array(dim).min(1).max(8), data: F32 })
  .refine((v) => v.data.length === v.shape.reduce((a, b) => a * b, 1), { message: 'data length must equal the product of shape' });
const InputPayload = z.union([ImageInput, TensorInput]);
/** A weight seed (the seed field's range). */
const seed = z.number().int().nonnegative().max(2 ** 31 - 1);
/** The inputs an earlier request of the docId named (RunRequest.inputsKey). */
const SameInputs = z.object({ kind: z.literal('same'), key: id }).strict();

export const RunRequestPayload: z.ZodType<RunRequest> = z.object({
  docId: id,
  document: DocumentPayload,
  inputs: z.union([SameInputs, InputPayload, z.record(id, InputPayload)]),
  inputsKey: id.optional(),
  previews: z.boolean().optional(),
  fullPreviews: z.array(id).max(100_000).optional(),
  tensors: z.union([z.enum(['outputs', 'all', 'none']), z.array(id).max(100_000)]).optional(),
  timeoutMs: z.number().int().positive().max(3_600_000).optional(),
  seed: seed.optional(),
  weightsToken: weightsToken.optional(),
  trainId: z.uuid().optional(),
  nextSeeds: z.array(seed).max(8).optional(),
}) as unknown as z.ZodType<RunRequest>;

const TrainDataPayload: z.ZodType<TrainData> = z.union([z.object({ kind: z.literal('mnist') }), z.object({ kind: z.literal('folder'), path })]);
const InputParamsPayload = InputOp.params as z.ZodType<InputParams>;
const TrainRequestPayload = z.object({
  docId: id,
  document: DocumentPayload,
  weightsToken: weightsToken.optional(),
  data: TrainDataPayload,
  config: TrainConfigSchema.optional(),
}) as unknown as z.ZodType<TrainRequest>;

const text = z.string().max(MAX_PAYLOAD_BYTES);
const bytes = U8.refine((b) => b.byteLength <= MAX_PAYLOAD_BYTES, { message: 'payload too large' });
const fileName = z.string().min(1).max(255);
const filters = z.array(z.object({ name: z.string().max(100), extensions: z.array(z.string().regex(/^[A-Za-z0-9.*]{1,20}$/)).max(20) })).max(20);
/** Largest text the editor puts on the clipboard (a Summary table of a huge model is well under this). */
const COPY_TEXT_MAX = 16 * 1024 * 1024;
const documentState = z.object({ title: z.string().max(500), dirty: z.boolean(), path: path.optional() });

// ---------------------------------------------------------------------------------------------
// The calls

type Calls = {
  'engine.run': { args: [req: RunRequest]; result: RunResult };
  'engine.cancel': { args: [docId: string]; result: void };
  'engine.fetchTensor': { args: [docId: string, nodeId: string]; result: TensorResult };
  'engine.exportOnnx': { args: [document: ModelDocument, seed?: number, weightsToken?: string]; result: Uint8Array };
  'engine.exportPyTorch': { args: [document: ModelDocument, weightsToken?: string]; result: { code: string; weights?: Uint8Array } };
  'engine.importOnnx': { args: [bytes: Uint8Array, name?: string, inputShape?: InputShape]; result: ModelDocument };
  'engine.importOnnxModel': { args: [bytes: Uint8Array, name?: string, inputShape?: InputShape]; result: ImportedModel };
  'engine.attachWeights': { args: [bytes: Uint8Array, file: string]; result: WeightsHandle };
  'engine.readWeights': { args: [token: string]; result: Uint8Array };
  'engine.inlineWeights': { args: [document: ModelDocument, weightsToken: string]; result: ModelDocument };
  'engine.releaseWeights': { args: [token: string]; result: void };
  'engine.previewData': { args: [data: TrainData, input: InputParams]; result: DataPreview };
  'engine.dataSamples': { args: [data: TrainData, input: InputParams, indices: number[]]; result: DataSample[] };
  'engine.startTraining': { args: [req: TrainRequest]; result: TrainStarted };
  'engine.controlTraining': { args: [trainId: string, action: 'pause' | 'resume' | 'stop']; result: void };
  'files.open': { args: [path?: string]; result: Awaited<ReturnType<FileClient['open']>> };
  'files.openBinary': { args: [filters: { name: string; extensions: string[] }[]]; result: { path: string; bytes: Uint8Array } | null };
  'files.save': { args: [text: string, path?: string, suggestedName?: string, weightsToken?: string]; result: Awaited<ReturnType<FileClient['save']>> };
  'files.exportBinary': { args: Parameters<FileClient['exportBinary']>; result: Awaited<ReturnType<FileClient['exportBinary']>> };
  'files.recent': { args: []; result: string[] };
  'files.writeRecovery': { args: [text: string]; result: void };
  'files.readRecovery': { args: []; result: Awaited<ReturnType<FileClient['readRecovery']>> };
  'files.clearRecovery': { args: []; result: void };
  'files.chooseDataFolder': { args: []; result: string | null };
  'shell.setDocumentState': { args: [state: { title: string; dirty: boolean; path?: string }]; result: void };
  'shell.copyText': { args: [text: string]; result: void };
};
/** Compile-time check: Calls lists exactly the names in channels.ts. */
type SameKeys<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const callsMatchChannels: SameKeys<keyof Calls, CallName> = true;
void callsMatchChannels;

export type { CallName } from './channels';
export { CALL_NAMES, ipcChannel, IPC_ENGINE_EVENT, IPC_APP_COMMAND } from './channels';
export type CallArgs<K extends CallName> = Calls[K]['args'];
export type CallResult<K extends CallName> = Calls[K]['result'];

/** Argument schemas, one per call. Every call the host accepts is listed here — and only these. */
export const CALL_SCHEMAS: { [K in CallName]: z.ZodType<CallArgs<K>> } = {
  'engine.run': z.tuple([RunRequestPayload]),
  'engine.cancel': z.tuple([id]),
  'engine.fetchTensor': z.tuple([id, id]),
  'engine.exportOnnx': z.tuple([DocumentPayload, seed.optional(), weightsToken.optional()]),
  'engine.exportPyTorch': z.tuple([DocumentPayload, weightsToken.optional()]),
  'engine.importOnnx': z.tuple([bytes, z.string().max(500).optional(), InputShapeSchema.optional()]),
  'engine.importOnnxModel': z.tuple([bytes, z.string().max(500).optional(), InputShapeSchema.optional()]),
  'engine.attachWeights': z.tuple([bytes, fileName]),
  'engine.readWeights': z.tuple([weightsToken]),
  'engine.inlineWeights': z.tuple([DocumentPayload, weightsToken]),
  'engine.releaseWeights': z.tuple([weightsToken]),
  'engine.previewData': z.tuple([TrainDataPayload, InputParamsPayload]),
  'engine.dataSamples': z.tuple([TrainDataPayload, InputParamsPayload, z.array(z.number().int().nonnegative().max(100_000_000)).max(64)]),
  'engine.startTraining': z.tuple([TrainRequestPayload]),
  'engine.controlTraining': z.tuple([z.uuid(), z.enum(['pause', 'resume', 'stop'])]),
  'files.open': z.tuple([path.optional()]),
  'files.openBinary': z.tuple([filters]),
  'files.save': z.tuple([text, path.optional(), fileName.optional(), weightsToken.optional()]),
  'files.exportBinary': z.tuple([bytes, fileName, filters]),
  'files.recent': z.tuple([]),
  'files.writeRecovery': z.tuple([text]),
  'files.readRecovery': z.tuple([]),
  'files.clearRecovery': z.tuple([]),
  'files.chooseDataFolder': z.tuple([]),
  'shell.setDocumentState': z.tuple([documentState]),
  'shell.copyText': z.tuple([z.string().max(COPY_TEXT_MAX)]),
} as { [K in CallName]: z.ZodType<CallArgs<K>> };

export function isCallName(name: unknown): name is CallName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(CALL_SCHEMAS, name);
}


// ---------------------------------------------------------------------------------------------
// Browser-mode WebSocket messages (encoded with wire.ts)

export const WS_PATH = '/ws';
export type ClientMessage = { kind: 'call'; id: number; name: string; args: unknown[] };
export type ServerMessage =
  | { kind: 'reply'; id: number; reply: Reply }
  | { kind: 'event'; event: EngineEvent };
