/**
 * The one object the preload script exposes to the renderer as `window.cnnStudio`: named methods
 * only, one per contract call, plus two subscriptions. No ipcRenderer, no generic send/invoke —
 * the renderer cannot reach any channel not listed here. Calls resolve to a Reply (never reject),
 * so typed errors survive the IPC boundary; renderer/src/host/preload-client.ts unwraps them.
 */
import type { AppCommand, EngineEvent } from '../engine/src/core/api';
import type { CallArgs, CallName, CallResult, Reply } from './contract';

/** Method name on the bridge for a contract call: 'engine.run' → 'engineRun'. */
export type BridgeMethodName<K extends CallName> = K extends `${infer A}.${infer B}` ? `${A}${Capitalize<B>}` : never;

export function bridgeMethodName<K extends CallName>(name: K): BridgeMethodName<K> {
  const [a, b] = name.split('.') as [string, string];
  return (a + b[0]!.toUpperCase() + b.slice(1)) as BridgeMethodName<K>;
}

export type CnnStudioBridge = {
  readonly platform: 'desktop';
  /** Subscribe to engine events (worker restarted, run states); returns an unsubscribe function. */
  onEngineEvent(listener: (event: EngineEvent) => void): () => void;
  /** Subscribe to native menu commands and file-open requests; returns an unsubscribe function. */
  onAppCommand(listener: (command: AppCommand) => void): () => void;
} & { readonly [K in CallName as BridgeMethodName<K>]: (...args: CallArgs<K>) => Promise<Reply<CallResult<K>>> };
