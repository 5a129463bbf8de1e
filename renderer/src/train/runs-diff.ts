/**
 * What differs between two training runs of a document: the design (layers added, removed or
 * replaced, parameters changed, connections rewired), the training settings and the data. Pure, so
 * "does the 1×1 reduction cost accuracy?" gets the same answer in the Runs view and in tests.
 *
 * Layers are matched by node id (a document keeps its ids across edits). Parameters are compared
 * with the op's defaults filled in, so `{ kernel: 5 }` and `{ kernel: 5, stride: 1 }` are the same.
 */
import { formatCount, ops, type ModelDocument } from '../engine';
import type { RunRecord } from '../../../engine/src/core/document/schema';
import { language, t } from '../i18n';
import { opTitle, optionLabel, paramName, summaryText } from '../i18n/engine-text';

export type RunDesign = RunRecord['design'];
type DesignNode = RunDesign['nodes'][number];
type DesignEdge = RunDesign['edges'][number];

/** A value that differs: `from` in the first run, `to` in the second (undefined: absent). */
export interface ValueChange {
  /** Dotted path: "filters", "optimizer.kind", "augment.flip". */
  key: string;
  from: unknown;
  to: unknown;
}

export type DesignChange =
  | { kind: 'added'; id: string; name: string; type: string; summary: string; after: string[] }
  | { kind: 'removed'; id: string; name: string; type: string; summary: string; after: string[] }
  | { kind: 'replaced'; id: string; name: string; fromType: string; toType: string }
  | { kind: 'params'; id: string; name: string; type: string; changes: ValueChange[] }
  | { kind: 'connection-added' | 'connection-removed'; source: string; target: string };

export interface RunDiff {
  design: DesignChange[];
  settings: ValueChange[];
  dataset: ValueChange[];
}

type Design = Pick<RunDesign, 'nodes' | 'edges'> | Pick<ModelDocument, 'nodes' | 'edges'>;

// ── Values ────────────────────────────────────────────────────────────────────────────────────

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Nested objects become dotted keys; arrays and scalars are leaves. */
export function flatten(value: Record<string, unknown>, prefix = ''): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [k, v] of Object.entries(value)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (isPlainObject(v)) for (const [kk, vv] of flatten(v, key)) out.set(kk, vv);
    else if (v !== undefined) out.set(key, v);
  }
  return out;
}

/** JSON with object keys sorted, so key order does not make two values differ. */
function stable(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stable).join(',')}]`;
  if (isPlainObject(v)) return `{${Object.keys(v).filter((k) => v[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${stable(v[k])}`).join(',')}}`;
  return JSON.stringify(v) ?? 'undefined';
}

const same = (a: unknown, b: unknown) => stable(a) === stable(b);

/** The keys whose values differ, in the order they first appear (a's keys, then b's new ones). */
export function valueChanges(a: Record<string, unknown>, b: Record<string, unknown>): ValueChange[] {
  const fa = flatten(a);
  const fb = flatten(b);
  const keys = [...fa.keys(), ...[...fb.keys()].filter((k) => !fa.has(k))];
  return keys.filter((k) => !same(fa.get(k), fb.get(k))).map((k) => ({ key: k, from: fa.get(k), to: fb.get(k) }));
}

/** A node's params with the op's defaults filled in (undefined when they do not parse). */
export function normalizedParams(type: string, params: Record<string, unknown>): Record<string, unknown> | undefined {
  const parsed = ops.get(type)?.params.safeParse(params);
  return parsed?.success && isPlainObject(parsed.data) ? parsed.data : undefined;
}

/** Two nodes' params ready to compare: with defaults filled when both parse, else as given. */
function comparable(type: string, a: Record<string, unknown>, b: Record<string, unknown>): [Record<string, unknown>, Record<string, unknown>] {
  const na = normalizedParams(type, a);
  const nb = normalizedParams(type, b);
  return na && nb ? [na, nb] : [a, b];
}

/** Whether two nodes of the same type have the same params once defaults are filled in. */
export function sameParams(type: string, a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  return a === b || same(...comparable(type, a, b));
}

/** A short display form: 0.001, on/off, "[1, 2]", "same"; absent values are "—". */
export function formatValue(v: unknown): string {
  if (v === undefined) return '—';
  if (v === null) return t('runs.value.none');
  if (typeof v === 'boolean') return t(v ? 'runs.value.on' : 'runs.value.off');
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(6)));
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return `[${v.map(formatValue).join(', ')}]`;
  return JSON.stringify(v);
}

// ── Design ────────────────────────────────────────────────────────────────────────────────────

function nodeSummary(n: DesignNode): string {
  const op = ops.get(n.type);
  const parsed = op?.params.safeParse(n.params);
  if (!op || !parsed?.success) return n.type;
  try {
    return op.summary(parsed.data);
  } catch {
    return n.type;
  }
}

const edgeKey = (e: { source: string; target: string }) => `${e.source}\u0000${e.target}`;

function adjacency(edges: readonly DesignEdge[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const e of edges) {
    const list = out.get(e.source);
    if (list) list.push(e.target);
    else out.set(e.source, [e.target]);
  }
  return out;
}

/** Whether `to` is reachable from `from` through nodes of `via` only (one or more steps). */
function reachesThrough(next: Map<string, string[]>, from: string, to: string, via: ReadonlySet<string>): boolean {
  const stack = [...(next.get(from) ?? [])];
  const seen = new Set<string>();
  while (stack.length) {
    const id = stack.pop()!;
    if (id === to) return true;
    if (seen.has(id) || !via.has(id)) continue;
    seen.add(id);
    stack.push(...(next.get(id) ?? []));
  }
  return false;
}

/** Inputs of `id`, in port order. */
function inputsOf(edges: readonly DesignEdge[], id: string): string[] {
  return edges
    .filter((e) => e.target === id)
    .map((e, i) => ({ e, i }))
    .sort((x, y) => (x.e.targetPort ?? 0) - (y.e.targetPort ?? 0) || x.i - y.i)
    .map((x) => x.e.source);
}

/**
 * The changes that turn design `a` into design `b`: layers by `b`'s order (added, replaced, params
 * changed), then removed layers, then connections between layers both designs share that were
 * rewired (a connection merely routed through an added or removed layer is not listed again).
 */
export function diffDesigns(a: Design, b: Design): DesignChange[] {
  const aNodes = new Map<string, DesignNode>(a.nodes.map((n) => [n.id, n]));
  const bNodes = new Map<string, DesignNode>(b.nodes.map((n) => [n.id, n]));
  const nameOf = (id: string) => bNodes.get(id)?.label || aNodes.get(id)?.label || id;
  const out: DesignChange[] = [];
  const added = new Set<string>();
  const removed = new Set<string>();
  for (const nb of b.nodes) {
    const na = aNodes.get(nb.id);
    if (!na) {
      added.add(nb.id);
      out.push({ kind: 'added', id: nb.id, name: nameOf(nb.id), type: nb.type, summary: nodeSummary(nb), after: inputsOf(b.edges, nb.id).map(nameOf) });
    } else if (na.type !== nb.type) {
      out.push({ kind: 'replaced', id: nb.id, name: nameOf(nb.id), fromType: na.type, toType: nb.type });
    } else {
      const changes = valueChanges(...comparable(nb.type, na.params, nb.params));
      if (changes.length) out.push({ kind: 'params', id: nb.id, name: nameOf(nb.id), type: nb.type, changes });
    }
  }
  for (const na of a.nodes) {
    if (bNodes.has(na.id)) continue;
    removed.add(na.id);
    out.push({ kind: 'removed', id: na.id, name: nameOf(na.id), type: na.type, summary: nodeSummary(na), after: inputsOf(a.edges, na.id).map(nameOf) });
  }
  const shared = (e: DesignEdge) => aNodes.has(e.source) && aNodes.has(e.target) && bNodes.has(e.source) && bNodes.has(e.target);
  const aKeys = new Set(a.edges.map(edgeKey));
  const bKeys = new Set(b.edges.map(edgeKey));
  const aNext = adjacency(a.edges);
  const bNext = adjacency(b.edges);
  for (const e of a.edges) {
    if (!shared(e) || bKeys.has(edgeKey(e)) || reachesThrough(bNext, e.source, e.target, added)) continue;
    out.push({ kind: 'connection-removed', source: nameOf(e.source), target: nameOf(e.target) });
  }
  for (const e of b.edges) {
    if (!shared(e) || aKeys.has(edgeKey(e)) || reachesThrough(aNext, e.source, e.target, removed)) continue;
    out.push({ kind: 'connection-added', source: nameOf(e.source), target: nameOf(e.target) });
  }
  return out;
}

/** A layer parameter's value: an enum choice as the Inspector names it ("최대" for max in Korean), anything else as formatValue. */
function paramValue(type: string, key: string, v: unknown): string {
  return typeof v === 'string' ? optionLabel(type, key, v) : formatValue(v);
}

/** One line per change: "conv2: filters 64 → 32", "added bn1 (BatchNorm: batch norm) after conv1". */
export function describeDesignChange(c: DesignChange): string {
  switch (c.kind) {
    case 'added':
      return t('runs.diff.added', { name: c.name, summary: summaryText(c.summary) }) + (c.after.length ? t('runs.diff.after', { names: c.after.join(' + ') }) : '');
    case 'removed':
      return t('runs.diff.removed', { name: c.name, summary: summaryText(c.summary) }) + (c.after.length ? t('runs.diff.wasAfter', { names: c.after.join(' + ') }) : '');
    case 'replaced':
      return `${c.name}: ${opTitle(c.fromType)} → ${opTitle(c.toType)}`;
    case 'params':
      return `${c.name}: ${c.changes.map((v) => `${paramName(c.type, v.key)} ${paramValue(c.type, v.key, v.from)} → ${paramValue(c.type, v.key, v.to)}`).join(', ')}`;
    case 'connection-added':
      return t('runs.diff.connected', { source: c.source, target: c.target });
    case 'connection-removed':
      return t('runs.diff.disconnected', { source: c.source, target: c.target });
  }
}

// ── Settings and data ─────────────────────────────────────────────────────────────────────────

/** What the Train tab calls each setting. */
const SETTING_NAMES: Record<string, string> = {
  epochs: 'epochs',
  batch: 'batch size',
  lr: 'learning rate',
  'optimizer.kind': 'optimizer',
  'optimizer.momentum': 'momentum',
  'optimizer.nesterov': 'Nesterov',
  'optimizer.weightDecay': 'weight decay',
  'optimizer.beta1': 'Adam β1',
  'optimizer.beta2': 'Adam β2',
  'optimizer.eps': 'Adam ε',
  'schedule.kind': 'lr schedule',
  'schedule.every': 'lr step every (epochs)',
  'schedule.gamma': 'lr step factor',
  'augment.cropPadding': 'random crop padding',
  'augment.flip': 'random flip',
  seed: 'seed',
  testSplit: 'test split',
  shuffle: 'shuffle',
  maxStepsPerEpoch: 'steps per epoch (limit)',
  name: 'dataset',
  classes: 'classes',
  trainSamples: 'training images',
  testSamples: 'test images',
};

/** Settings whose values are choices the Train tab names (Korean shows its words; English the stored value). */
const SETTING_CHOICES: Record<string, string> = { 'optimizer.kind': 'train.settings.optimizer', 'schedule.kind': 'train.settings.schedule' };

/** Counts shown with thousands separators, as the rest of the app shows counts. */
const COUNTS = new Set(['trainSamples', 'testSamples']);

export function settingName(key: string): string {
  return SETTING_NAMES[key] ? t(`runs.setting.${key.replace('.', '_')}`, { defaultValue: SETTING_NAMES[key] }) : key;
}

/** "learning rate 0.001 → 0.01", "test split 20% → 0%". */
export function describeValueChange(c: ValueChange): string {
  const choices = language() === 'ko' ? SETTING_CHOICES[c.key] : undefined;
  const fmt = (v: unknown) =>
    typeof v === 'string' && choices
      ? t(`${choices}.${v}`, { defaultValue: v })
      : typeof v !== 'number'
        ? formatValue(v)
        : c.key === 'testSplit'
          ? `${Number((v * 100).toPrecision(4))}%`
          : COUNTS.has(c.key)
            ? formatCount(v)
            : formatValue(v);
  return `${settingName(c.key)} ${fmt(c.from)} → ${fmt(c.to)}`;
}

type RunLike = Pick<RunRecord, 'design' | 'settings' | 'dataset'>;

/** Everything that differs from run `a` to run `b` that could explain a different result. */
export function diffRuns(a: RunLike, b: RunLike): RunDiff {
  return {
    design: diffDesigns(a.design, b.design),
    settings: valueChanges(a.settings, b.settings),
    dataset: valueChanges(a.dataset, b.dataset),
  };
}

export function isSameSetup(d: RunDiff): boolean {
  return d.design.length === 0 && d.settings.length === 0 && d.dataset.length === 0;
}
