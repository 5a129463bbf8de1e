/**
 * What the shell needs of the engine: the EngineClient contract plus a lifecycle. EngineHost
 * (engine/src/runtime/engine-host.ts) implements it; tests use fakes.
 */
import type { EngineClient } from '../engine/src/core/api';

export interface EngineService extends EngineClient {
  /** Start the worker (and load its backend). */
  start(): Promise<void>;
  /** Stop the worker; pending calls reject. */
  stop(): Promise<void>;
}
