import type { EngineErrorCode, EngineErrorInfo } from '../core/api';
import type { Diagnostic } from '../core/diagnostics';

/** What EngineHost rejects with: an Error carrying the typed EngineErrorInfo fields (code, message, diagnostics). */
export class EngineError extends Error implements EngineErrorInfo {
  constructor(
    readonly code: EngineErrorCode,
    message: string,
    readonly diagnostics?: Diagnostic[],
  ) {
    super(message);
    this.name = 'EngineError';
  }

  /** The plain form, for postMessage and the IPC/WebSocket transports. */
  toInfo(): EngineErrorInfo {
    return { code: this.code, message: this.message, ...(this.diagnostics ? { diagnostics: this.diagnostics } : {}) };
  }

  static from(info: EngineErrorInfo): EngineError {
    return new EngineError(info.code, info.message, info.diagnostics);
  }
}
