/**
 * Preload (sandboxed, bundled to CommonJS by scripts/build.mjs). Exposes exactly one object,
 * `window.cnnStudio`, with one named method per contract call and two subscriptions. ipcRenderer
 * itself never crosses the bridge, and listeners never see the IPC event object.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { AppCommand, EngineEvent } from '../engine/src/core/api';
import { CALL_NAMES, IPC_APP_COMMAND, IPC_ENGINE_EVENT, ipcChannel, type CallName } from './channels';
import { bridgeMethodName, type CnnStudioBridge } from './bridge';

function subscribe<T>(channel: string, listener: (payload: T) => void): () => void {
  if (typeof listener !== 'function') throw new TypeError('listener must be a function');
  const wrapped = (_event: IpcRendererEvent, payload: T) => listener(payload);
  ipcRenderer.on(channel, wrapped);
  return () => {
    ipcRenderer.removeListener(channel, wrapped);
  };
}

function callMethod(name: CallName) {
  const channel = ipcChannel(name);
  return (...args: unknown[]) => ipcRenderer.invoke(channel, args);
}

const methods = Object.fromEntries(CALL_NAMES.map((name) => [bridgeMethodName(name), callMethod(name)]));

const bridge = {
  platform: 'desktop',
  onEngineEvent: (listener: (event: EngineEvent) => void) => subscribe(IPC_ENGINE_EVENT, listener),
  onAppCommand: (listener: (command: AppCommand) => void) => subscribe(IPC_APP_COMMAND, listener),
  ...methods,
} as CnnStudioBridge;

contextBridge.exposeInMainWorld('cnnStudio', bridge);
