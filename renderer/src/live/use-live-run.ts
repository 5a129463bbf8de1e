/**
 * React binding of LiveRunController: `const live = useLiveRun(engine, docId, inputs)` gives the
 * run state and latest result, plus runNow/cancel. One controller per (engine, docId).
 */
import { useEffect, useMemo, useSyncExternalStore } from 'react';
import type { EngineClient } from '../../../engine/src/core/api';
import { LiveRunController, type LiveRunInputs, type LiveRunOptions, type LiveRunSnapshot } from './live-run-controller';
import { t } from '../i18n';

export { LiveRunController, changesComputation } from './live-run-controller';
export type { LiveRunInputs, LiveRunSnapshot, LiveRunStatus, LiveRunOptions } from './live-run-controller';

export interface LiveRun extends LiveRunSnapshot {
  runNow(): void;
  cancel(): Promise<void>;
  controller: LiveRunController;
}

export function useLiveRun(engine: EngineClient, docId: string, inputs: LiveRunInputs, options?: LiveRunOptions): LiveRun {
  // eslint-disable-next-line react-hooks/exhaustive-deps -- options are read once per controller
  const controller = useMemo(() => new LiveRunController(engine, docId, options), [engine, docId]);
  useEffect(() => () => controller.dispose(), [controller]);
  useEffect(() => {
    controller.setInputs(inputs);
  }, [controller, inputs.document, inputs.input, inputs.seed, inputs.autoRun]);
  const snapshot = useSyncExternalStore(controller.subscribe, controller.getSnapshot);
  return useMemo(
    () => ({ ...snapshot, runNow: () => controller.runNow(), cancel: () => controller.cancel(), controller }),
    [snapshot, controller],
  );
}

/** "done in 42 ms", "failed: …" — the one-line state the Run panel shows. */
export function describeStatus(s: LiveRunSnapshot['status']): string {
  switch (s.kind) {
    case 'idle':
      return s.reason;
    case 'queued':
      return t('live.status.queued');
    case 'running':
      return t('live.status.running');
    case 'done':
      return t('live.status.done', { total: Math.round(s.totalMs), engine: Math.round(s.workerMs) }) + (s.skipped ? t('live.status.skipped', { count: s.skipped }) : '');
    case 'failed':
      return t('live.status.failed', { message: s.message });
    case 'cancelled':
      return t('live.status.cancelled');
  }
}
