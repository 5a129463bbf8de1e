/** The parts of the engine core the editor uses, in one place (the core is isomorphic TypeScript). */
export { analyze } from '../../engine/src/core/graph/analyze';
export type { Analysis, NodeAnalysis, PrimitiveNode, Totals, NodeStatus } from '../../engine/src/core/graph/types';
export { ALL_OPS, ops } from '../../engine/src/core/ops';
export type { OpDef, OpCategory } from '../../engine/src/core/ops';
export { ACTIVATION_FUNCTIONS } from '../../engine/src/core/ops/activation';
export { parseDocument, serializeDocument } from '../../engine/src/core/document/load';
export { MODEL_FORMAT, MODEL_VERSION } from '../../engine/src/core/document/schema';
export type { ModelDocument, ModelNode, ModelEdge } from '../../engine/src/core/document/schema';
export type { Diagnostic, QuickFix } from '../../engine/src/core/diagnostics';
export { formatShape, pair } from '../../engine/src/core/shape';
export type { Shape } from '../../engine/src/core/shape';
export { PRESETS, getPreset } from '../../engine/src/core/presets';
export type { PresetInfo } from '../../engine/src/core/presets';
export {
  buildSummary,
  summaryToMarkdown,
  summaryToCsv,
  summaryCells,
  SUMMARY_COLUMNS,
  formatCount,
  formatMetric,
  formatBytes,
} from '../../engine/src/core/summary';
export type { Summary, SummaryRow } from '../../engine/src/core/summary';
export type { Host, FileClient, ShellClient, EngineClient, AppCommand } from '../../engine/src/core/api';
export { DEFAULT_INPUT_SHAPE, formatInputShape, INPUT_SHAPE_LIMITS } from '../../engine/src/core/onnx/input-shape';
export type { InputShape } from '../../engine/src/core/onnx/input-shape';
