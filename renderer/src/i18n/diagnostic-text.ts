/**
 * A diagnostic as the learner reads it. The engine raises a stable code, an English message and the
 * values of that message (Diagnostic.params); the English UI shows the message, the Korean UI builds
 * the sentence from the code's template (diagnostics-ko.ts) and those values — or shows the English
 * message when no template fits.
 */
import type { Diagnostic, ModelDocument } from '../engine';
import { ops } from '../engine';
import { nodeName } from '../model/node-name';
import { i18n, language } from './index';
import { opTitle, roleText } from './engine-text';

const POOL_WORD = { max: 'max', avg: 'avg', min: 'min' } as const;

/** The template's key for this diagnostic ("too-large_channels"), if there is one. */
export function templateKey(d: Pick<Diagnostic, 'code' | 'params'>): string | undefined {
  const p = d.params ?? {};
  const base = p.issue !== undefined && p.variant === undefined ? `${d.code}_issue` : p.variant !== undefined ? `${d.code}_${p.variant}` : d.code;
  return i18n.exists(`diag:${base}`, { lng: 'ko' }) ? base : undefined;
}

/** The name of the op that raised it: "Max pooling" as the engine says it, in the UI's language. */
function opName(d: Diagnostic, doc: ModelDocument): string {
  const p = d.params ?? {};
  const node = d.nodeId === undefined ? undefined : doc.nodes.find((n) => n.id === d.nodeId);
  const type = typeof p.op === 'string' ? p.op : node?.type;
  if (!type) return '';
  if (type === 'Pool2D' && p.inside === undefined && node) {
    const mode = (node.params as { mode?: keyof typeof POOL_WORD }).mode;
    if (mode && POOL_WORD[mode]) return i18n.t(`ops:palette.Pool2D-${POOL_WORD[mode]}`) as string;
  }
  return opTitle(type, ops.get(type));
}

/** Why zod refused a parameter, in Korean; undefined when the issue is one the catalog does not name. */
function issueReason(p: NonNullable<Diagnostic['params']>): string | undefined {
  const issue = String(p.issue);
  const key = (issue === 'too_small' || issue === 'too_big') && p.inclusive === 0 ? `${issue}_exclusive` : issue;
  if (!i18n.exists(`diag:issue.${key}`)) return undefined;
  const expected = typeof p.expected === 'string' && i18n.exists(`diag:expected.${p.expected}`) ? (i18n.t(`diag:expected.${p.expected}`) as string) : p.expected;
  return i18n.t(`diag:issue.${key}`, { ...p, expected }) as string;
}

/** The diagnostic's sentence in the UI's language. */
export function diagnosticText(d: Diagnostic, doc: ModelDocument): string {
  if (language() !== 'ko') return d.message;
  const key = templateKey(d);
  if (!key) return d.message;
  const p = d.params ?? {};
  const values: Record<string, unknown> = { ...p, name: d.nodeId === undefined ? '' : nodeName(doc, d.nodeId), op: opName(d, doc) };
  if (key.endsWith('_issue')) {
    const why = issueReason(p);
    if (!why) return d.message;
    values.why = why;
  }
  if (d.code === 'cycle' && typeof p.nodes === 'string') values.loop = p.nodes.split(' ').map((id) => nodeName(doc, id)).join(' → ') + (p.more ? ' …' : '');
  if (d.code === 'dead-end' && typeof p.output === 'string') values.outputName = nodeName(doc, p.output);
  const body = i18n.t(`diag:${key}`, values) as string;
  if (p.inside === undefined || d.nodeId === undefined) return body;
  return (i18n.t('diag:inside', { module: nodeName(doc, d.nodeId), role: roleText(String(p.inside)) }) as string) + body;
}

/** The quick fix's button text in the UI's language. */
export function fixLabel(d: Diagnostic, doc: ModelDocument): string {
  const fix = d.fix;
  if (!fix) return '';
  if (language() !== 'ko') return fix.label;
  if (fix.kind !== 'delete-edge') return i18n.t(`diag:fix.${fix.kind}`) as string;
  if (d.code === 'input-has-incoming') return i18n.t('diag:fix.delete-edge_input') as string;
  const edge = doc.edges.find((e) => e.id === fix.edgeId);
  if (d.code === 'cycle' && edge) return i18n.t('diag:fix.delete-edge_cycle', { from: nodeName(doc, edge.source), to: nodeName(doc, edge.target) }) as string;
  return i18n.t('diag:fix.delete-edge') as string;
}
