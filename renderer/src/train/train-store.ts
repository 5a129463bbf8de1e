/**
 * Training from the editor (the Train tab): the data and its preview, the settings, and the run of
 * the open document — started on a snapshot, followed through the host's train-* events, and, when
 * it ends, merged into the document as one undoable edit "Train" with a run record (merge.ts).
 *
 * Plain TypeScript around a zustand store; nothing here touches the DOM. connectTraining() wires
 * it to an EngineClient (tests give a fake). Progress arrives ~4 times a second, each with every step since the last: the per-step curve
 * and the latest filters are kept outside React state (trainCurves()) and published at most every
 * FLUSH_MS by bumping `tick`, so the panel re-renders a few times a second, never per event.
 */
import { create } from 'zustand';
import type { DataPreview, EngineClient, EngineErrorInfo, EngineEvent, EpochReport, FileClient, TrainData, TrainEvent, TrainOutcome, TrainProgress } from '../../../engine/src/core/api';
import type { ModelDocument, RunRecord } from '../../../engine/src/core/document/schema';
import type { SidecarState } from '../../../engine/src/core/api';
import { TrainConfigSchema, type TrainConfig, type TrainConfigInput } from '../../../engine/src/core/train/config';
import { runRecord } from '../../../engine/src/core/train/run-record';
import { testCount } from '../../../engine/src/core/train/dataset';
import { sameStructure, analysisOf } from '../store/analysis';
import { useDocumentStore } from '../store/document-store';
import { askChoice } from '../store/ui-store';
import { inputParamsOf, mergeTrained, structureKey, type MergeResult } from './merge';
import { t } from '../i18n';
import { zodIssueText as settingIssueText } from '../i18n/error-text';

/**
 * How often, at most, progress, curves and filters reach React (ms) — within the half second the
 * issue asks for. Each flush redraws the Train tab, and on a 2-core machine those redraws take the
 * trainer's CPU: measured (`npm run bench -- train-ui`), an epoch from the Train tab took 1.3–1.5×
 * the CLI's at 200 ms and 1.02× at 450 ms. The run's first report is published at once.
 */
export const FLUSH_MS = 450;

export type TrainStatus = 'idle' | 'starting' | 'running' | 'paused' | 'stopping' | 'done' | 'stopped' | 'failed';

/** One reported step: global step, smoothed loss, the epoch's running accuracy. */
export interface StepPoint {
  step: number;
  loss: number;
  accuracy: number;
}

/** The first convolution's kernels at a step: filters × channels × kh × kw. */
export interface FiltersFrame {
  step: number;
  nodeId: string;
  shape: number[];
  data: Float32Array;
}

export interface PreviewState {
  /** The data and Input it was loaded for. */
  key: string;
  status: 'loading' | 'ready' | 'error';
  data?: DataPreview;
  error?: string;
}

export interface TrainRun {
  /** Counts the runs of this page (tells a late answer from the run it belongs to). */
  serial: number;
  /** Known once startTraining answered. */
  trainId?: string;
  /** The engine's name of the document (events carry it). */
  engineDocId: string;
  status: TrainStatus;
  startedAt: number;
  /** The document as sent: what is being trained. */
  snapshot: ModelDocument;
  config: TrainConfig;
  data: TrainData;
  /** What the engine trains on (its answer to startTraining). */
  dataset?: DataPreview;
  progress?: TrainProgress;
  epochs: EpochReport[];
  filters?: FiltersFrame;
  /** Why it failed, or could not start, in plain words. */
  error?: string;
  /** After the end: what happened to the document. */
  result?: { text: string; applied: number; skipped: MergeResult['skipped']; dropped: MergeResult['dropped'] };
  /** The design was edited (structure, not positions) since the run started. */
  structureChanged: boolean;
  /** The user chose to keep training the old copy (the notice is dismissed). */
  keepOld: boolean;
}

/** The per-step curve and the per-epoch test points (mutable; read them after `tick` changes). */
export interface TrainCurves {
  steps: number[];
  loss: number[];
  accuracy: number[];
  /** Per finished epoch: the global step it ended at, and the test split's (or, without one, training) metrics. */
  epochStep: number[];
  epochLoss: number[];
  epochAccuracy: number[];
  /** The epoch points are test metrics (false: no test split, they are the epoch's training metrics). */
  epochIsTest: boolean;
}

/** Settings as typed: the schema's input, with NaN where a number field does not parse. */
export type SettingsDraft = TrainConfigInput;

export const DEFAULT_SETTINGS: TrainConfig = TrainConfigSchema.parse({});

export interface TrainState {
  data: TrainData;
  preview?: PreviewState;
  /** Shown by the Data section (e.g. folders in browser mode). */
  dataNotice?: string;
  settings: SettingsDraft;
  run?: TrainRun;
  /** Bumps when the curves, progress or filters changed (throttled). */
  tick: number;
  chooseMnist(): void;
  chooseFolder(): Promise<void>;
  /** Load the data preview for the open document's Input (again when `force`). */
  loadPreview(force?: boolean): Promise<void>;
  setSettings(s: SettingsDraft): void;
  start(): Promise<void>;
  pause(): Promise<void>;
  resume(): Promise<void>;
  stop(): Promise<void>;
  /** Dismiss the "you changed the network" notice: the run goes on with its snapshot. */
  keepTraining(): void;
}

export interface TrainDeps {
  engine: EngineClient;
  files?: Pick<FileClient, 'chooseDataFolder'>;
  /** The engine's name of the open document (the live controller's: "doc-3"). */
  engineDocId(): string;
  now?(): number;
}

let deps: TrainDeps | undefined;
let serials = 0;
let curves: TrainCurves = emptyCurves();
/** Events that came before startTraining answered (their trainId is not known yet). */
let early: TrainEvent[] = [];
let flushTimer: ReturnType<typeof setTimeout> | undefined;
let pendingProgress: TrainProgress | undefined;
let pendingFilters: FiltersFrame | undefined;
/** The structure of the snapshot being trained (to notice edits). */
let snapshotKey = '';
/** Train edits that replaced the weights handle: undo/redo across them swaps the handle back. */
let handleSwaps: { before: ModelDocument; after: ModelDocument; prev: SidecarState | undefined; next: SidecarState | undefined }[] = [];

function emptyCurves(): TrainCurves {
  return { steps: [], loss: [], accuracy: [], epochStep: [], epochLoss: [], epochAccuracy: [], epochIsTest: true };
}

/** The live curves (mutated as events arrive; re-read when `tick` changes). */
export function trainCurves(): TrainCurves {
  return curves;
}

const ACTIVE: readonly TrainStatus[] = ['starting', 'running', 'paused', 'stopping'];
export const isActive = (s: TrainStatus | undefined): boolean => s !== undefined && ACTIVE.includes(s);

function need(): TrainDeps {
  if (!deps) throw new Error('Training is not connected to an engine (connectTraining).');
  return deps;
}

const message = (e: unknown): string => (e && typeof e === 'object' && 'message' in e ? String((e as { message: unknown }).message) : String(e));

/** `settings` checked against the schema: the config, or the first problem per field path ("optimizer.momentum"). */
export function validateSettings(settings: SettingsDraft): { config?: TrainConfig; errors: Record<string, string> } {
  const r = TrainConfigSchema.safeParse(settings);
  if (r.success) return { config: r.data, errors: {} };
  const errors: Record<string, string> = {};
  for (const issue of r.error.issues) {
    const path = issue.path.join('.');
    errors[path] ??= issue.code === 'invalid_type' ? t('train.errors.enterNumber') : settingIssueText(issue);
  }
  return { errors };
}

export const useTrainStore = create<TrainState>()((set, get) => {
  const patchRun = (patch: Partial<TrainRun>) => {
    const run = get().run;
    if (run) set({ run: { ...run, ...patch } });
  };

  return {
    data: { kind: 'mnist' },
    settings: { ...DEFAULT_SETTINGS },
    tick: 0,

    chooseMnist() {
      if (get().data.kind === 'mnist') return;
      set({ data: { kind: 'mnist' }, dataNotice: undefined });
      void get().loadPreview();
    },

    async chooseFolder() {
      const files = deps?.files;
      if (!files?.chooseDataFolder) {
        set({ dataNotice: t('train.errors.foldersNeedDesktop') });
        return;
      }
      let path: string | null;
      try {
        path = await files.chooseDataFolder();
      } catch (e) {
        set({ dataNotice: message(e) });
        return;
      }
      if (!path) return;
      set({ data: { kind: 'folder', path }, dataNotice: undefined });
      await get().loadPreview();
    },

    async loadPreview(force = false) {
      const { engine } = need();
      const input = inputParamsOf(useDocumentStore.getState().doc);
      const { data, preview } = get();
      const key = JSON.stringify([data, input ?? null]);
      if (!force && preview?.key === key && preview.status !== 'error') return;
      if (!input) return set({ preview: { key, status: 'error', error: t('train.errors.needInput') } });
      if (!engine.previewData) return set({ preview: { key, status: 'error', error: t('train.errors.noData') } });
      // Keep showing the previous data while the new look loads (no flicker when the Input changes).
      set({ preview: { key, status: 'loading', data: preview?.data } });
      try {
        const p = await engine.previewData(data, input);
        if (get().preview?.key === key) set({ preview: { key, status: 'ready', data: p } });
      } catch (e) {
        if (get().preview?.key === key) set({ preview: { key, status: 'error', error: message(e) } });
      }
    },

    setSettings(settings) {
      set({ settings });
    },

    async start() {
      const d = need();
      if (isActive(get().run?.status)) return;
      const { config, errors } = validateSettings(get().settings);
      const { doc, weights } = useDocumentStore.getState();
      const base = { serial: ++serials, engineDocId: d.engineDocId(), startedAt: (d.now ?? Date.now)(), snapshot: doc, data: get().data, epochs: [], structureChanged: false, keepOld: false };
      if (!config) {
        const first = Object.entries(errors)[0];
        set({ run: { ...base, config: DEFAULT_SETTINGS, status: 'failed', error: t('train.errors.checkSettings', { what: first ? `${first[0]} — ${first[1]}` : t('train.errors.aValue') }) } });
        return;
      }
      if (!d.engine.startTraining) {
        set({ run: { ...base, config, status: 'failed', error: t('train.errors.cannotTrain') } });
        return;
      }
      resetLive();
      snapshotKey = structureKey(doc);
      const run: TrainRun = { ...base, config, status: 'starting' };
      set({ run, tick: get().tick + 1 });
      const weightsToken = weights?.state === 'loaded' ? weights.token : undefined;
      try {
        const started = await d.engine.startTraining({ docId: run.engineDocId, document: doc, ...(weightsToken ? { weightsToken } : {}), data: run.data, config });
        const current = get().run;
        if (current?.serial !== run.serial || !isActive(current.status)) {
          // Another document was opened meanwhile: this run has nowhere to go.
          void control(started.trainId, 'stop');
          return;
        }
        set({ run: { ...current, trainId: started.trainId, dataset: started.data, status: current.status === 'starting' ? 'running' : current.status } });
        const preview = get().preview;
        if (preview && preview.key === JSON.stringify([run.data, inputParamsOf(doc) ?? null])) set({ preview: { ...preview, status: 'ready', data: started.data } });
        const queued = early;
        early = [];
        for (const e of queued) if (e.trainId === started.trainId) handleEvent(e);
        // A stop asked for while starting.
        if (get().run?.status === 'stopping') void control(started.trainId, 'stop');
      } catch (e) {
        early = [];
        if (get().run?.serial !== run.serial) return;
        const why = message(e);
        patchRun({ status: 'failed', error: t('train.errors.couldNotStart', { why: `${why.charAt(0).toUpperCase()}${why.slice(1)}` }) });
      }
    },

    async pause() {
      const run = get().run;
      if (!run?.trainId || run.status !== 'running') return;
      patchRun({ status: 'paused' });
      await control(run.trainId, 'pause');
    },

    async resume() {
      const run = get().run;
      if (!run?.trainId || run.status !== 'paused') return;
      patchRun({ status: 'running' });
      await control(run.trainId, 'resume');
    },

    async stop() {
      const run = get().run;
      if (!run || !isActive(run.status) || run.status === 'stopping') return;
      patchRun({ status: 'stopping', keepOld: true });
      if (run.trainId) await control(run.trainId, 'stop');
    },

    keepTraining() {
      patchRun({ keepOld: true });
    },
  };
});

async function control(trainId: string, action: 'pause' | 'resume' | 'stop'): Promise<void> {
  try {
    await need().engine.controlTraining?.(trainId, action);
  } catch {
    // The run ended meanwhile: its train-done or train-failed says how.
  }
}

function resetLive(): void {
  curves = emptyCurves();
  early = [];
  pendingProgress = undefined;
  pendingFilters = undefined;
  if (flushTimer !== undefined) clearTimeout(flushTimer);
  flushTimer = undefined;
}

/** Publish what came since the last flush (progress, filters, curve points) to React. */
export function flushTraining(): void {
  if (flushTimer !== undefined) clearTimeout(flushTimer);
  flushTimer = undefined;
  const s = useTrainStore.getState();
  const run = s.run;
  if (!run) return;
  const patch: Partial<TrainRun> = {};
  if (pendingProgress) patch.progress = pendingProgress;
  if (pendingFilters) patch.filters = pendingFilters;
  pendingProgress = undefined;
  pendingFilters = undefined;
  useTrainStore.setState({ run: { ...run, ...patch }, tick: s.tick + 1 });
}

function scheduleFlush(): void {
  if (flushTimer === undefined) flushTimer = setTimeout(flushTraining, FLUSH_MS);
}

const isTrainEvent = (e: EngineEvent): e is TrainEvent => e.type.startsWith('train-') && 'trainId' in e;

function onEngineEvent(e: EngineEvent): void {
  if (!isTrainEvent(e)) return;
  const run = useTrainStore.getState().run;
  if (!run || e.docId !== run.engineDocId) return;
  if (!run.trainId) {
    if ((run.status === 'starting' || run.status === 'stopping') && early.length < 2000) early.push(e);
    return;
  }
  if (e.trainId !== run.trainId) return;
  handleEvent(e);
}

function handleEvent(e: TrainEvent): void {
  const run = useTrainStore.getState().run;
  if (!run || !isActive(run.status)) return;
  switch (e.type) {
    case 'train-progress': {
      const p = e.progress;
      // Every step since the last report (older engines sent one point per report).
      for (const s of p.steps ?? [{ globalStep: p.globalStep, smoothLoss: p.smoothLoss, accuracy: p.accuracy }]) {
        curves.steps.push(s.globalStep);
        curves.loss.push(s.smoothLoss);
        curves.accuracy.push(s.accuracy);
      }
      pendingProgress = p;
      if (run.progress === undefined) flushTraining(); // the first point shows at once
      else scheduleFlush();
      return;
    }
    case 'train-filters':
      pendingFilters = { step: e.step, nodeId: e.nodeId, shape: e.shape, data: e.data };
      scheduleFlush();
      return;
    case 'train-epoch': {
      const r = e.report;
      const perEpoch = (pendingProgress ?? run.progress)?.stepsPerEpoch;
      curves.epochStep.push(perEpoch ? r.epoch * perEpoch : (curves.steps.at(-1) ?? r.epoch));
      curves.epochIsTest = r.test !== null;
      curves.epochLoss.push((r.test ?? r.train).loss);
      curves.epochAccuracy.push((r.test ?? r.train).accuracy);
      useTrainStore.setState({ run: { ...run, epochs: [...run.epochs, r] } });
      flushTraining();
      return;
    }
    case 'train-state':
      if (run.status !== 'stopping') useTrainStore.setState({ run: { ...run, status: e.state } });
      return;
    case 'train-done':
      flushTraining();
      finish(e.outcome);
      return;
    case 'train-failed':
      flushTraining();
      fail(e.error);
      return;
  }
}

function datasetOf(run: TrainRun, outcome?: TrainOutcome): { name: string; classes: number; trainSamples: number; testSamples: number } {
  const summary = run.dataset?.summary;
  const name = run.data.kind === 'mnist' ? 'mnist' : (summary?.name ?? run.data.path);
  const training = outcome?.document?.training;
  if (training) return { name, classes: summary?.classes.length ?? outcome?.document?.labels?.length ?? 0, trainSamples: training.trainSamples, testSamples: training.testSamples };
  const count = summary?.count ?? 0;
  const test = testCount(count, run.config.testSplit);
  return { name, classes: summary?.classes.length ?? 0, trainSamples: count - test, testSamples: test };
}

function recordOf(run: TrainRun, status: 'done' | 'stopped' | 'failed', doc: ModelDocument, outcome?: TrainOutcome): RunRecord {
  const epochs = outcome?.history ?? run.epochs;
  const last = epochs.at(-1);
  const steps = curves.steps.map((step, i) => ({ step, loss: curves.loss[i], accuracy: curves.accuracy[i] })).filter((p) => Number.isFinite(p.loss) && Number.isFinite(p.accuracy));
  const n = (doc.runs?.length ?? 0) + 1;
  return runRecord({
    id: globalThis.crypto?.randomUUID?.() ?? `run-${run.startedAt}-${n}`,
    name: `${run.snapshot.name || 'untitled'} #${n}`,
    startedAt: new Date(run.startedAt),
    status,
    design: run.snapshot,
    analysis: analysisOf(run.snapshot),
    dataset: datasetOf(run, outcome),
    settings: run.config,
    steps,
    epochs,
    stepsPerEpoch: run.progress?.stepsPerEpoch ?? 0,
    final: outcome ? { train: outcome.train, test: outcome.test } : { train: last?.train ?? null, test: last?.test ?? null },
    timeMs: outcome?.timeMs ?? run.progress?.elapsedMs ?? (deps?.now ?? Date.now)() - run.startedAt,
  });
}

function appendRun(doc: ModelDocument, record: RunRecord): ModelDocument {
  return { ...doc, runs: [...(doc.runs ?? []), record].slice(-1000) };
}

const list = (xs: { name: string; reason: string }[]) => xs.map((x) => `${x.name} (${x.reason})`).join(', ');

function finish(outcome: TrainOutcome): void {
  const store = useTrainStore.getState();
  const run = store.run!;
  const docs = useDocumentStore.getState();
  const epochsText = t('train.result.epochs', { count: outcome.epochs });
  const acc = outcome.test ?? outcome.train;
  const accText = acc ? t(outcome.test ? 'train.result.testAcc' : 'train.result.trainAcc', { acc: (acc.accuracy * 100).toFixed(1) }) : '';
  if (!outcome.document) {
    docs.edit('Train', (d) => appendRun(d, recordOf(run, 'stopped', d, outcome)));
    useTrainStore.setState({ run: { ...run, status: outcome.status, result: { text: t('train.result.stoppedEarly'), applied: 0, skipped: [], dropped: [] } } });
    return;
  }
  const trained = outcome.document;
  const newSidecar = !!outcome.weights && !!trained.weightsFile;
  const before = docs.doc;
  let merge: MergeResult | undefined;
  docs.edit('Train', (d) => {
    merge = mergeTrained(d, trained, analysisOf(d), newSidecar);
    return appendRun(merge.doc, recordOf(run, outcome.status, d, outcome));
  });
  const m = merge!;
  const after = useDocumentStore.getState().doc;
  const prev = docs.weights;
  let next: SidecarState | undefined = prev;
  if (m.sidecar === 'new' && outcome.weights) next = { state: 'loaded', ...outcome.weights };
  else if (m.sidecar === 'none') next = undefined;
  if (next !== prev) {
    useDocumentStore.getState().setWeights(next);
    handleSwaps = [...handleSwaps, { before, after, prev, next }].slice(-20);
  }
  const parts = [t(outcome.status === 'done' ? 'train.result.trained' : 'train.result.stoppedAfter', { epochs: epochsText, acc: accText, count: m.applied.length })];
  if (m.skipped.length) parts.push(t('train.result.skipped', { list: list(m.skipped) }));
  if (m.dropped.length) parts.push(t('train.result.dropped', { list: list(m.dropped) }));
  useTrainStore.setState({ run: { ...run, status: outcome.status, result: { text: parts.join(' '), applied: m.applied.length, skipped: m.skipped, dropped: m.dropped } } });
}

function fail(error: EngineErrorInfo): void {
  const run = useTrainStore.getState().run!;
  let text = error.message || t('train.errors.failed');
  if (!/previous weights|weights it had/i.test(text)) text += t('train.errors.keepsWeights');
  useDocumentStore.getState().edit('Train', (d) => appendRun(d, recordOf(run, 'failed', d)));
  useTrainStore.setState({ run: { ...run, status: 'failed', error: text } });
}

/** The document store changed: notice structure edits during a run, swap weight handles across undo/redo of a Train edit, and let go of a run when another document is opened. */
function onDocumentChange(s: ReturnType<typeof useDocumentStore.getState>, prev: ReturnType<typeof useDocumentStore.getState>): void {
  if (s.docId !== prev.docId) {
    handleSwaps = [];
    const run = useTrainStore.getState().run;
    if (run && isActive(run.status)) {
      if (run.trainId) void control(run.trainId, 'stop');
      resetLive();
      useTrainStore.setState({ run: { ...run, trainId: undefined, status: 'stopped', error: t('train.errors.otherDocument') } });
    }
    return;
  }
  if (s.doc === prev.doc) return;
  for (const w of handleSwaps) {
    if (prev.doc === w.after && s.doc === w.before) s.setWeights(w.prev);
    else if (prev.doc === w.before && s.doc === w.after) s.setWeights(w.next);
  }
  const run = useTrainStore.getState().run;
  if (!run || !isActive(run.status) || sameStructure(prev.doc, s.doc)) return;
  const changed = structureKey(s.doc) !== snapshotKey;
  if (changed !== run.structureChanged) useTrainStore.setState({ run: { ...run, structureChanged: changed } });
}

let allowNextEdit = false;
let asking = false;

/**
 * Edits pass through here first: one that changes the network being trained waits while the user
 * chooses — stop training and edit, keep training the copy it started with and edit, or cancel.
 * Moving or renaming nodes passes at once; so does everything once the user chose to keep the copy.
 */
function guardEdit(prev: ModelDocument, next: ModelDocument, label: string): boolean {
  if (allowNextEdit) {
    allowNextEdit = false;
    return true;
  }
  const run = useTrainStore.getState().run;
  if (!run || !isActive(run.status) || run.status === 'stopping' || run.keepOld || structureKey(next) === structureKey(prev)) return true;
  if (asking) return false;
  asking = true;
  void askChoice(
    t('train.guard.title'),
    t('train.guard.text', { label }),
    t('train.guard.stop'),
    t('train.keepOld'),
  ).then((choice) => {
    asking = false;
    if (choice === 'cancel') return;
    if (choice === 'ok') void useTrainStore.getState().stop();
    else useTrainStore.getState().keepTraining();
    if (useDocumentStore.getState().doc !== prev) return; // the document moved on meanwhile: that edit no longer applies
    allowNextEdit = true;
    useDocumentStore.getState().edit(label, () => next);
    allowNextEdit = false;
  });
  return false;
}

/** Wire the store to an engine (once per page; again replaces the previous wiring). Returns the disconnect. */
export function connectTraining(d: TrainDeps): () => void {
  disconnect?.();
  deps = d;
  const unsubEngine = d.engine.onEvent(onEngineEvent);
  const unsubDoc = useDocumentStore.subscribe(onDocumentChange);
  useDocumentStore.getState().setEditGuard(guardEdit);
  const off = () => {
    useDocumentStore.getState().setEditGuard(undefined);
    unsubEngine();
    unsubDoc();
    resetLive();
    if (deps === d) deps = undefined;
    if (disconnect === off) disconnect = undefined;
  };
  disconnect = off;
  return off;
}
let disconnect: (() => void) | undefined;

export function isTrainingConnected(): boolean {
  return deps !== undefined;
}
