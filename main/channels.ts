/**
 * The names of every host call and the IPC channels they use. Dependency-free so the sandboxed
 * preload bundle stays tiny; main/contract.ts gives each name its schema and types.
 */
export const CALL_NAMES = [
  'engine.run',
  'engine.cancel',
  'engine.fetchTensor',
  'engine.exportOnnx',
  'engine.exportPyTorch',
  'engine.importOnnx',
  'engine.importOnnxModel',
  'engine.attachWeights',
  'engine.readWeights',
  'engine.inlineWeights',
  'engine.releaseWeights',
  'engine.previewData',
  'engine.dataSamples',
  'engine.startTraining',
  'engine.controlTraining',
  'files.open',
  'files.openBinary',
  'files.save',
  'files.exportBinary',
  'files.recent',
  'files.writeRecovery',
  'files.readRecovery',
  'files.clearRecovery',
  'files.chooseDataFolder',
  'shell.setDocumentState',
  'shell.copyText',
] as const;

export type CallName = (typeof CALL_NAMES)[number];

/** IPC channel for a call (desktop, renderer → main, invoke/handle). */
export const ipcChannel = (name: CallName) => `cnn-studio:${name}` as const;
/** Main → renderer: EngineEvent. */
export const IPC_ENGINE_EVENT = 'cnn-studio:engine-event';
/** Main → renderer: AppCommand (native menu, second launch, OS file open). */
export const IPC_APP_COMMAND = 'cnn-studio:app-command';
