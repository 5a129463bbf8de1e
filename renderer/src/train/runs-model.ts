/**
 * The Runs view's logic without React: which runs the chart shows, their colours, the cells of the
 * table, the curves to overlay, the outcome of two runs side by side, and the document edits that
 * rename and delete runs (each applied through the document store's `edit`, so undoable).
 */
import { formatBytes, formatCount, formatMetric, type ModelDocument } from '../engine';
import type { RunRecord } from '../../../engine/src/core/document/schema';
import { language, t } from '../i18n';

// ── Edits of doc.runs ─────────────────────────────────────────────────────────────────────────

export function runsOf(doc: ModelDocument): readonly RunRecord[] {
  return doc.runs ?? [];
}

function withRuns(doc: ModelDocument, runs: RunRecord[]): ModelDocument {
  if (runs.length) return { ...doc, runs };
  const { runs: _gone, ...rest } = doc;
  return rest;
}

/** Rename a run; a blank name or the same name changes nothing (the same document comes back). */
export function renameRun(doc: ModelDocument, id: string, name: string): ModelDocument {
  const next = name.trim().slice(0, 200);
  const runs = runsOf(doc);
  const run = runs.find((r) => r.id === id);
  if (!run || !next || run.name === next) return doc;
  return withRuns(doc, runs.map((r) => (r.id === id ? { ...r, name: next } : r)));
}

/** Delete a run (the `runs` field goes when the last one does). */
export function deleteRun(doc: ModelDocument, id: string): ModelDocument {
  const runs = runsOf(doc);
  if (!runs.some((r) => r.id === id)) return doc;
  return withRuns(doc, runs.filter((r) => r.id !== id));
}

// ── Choice and colour ─────────────────────────────────────────────────────────────────────────

/** Runs shown in the chart unless the user says otherwise: the latest few. */
export const DEFAULT_CHOSEN = 4;

/**
 * Whether the run at `index` (of `count`, oldest first) is in the chart: the user's tick when they
 * gave one, else whether it is one of the latest DEFAULT_CHOSEN (so a new run shows up by itself).
 */
export function isChosen(id: string, index: number, count: number, overrides: ReadonlyMap<string, boolean>): boolean {
  return overrides.get(id) ?? index >= count - DEFAULT_CHOSEN;
}

export function chosenRuns(runs: readonly RunRecord[], overrides: ReadonlyMap<string, boolean>): RunRecord[] {
  return runs.filter((r, i) => isChosen(r.id, i, runs.length, overrides));
}

/**
 * Line colours readable on the light and the dark panel alike (mid lightness, distinct hues;
 * no yellow, which vanishes on white). A run keeps its colour: it follows its place in the list.
 */
export const RUN_COLOURS = ['#3b82f6', '#f97316', '#10b981', '#e11d48', '#a855f7', '#0891b2', '#ca8a04', '#db2777'] as const;

export function runColour(index: number): string {
  return RUN_COLOURS[((index % RUN_COLOURS.length) + RUN_COLOURS.length) % RUN_COLOURS.length];
}

/**
 * The two runs "What differs" compares, older first: the last two chosen when two or more are,
 * else the last two of the document; undefined with fewer than two runs.
 */
export function defaultPair(runs: readonly RunRecord[], overrides: ReadonlyMap<string, boolean>): [string, string] | undefined {
  if (runs.length < 2) return undefined;
  const chosen = chosenRuns(runs, overrides);
  const from = chosen.length >= 2 ? chosen : runs;
  return [from[from.length - 2].id, from[from.length - 1].id];
}

/** The pair to compare: the user's picks while both runs still exist, else the default. */
export function resolvePair(runs: readonly RunRecord[], picked: readonly [string | undefined, string | undefined], overrides: ReadonlyMap<string, boolean>): [string, string] | undefined {
  const fallback = defaultPair(runs, overrides);
  if (!fallback) return undefined;
  const has = (id: string | undefined): id is string => id !== undefined && runs.some((r) => r.id === id);
  return [has(picked[0]) ? picked[0] : fallback[0], has(picked[1]) ? picked[1] : fallback[1]];
}

// ── Cells ─────────────────────────────────────────────────────────────────────────────────────

/** 0.98123 → "98.12%" */
export function formatPercent(x: number): string {
  return `${(x * 100).toFixed(2)}%`;
}

/** 850 → "850 ms", 12_300 → "12.3 s", 245_000 → "4 min 05 s", 3_720_000 → "1 h 02 min". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return t('time.s', { s: s < 10 ? s.toFixed(2) : s.toFixed(1) });
  const total = Math.round(s);
  if (total < 3600) return t('time.ms', { m: Math.floor(total / 60), s: String(total % 60).padStart(2, '0') });
  const minutes = Math.round(total / 60);
  return t('time.hm', { h: Math.floor(minutes / 60), m: String(minutes % 60).padStart(2, '0') });
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Local time, short: "12 Mar 14:05", with the year when it is not `now`'s. */
export function formatRunDate(iso: string, now = new Date()): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const time = `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
  const sameYear = d.getFullYear() === now.getFullYear();
  if (language() === 'ko') return `${sameYear ? '' : `${d.getFullYear()}년 `}${d.getMonth() + 1}월 ${d.getDate()}일 ${time}`;
  const year = sameYear ? '' : ` ${d.getFullYear()}`;
  return `${d.getDate()} ${MONTHS[d.getMonth()]}${year} ${time}`;
}

const OPTIMIZER_NAMES: Record<string, string> = { adam: 'Adam', adamw: 'AdamW', sgd: 'SGD' };

/** "Adam · lr 0.001 · batch 64" (SGD shows its momentum when it has one). */
export function optimizerSummary(settings: Record<string, unknown>): string {
  const opt = (settings.optimizer ?? {}) as { kind?: string; momentum?: number };
  const kind = opt.kind ?? 'adam';
  let name = OPTIMIZER_NAMES[kind] ?? kind;
  if (kind === 'sgd' && typeof opt.momentum === 'number' && opt.momentum > 0) name += ` m${opt.momentum}`;
  const parts = [name];
  if (typeof settings.lr === 'number') parts.push(t('runs.lr', { lr: Number(settings.lr.toPrecision(4)) }));
  if (typeof settings.batch === 'number') parts.push(t('runs.batch', { batch: settings.batch }));
  return parts.join(' · ');
}

/** The run's final accuracy: on the test split, or on the training data when it had none. */
export function finalAccuracy(run: RunRecord): { value: number; on: 'test' | 'train' } | undefined {
  if (run.final.test) return { value: run.final.test.accuracy, on: 'test' };
  const last = run.epochs[run.epochs.length - 1];
  if (last?.test) return { value: last.test.accuracy, on: 'test' };
  if (run.final.train) return { value: run.final.train.accuracy, on: 'train' };
  if (last) return { value: last.train.accuracy, on: 'train' };
  return undefined;
}

/** Mean time of the finished epochs (undefined before the first one). */
export function timePerEpoch(run: RunRecord): number | undefined {
  if (!run.epochs.length) return undefined;
  return run.epochs.reduce((s, e) => s + e.timeMs, 0) / run.epochs.length;
}

/** "3" or "3/5" when the run ended before its planned epochs. */
export function epochsCell(run: RunRecord): string {
  const planned = typeof run.settings.epochs === 'number' ? run.settings.epochs : undefined;
  const done = run.epochs.length;
  return planned !== undefined && planned !== done ? `${done}/${planned}` : String(done);
}

export interface RunRow {
  id: string;
  name: string;
  colour: string;
  chosen: boolean;
  date: string;
  status: string;
  dataset: string;
  datasetTitle: string;
  params: string;
  macs: string;
  macsTitle: string;
  activations: string;
  optimizer: string;
  epochs: string;
  accuracy: string;
  accuracyOn?: 'test' | 'train';
  perEpoch: string;
  total: string;
}

/** The table's cells for each run, formatted as the status bar and the summary format them. */
export function runRows(runs: readonly RunRecord[], overrides: ReadonlyMap<string, boolean>, now = new Date()): RunRow[] {
  return runs.map((r, i) => {
    const acc = finalAccuracy(r);
    const per = timePerEpoch(r);
    return {
      id: r.id,
      name: r.name,
      colour: runColour(i),
      chosen: isChosen(r.id, i, runs.length, overrides),
      date: formatRunDate(r.startedAt, now),
      status: r.status,
      dataset: t('runs.datasetCell', { name: r.dataset.name, n: r.dataset.classes }),
      datasetTitle: t('runs.datasetTitle', { train: formatCount(r.dataset.trainSamples), test: formatCount(r.dataset.testSamples) }),
      params: formatCount(r.params),
      macs: formatMetric(r.macs),
      macsTitle: t('runs.macsTitle', { n: formatCount(r.macs) }),
      activations: formatBytes(r.activationBytes),
      optimizer: optimizerSummary(r.settings),
      epochs: epochsCell(r),
      accuracy: acc ? formatPercent(acc.value) : '—',
      accuracyOn: acc?.on,
      perEpoch: per === undefined ? '—' : formatDuration(per),
      total: formatDuration(r.timeMs),
    };
  });
}

// ── Outcome of two runs ───────────────────────────────────────────────────────────────────────

export interface OutcomeRow {
  label: string;
  a: string;
  b: string;
  /** "−28%", "+0.31 pt", "" when equal or unknown. */
  change: string;
  /** Whether b is better than a on this line (undefined: neither, or no judgement). */
  better?: boolean;
}

function relative(a: number, b: number): string {
  if (a === b) return '';
  if (a === 0) return t('runs.new');
  const pct = ((b - a) / a) * 100;
  const digits = Math.abs(pct) < 10 ? 1 : 0;
  return `${pct > 0 ? '+' : '−'}${Math.abs(pct).toFixed(digits)}%`;
}

/** Costs and results of run b against run a: params, MACs, activation memory, accuracy, time. */
export function compareOutcome(a: RunRecord, b: RunRecord): OutcomeRow[] {
  const rows: OutcomeRow[] = [
    { label: 'Parameters', a: formatCount(a.params), b: formatCount(b.params), change: relative(a.params, b.params), better: a.params === b.params ? undefined : b.params < a.params },
    { label: 'Multiply-adds', a: formatMetric(a.macs), b: formatMetric(b.macs), change: relative(a.macs, b.macs), better: a.macs === b.macs ? undefined : b.macs < a.macs },
    { label: 'Activation memory', a: formatBytes(a.activationBytes), b: formatBytes(b.activationBytes), change: relative(a.activationBytes, b.activationBytes), better: a.activationBytes === b.activationBytes ? undefined : b.activationBytes < a.activationBytes },
  ];
  const accA = finalAccuracy(a);
  const accB = finalAccuracy(b);
  const sameSplit = accA && accB && accA.on === accB.on;
  const pts = sameSplit ? (accB.value - accA.value) * 100 : 0;
  rows.push({
    label: sameSplit ? `Accuracy (${accA.on})` : 'Accuracy',
    a: accA ? `${formatPercent(accA.value)}${sameSplit ? '' : t(`runs.split.${accA.on}`)}` : '—',
    b: accB ? `${formatPercent(accB.value)}${sameSplit ? '' : t(`runs.split.${accB.on}`)}` : '—',
    change: sameSplit && Math.abs(pts) >= 0.005 ? t('runs.points', { change: `${pts > 0 ? '+' : '−'}${Math.abs(pts).toFixed(2)}` }) : '',
    better: sameSplit && Math.abs(pts) >= 0.005 ? pts > 0 : undefined,
  });
  const ta = timePerEpoch(a);
  const tb = timePerEpoch(b);
  rows.push({
    label: 'Time per epoch',
    a: ta === undefined ? '—' : formatDuration(ta),
    b: tb === undefined ? '—' : formatDuration(tb),
    change: ta !== undefined && tb !== undefined ? relative(Math.round(ta), Math.round(tb)) : '',
    better: ta !== undefined && tb !== undefined && Math.round(ta) !== Math.round(tb) ? tb < ta : undefined,
  });
  return rows;
}

// ── Chart ─────────────────────────────────────────────────────────────────────────────────────

export type ChartMode = 'loss' | 'accuracy';

export interface ChartSeries {
  id: string;
  label: string;
  colour: string;
  /** Dashed: accuracy on the training data (the run had no test split). */
  dashed: boolean;
}

/** Aligned columns as uPlot takes them: x, then one column per series (null where a run has no point). */
export interface ChartData {
  xs: number[];
  ys: (number | null)[][];
  series: ChartSeries[];
}

/** Joins per-series (x, y) points on the union of their x values. */
export function alignSeries(points: { x: number; y: number }[][]): { xs: number[]; ys: (number | null)[][] } {
  const xs = [...new Set(points.flatMap((p) => p.map((q) => q.x)))].sort((a, b) => a - b);
  const at = new Map(xs.map((x, i) => [x, i]));
  const ys = points.map((p) => {
    const col: (number | null)[] = new Array(xs.length).fill(null);
    for (const q of p) col[at.get(q.x)!] = q.y;
    return col;
  });
  return { xs, ys };
}

/**
 * The curves of the chosen runs on one epoch axis: "loss" is the smoothed training loss at
 * step / stepsPerEpoch; "accuracy" is the test accuracy at the end of each epoch, in percent (the
 * training accuracy, dashed, for a run without a test split).
 */
export function chartData(runs: readonly RunRecord[], overrides: ReadonlyMap<string, boolean>, mode: ChartMode): ChartData {
  const series: ChartSeries[] = [];
  const points: { x: number; y: number }[][] = [];
  runs.forEach((r, i) => {
    if (!isChosen(r.id, i, runs.length, overrides)) return;
    if (mode === 'loss') {
      const per = r.stepsPerEpoch > 0 ? r.stepsPerEpoch : 1;
      const pts = r.curve.step.map((s, k) => ({ x: s / per, y: r.curve.loss[k] })).filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
      series.push({ id: r.id, label: r.name, colour: runColour(i), dashed: false });
      points.push(pts);
    } else {
      const onTest = r.epochs.some((e) => e.test);
      const pts = r.epochs.flatMap((e) => {
        const m = onTest ? e.test : e.train;
        return m ? [{ x: e.epoch, y: m.accuracy * 100 }] : [];
      });
      series.push({ id: r.id, label: onTest ? r.name : `${r.name}${t('runs.split.train')}`, colour: runColour(i), dashed: !onTest });
      points.push(pts);
    }
  });
  return { ...alignSeries(points), series };
}
