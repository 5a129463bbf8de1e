/**
 * The Host the editor talks to: renderer/src/host (preload bridge or browser-mode WebSocket) when it
 * is part of the build, else the plain-browser fallback.
 */
import type { Host } from '../engine';
import { browserHost } from './browser-host';

const transports = import.meta.glob<{ host: Host }>('../host/index.ts', { eager: true });

export const host: Host = Object.values(transports)[0]?.host ?? browserHost;
