/**
 * Host over the Electron preload bridge (`window.cnnStudio`). Bridge methods resolve to a Reply;
 * here failures become HostError rejections, so the editor handles both transports alike.
 */
import type { EngineClient, FileClient, Host, ShellClient } from '../../../engine/src/core/api';
import type { CnnStudioBridge } from '../../../main/bridge';
import { HostError, type Reply } from '../../../main/contract';

async function unwrap<T>(pending: Promise<Reply<T>>): Promise<T> {
  let reply: Reply<T>;
  try {
    reply = await pending;
  } catch (e) {
    throw new HostError({ code: 'internal', message: `The desktop host did not answer: ${(e as Error)?.message ?? String(e)}` });
  }
  if (reply.ok) return reply.value;
  throw new HostError(reply.error);
}

export function createDesktopHost(bridge: CnnStudioBridge): Host {
  const engine: EngineClient = {
    run: (req) => unwrap(bridge.engineRun(req)),
    cancel: async (docId) => void (await unwrap(bridge.engineCancel(docId))),
    fetchTensor: (docId, nodeId) => unwrap(bridge.engineFetchTensor(docId, nodeId)),
    exportOnnx: (doc, seed, token) => unwrap(bridge.engineExportOnnx(doc, seed, token)),
    exportPyTorch: (doc, token) => unwrap(bridge.engineExportPyTorch(doc, token)),
    importOnnx: (bytes, name, inputShape) => unwrap(bridge.engineImportOnnx(bytes, name, inputShape)),
    importOnnxModel: (bytes, name, inputShape) => unwrap(bridge.engineImportOnnxModel(bytes, name, inputShape)),
    attachWeights: (bytes, file) => unwrap(bridge.engineAttachWeights(bytes, file)),
    readWeights: (token) => unwrap(bridge.engineReadWeights(token)),
    inlineWeights: (doc, token) => unwrap(bridge.engineInlineWeights(doc, token)),
    releaseWeights: async (token) => void (await unwrap(bridge.engineReleaseWeights(token))),
    previewData: (data, input) => unwrap(bridge.enginePreviewData(data, input)),
    dataSamples: (data, input, indices) => unwrap(bridge.engineDataSamples(data, input, indices)),
    startTraining: (req) => unwrap(bridge.engineStartTraining(req)),
    controlTraining: async (trainId, action) => void (await unwrap(bridge.engineControlTraining(trainId, action))),
    onEvent: (listener) => bridge.onEngineEvent(listener),
  };
  const files: FileClient = {
    open: (path) => unwrap(bridge.filesOpen(path)),
    openBinary: (filters) => unwrap(bridge.filesOpenBinary(filters)),
    save: (text, path, suggestedName, token) => unwrap(bridge.filesSave(text, path, suggestedName, token)),
    exportBinary: (bytes, suggestedName, filters) => unwrap(bridge.filesExportBinary(bytes, suggestedName, filters)),
    recent: () => unwrap(bridge.filesRecent()),
    writeRecovery: async (text) => void (await unwrap(bridge.filesWriteRecovery(text))),
    readRecovery: () => unwrap(bridge.filesReadRecovery()),
    clearRecovery: async () => void (await unwrap(bridge.filesClearRecovery())),
    chooseDataFolder: () => unwrap(bridge.filesChooseDataFolder()),
  };
  const shell: ShellClient = {
    platform: 'desktop',
    onCommand: (listener) => bridge.onAppCommand(listener),
    setDocumentState: (state) => {
      // Fire and forget: the title bar is cosmetic, and a failure here must not disturb editing.
      void bridge.shellSetDocumentState(state).catch(() => undefined);
    },
    copyText: async (text) => void (await unwrap(bridge.shellCopyText(text))),
  };
  return { engine, files, shell };
}
