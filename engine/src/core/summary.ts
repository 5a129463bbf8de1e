/**
 * A torchinfo-style summary of an analysed model: one row per document node (composites once, with
 * their totals; optionally followed by their primitives), totals, and the diagnostics. Isomorphic:
 * the CLI prints it and the editor's Summary view renders the same rows.
 */
import type { ModelDocument } from './document/schema';
import type { Diagnostic } from './diagnostics';
import type { Analysis, NodeStatus } from './graph/types';
import { formatShape, type Shape } from './shape';

export interface SummaryRow {
  id: string;
  type: string;
  /** Display name from the document, when it has one. */
  label?: string;
  /** Short form of the params: "conv 3×3/2, 64". */
  summary: string;
  /** 0: a document node; 1: a primitive inside a composite (with `expand`). */
  depth: 0 | 1;
  /** For primitives inside a composite: the composite's id and what this primitive is. */
  owner?: string;
  role?: string;
  outputShape: number[] | null;
  params: number;
  macs: number;
  /** Output activation bytes (fp32). */
  activationBytes: number;
  status: NodeStatus;
}

export interface SummaryTotals {
  params: number;
  macs: number;
  activationBytes: number;
}

export interface Summary {
  name: string;
  valid: boolean;
  totals: SummaryTotals;
  rows: SummaryRow[];
  diagnostics: Diagnostic[];
}

export interface SummaryOptions {
  /** List each composite's primitives under it. */
  expand?: boolean;
}

/** Rows in topological order; nodes that could not be ordered (cycles) follow in document order. */
export function buildSummary(doc: ModelDocument, analysis: Analysis, options: SummaryOptions = {}): Summary {
  const labels = new Map<string, string | undefined>();
  for (const n of doc.nodes) if (!labels.has(n.id)) labels.set(n.id, n.label);
  const prims = new Map(analysis.primitives.nodes.map((p) => [p.id, p]));
  const ordered = new Set(analysis.order);
  const ids = [...analysis.order, ...doc.nodes.map((n) => n.id).filter((id) => !ordered.has(id))];
  const seen = new Set<string>();
  const rows: SummaryRow[] = [];
  for (const id of ids) {
    const info = analysis.nodes[id];
    if (!info || seen.has(id)) continue;
    seen.add(id);
    const row: SummaryRow = {
      id,
      type: info.type,
      summary: info.summary,
      depth: 0,
      outputShape: info.outputShape ? [...info.outputShape] : null,
      params: info.params,
      macs: info.macs,
      activationBytes: info.activationBytes,
      status: info.status,
    };
    const label = labels.get(id);
    if (label) row.label = label;
    rows.push(row);
    const composite = info.primitives.length > 0 && !(info.primitives.length === 1 && info.primitives[0] === id);
    if (!options.expand || !composite) continue;
    for (const pid of info.primitives) {
      const p = prims.get(pid);
      if (!p) continue;
      const sub: SummaryRow = {
        id: p.id,
        type: p.type,
        summary: p.role ?? p.type,
        depth: 1,
        owner: id,
        outputShape: [...p.shape],
        params: p.paramCount,
        macs: p.macs,
        activationBytes: shapeBytes(p.shape),
        status: 'ok',
      };
      if (p.role) sub.role = p.role;
      rows.push(sub);
    }
  }
  return {
    name: doc.name,
    valid: analysis.valid,
    totals: { params: analysis.totals.params, macs: analysis.totals.macs, activationBytes: analysis.totals.activationBytes },
    rows,
    diagnostics: analysis.diagnostics,
  };
}

function shapeBytes(shape: Shape): number {
  let n = 4;
  for (const d of shape) n *= d;
  return n;
}

/**
 * The CLI's `summary --json` output — a PUBLIC CONTRACT:
 * {"valid", "totals": {"params", "macs", "activationBytes"}, "nodes": [{"id", "type", "outputShape", "params", "macs"}],
 *  "diagnostics": [{"severity", "code", "message", "nodeId"?, "edgeId"?, "path"?}]}.
 * Fields may be added, never renamed or removed.
 */
export interface SummaryJson {
  name: string;
  valid: boolean;
  totals: SummaryTotals;
  nodes: {
    id: string;
    type: string;
    outputShape: number[] | null;
    params: number;
    macs: number;
    label?: string;
    summary: string;
    activationBytes: number;
    status: NodeStatus;
    owner?: string;
    role?: string;
  }[];
  diagnostics: { severity: string; code: string; message: string; nodeId?: string; edgeId?: string; path?: string; param?: string }[];
}

export function summaryToJson(s: Summary): SummaryJson {
  return {
    name: s.name,
    valid: s.valid,
    totals: { ...s.totals },
    nodes: s.rows.map((r) => {
      const n: SummaryJson['nodes'][number] = {
        id: r.id,
        type: r.type,
        outputShape: r.outputShape,
        params: r.params,
        macs: r.macs,
        summary: r.summary,
        activationBytes: r.activationBytes,
        status: r.status,
      };
      if (r.label) n.label = r.label;
      if (r.owner) n.owner = r.owner;
      if (r.role) n.role = r.role;
      return n;
    }),
    diagnostics: s.diagnostics.map((d) => {
      const o: SummaryJson['diagnostics'][number] = { severity: d.severity, code: d.code, message: d.message };
      if (d.nodeId !== undefined) o.nodeId = d.nodeId;
      if (d.edgeId !== undefined) o.edgeId = d.edgeId;
      if (d.path !== undefined) o.path = d.path;
      if (d.param !== undefined) o.param = d.param;
      return o;
    }),
  };
}

// ── Number formatting ─────────────────────────────────────────────────────────────────────────

/**
 * 61100840 → "61,100,840" (as en-US toLocaleString). Integers are grouped by hand: the first
 * toLocaleString call loads ICU's number data, ~10 ms of `cnn-studio presets`' start.
 */
export function formatCount(n: number): string {
  const r = Math.round(n);
  if (!Number.isSafeInteger(r) || Object.is(r, -0)) return r.toLocaleString('en-US');
  return String(r).replace(/\B(?=(\d{3})+$)/g, ',');
}

/** 4089184256 → "4.09 G" */
export function formatMetric(n: number): string {
  const units: [number, string][] = [
    [1e12, 'T'],
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'k'],
  ];
  for (const [v, u] of units) if (Math.abs(n) >= v) return `${(n / v).toFixed(2)} ${u}`;
  return String(Math.round(n));
}

/** 102760448 → "98.00 MiB" */
export function formatBytes(n: number): string {
  const units: [number, string][] = [
    [1024 ** 4, 'TiB'],
    [1024 ** 3, 'GiB'],
    [1024 ** 2, 'MiB'],
    [1024, 'KiB'],
  ];
  for (const [v, u] of units) if (n >= v) return `${(n / v).toFixed(2)} ${u}`;
  return `${n} B`;
}

const COLUMNS = ['Layer', 'Type', 'Details', 'Output shape', 'Params', 'MACs'] as const;

/** The column headers of summaryCells, in order (the editor's Summary view renders these). */
export const SUMMARY_COLUMNS: readonly string[] = COLUMNS;

/** The cells of each row, as text: the same for the text table, Markdown and CSV. */
export function summaryCells(r: SummaryRow): [string, string, string, string, string, string] {
  const name = r.depth === 1 ? `  └ ${r.id.slice((r.owner?.length ?? -1) + 1)}` : r.label && r.label !== r.id ? `${r.id} (${r.label})` : r.id;
  const shape = r.outputShape ? formatShape(r.outputShape) : r.status === 'ok' ? '—' : `— (${r.status})`;
  return [name, r.type, r.summary, shape, formatCount(r.params), formatCount(r.macs)];
}

function totalLines(s: Summary): string[] {
  const errors = s.diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = s.diagnostics.filter((d) => d.severity === 'warning').length;
  return [
    `Total params: ${formatCount(s.totals.params)}`,
    `Total MACs: ${formatCount(s.totals.macs)} (${formatMetric(s.totals.macs)})`,
    `Activations (fp32, batch 1): ${formatBytes(s.totals.activationBytes)}`,
    `Valid: ${s.valid ? 'yes' : 'no'} (${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'})`,
  ];
}

export function formatDiagnostic(d: Diagnostic): string {
  const where = [d.nodeId && `node ${d.nodeId}`, d.edgeId && `edge ${d.edgeId}`, d.path && `at ${d.path}`].filter(Boolean).join(', ');
  return `${d.severity} [${d.code}]${where ? ` (${where})` : ''}: ${d.message}${d.fix ? ` [fix: ${d.fix.label}]` : ''}`;
}

/** A plain-text table for terminals: columns padded, numbers right-aligned. */
export function summaryToText(s: Summary): string {
  const cells = s.rows.map(summaryCells);
  const widths = COLUMNS.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const right = [false, false, false, false, true, true];
  const line = (c: readonly string[]) => c.map((v, i) => (right[i] ? v.padStart(widths[i]) : v.padEnd(widths[i]))).join('  ').trimEnd();
  const rule = '─'.repeat(widths.reduce((a, w) => a + w, 0) + 2 * (widths.length - 1));
  const out = [s.name, rule, line(COLUMNS), rule, ...cells.map(line), rule, ...totalLines(s)];
  if (s.diagnostics.length) out.push(rule, ...s.diagnostics.map(formatDiagnostic));
  return out.join('\n') + '\n';
}

const mdEscape = (v: string) => v.replace(/\\/g, '\\\\').replace(/\|/g, '\\|');

export function summaryToMarkdown(s: Summary): string {
  const out = [`### ${mdEscape(s.name)}`, '', `| ${COLUMNS.join(' | ')} |`, '|---|---|---|---|---:|---:|'];
  for (const c of s.rows.map(summaryCells)) out.push(`| ${c.map(mdEscape).join(' | ')} |`);
  out.push('', ...totalLines(s).map((l) => `- ${l}`));
  if (s.diagnostics.length) out.push('', ...s.diagnostics.map((d) => `- ${mdEscape(formatDiagnostic(d))}`));
  return out.join('\n') + '\n';
}

const csvField = (v: string | number) => {
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** CSV with raw numbers (no thousands separators), one line per row. */
export function summaryToCsv(s: Summary): string {
  const header = ['id', 'label', 'type', 'summary', 'owner', 'output_shape', 'params', 'macs', 'activation_bytes', 'status'];
  const lines = [header.join(',')];
  for (const r of s.rows) {
    lines.push(
      [r.id, r.label ?? '', r.type, r.summary, r.owner ?? '', r.outputShape ? formatShape(r.outputShape) : '', r.params, r.macs, r.activationBytes, r.status].map(csvField).join(','),
    );
  }
  return lines.join('\n') + '\n';
}
