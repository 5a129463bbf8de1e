import { z } from 'zod';

/**
 * The model document, format version 1 — a public contract. Names here are read by other tools:
 * add optional fields, never rename or drop one.
 *
 * Structure is validated here; each node's `params` are validated by its op (see ops/), so a bad
 * parameter becomes a diagnostic pinned to its node rather than a refusal to open the file.
 */
export const MODEL_FORMAT = 'cnn-studio.model';
export const MODEL_VERSION = 1;

const finite = z.number().finite();

export const TensorDataSchema = z.object({
  shape: z.array(z.number().int().nonnegative()).max(8),
  /** Row-major float values. */
  data: z.array(finite).optional(),
  /** Or: little-endian float32 bytes, base64 (compact form used for larger tensors). */
  base64: z.string().optional(),
  /** Or: a range of the document's binary sidecar file (see docs/weights.md). */
  sidecar: z.object({ offset: z.number().int().nonnegative(), length: z.number().int().nonnegative() }).optional(),
});
export type TensorData = z.infer<typeof TensorDataSchema>;

export const PositionSchema = z.object({ x: finite, y: finite });

/**
 * Node ids JavaScript objects cannot hold as keys: a record keyed by node id (outputs, tensors,
 * onnxruntime's feeds and fetches) would drop them silently. The ONNX importer renames such names.
 */
export const RESERVED_NODE_IDS: ReadonlySet<string> = new Set(['__proto__']);

export const NodeSchema = z.object({
  id: z
    .string()
    .min(1)
    .max(200)
    .refine((id) => !RESERVED_NODE_IDS.has(id), { message: 'node id "__proto__" is reserved (JavaScript objects cannot hold it as a key) — rename the node and its edges' }),
  type: z.string().min(1).max(100),
  params: z.record(z.string(), z.unknown()).default({}),
  position: PositionSchema.optional(),
  /** Optional display name ("inception 3a"). */
  label: z.string().max(200).optional(),
  /** Inline weights by name: Conv2D/Dense `kernel` and `bias`, BatchNorm `scale`, `bias`, `mean`, `var`. */
  weights: z.record(z.string(), TensorDataSchema).optional(),
});
export type ModelNode = z.infer<typeof NodeSchema>;

export const EdgeSchema = z.object({
  id: z.string().min(1).max(200).optional(),
  source: z.string().min(1),
  target: z.string().min(1),
  /** Output index of the source (all ops today have one output). */
  sourcePort: z.number().int().nonnegative().optional(),
  /** Orders the inputs of a multi-input node (Concat order matters). */
  targetPort: z.number().int().nonnegative().optional(),
});
export type ModelEdge = z.infer<typeof EdgeSchema>;

const MetricsSchema = z.object({ loss: finite, accuracy: finite });

/** How the document's weights were trained (written by the trainer; informational). */
export const TrainingRecordSchema = z.object({
  /** "mnist", or the image folder's name. */
  dataset: z.string().max(1000),
  /** Samples trained on and held out. */
  trainSamples: z.number().int().nonnegative(),
  testSamples: z.number().int().nonnegative(),
  epochs: z.number().int().nonnegative(),
  steps: z.number().int().nonnegative(),
  batch: z.number().int().positive(),
  /** "adam", "adamw" or "sgd". */
  optimizer: z.string().max(100),
  /** Learning rate at the start, and the schedule ("constant", "step", "cosine"). */
  lr: finite,
  schedule: z.string().max(100),
  seed: z.number().int().nonnegative(),
  /** All settings as given (optimizer hyperparameters, augmentation, split). */
  settings: z.record(z.string(), z.unknown()).optional(),
  /** Metrics of the last epoch; `test` is null without a test split. */
  train: MetricsSchema,
  test: MetricsSchema.nullable(),
  timeMs: finite,
  /** ISO 8601 time the run ended. */
  finishedAt: z.string().max(100),
});
export type TrainingRecord = z.infer<typeof TrainingRecordSchema>;

/**
 * One training run of the document, kept to compare designs (the Runs view): the design as it was
 * trained (structure only: nodes without weights or positions, edges), its costs, the settings, the
 * curves and how it ended. Written by the editor when a run ends (core/train/run-record.ts).
 */
export const RunRecordSchema = z.object({
  id: z.string().min(1).max(100),
  /** What the user calls it (defaults to the design's name and a number). */
  name: z.string().max(200),
  startedAt: z.string().max(100),
  /** "done", "stopped" or "failed". */
  status: z.string().max(20),
  design: z.object({
    nodes: z.array(z.object({ id: z.string().max(200), type: z.string().max(100), params: z.record(z.string(), z.unknown()).default({}), label: z.string().max(200).optional() })).max(100_000),
    edges: z.array(z.object({ source: z.string(), target: z.string(), targetPort: z.number().int().nonnegative().optional() })).max(400_000),
  }),
  params: z.number().nonnegative(),
  macs: z.number().nonnegative(),
  activationBytes: z.number().nonnegative(),
  dataset: z.object({ name: z.string().max(1000), classes: z.number().int().nonnegative(), trainSamples: z.number().int().nonnegative(), testSamples: z.number().int().nonnegative() }),
  settings: z.record(z.string(), z.unknown()),
  /** Training loss (smoothed) by step, at most 500 points. */
  curve: z.object({ step: z.array(finite).max(2000), loss: z.array(finite).max(2000), accuracy: z.array(finite).max(2000) }),
  epochs: z.array(z.object({ epoch: z.number().int().positive(), train: MetricsSchema, test: MetricsSchema.nullable(), timeMs: finite })).max(10_000),
  stepsPerEpoch: z.number().int().nonnegative(),
  final: z.object({ train: MetricsSchema.nullable(), test: MetricsSchema.nullable() }),
  timeMs: finite,
});
export type RunRecord = z.infer<typeof RunRecordSchema>;

export const DocumentSchema = z.object({
  format: z.literal(MODEL_FORMAT),
  version: z.literal(MODEL_VERSION),
  name: z.string().max(500).default('untitled'),
  description: z.string().max(100_000).optional(),
  /** Seed for weight initialisation (per node, derived from this and the node id). */
  seed: z.number().int().nonnegative().max(2 ** 31 - 1).optional(),
  /** Class names for the model's output (ImageNet labels for imported ImageNet models). */
  labels: z.array(z.string().max(500)).max(100_000).optional(),
  /** Name of a binary weights sidecar next to the document (see docs/weights.md). */
  weightsFile: z.string().max(1000).optional(),
  /** How the weights were trained, when they were trained in CNN Studio. */
  training: TrainingRecordSchema.optional(),
  /** Training runs kept to compare designs (oldest first). */
  runs: z.array(RunRecordSchema).max(1000).optional(),
  nodes: z.array(NodeSchema).max(100_000),
  edges: z.array(EdgeSchema).max(400_000),
});

/** A document as held in memory: every edge has an id. */
export type ModelDocument = Omit<z.infer<typeof DocumentSchema>, 'edges'> & { edges: (ModelEdge & { id: string })[] };
