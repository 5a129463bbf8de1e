import { z } from 'zod';
import { DocumentSchema, MODEL_FORMAT, MODEL_VERSION, type ModelDocument } from './schema';
import { migrateToCurrent } from './migrate';
import type { Diagnostic } from '../diagnostics';
import { ModelError } from '../diagnostics';

export type LoadResult = { ok: true; document: ModelDocument } | { ok: false; error: ModelError };

/** JSON path in the style users see: nodes[3].params.kernel */
export function formatPath(path: readonly PropertyKey[]): string {
  let s = '';
  for (const k of path) {
    if (typeof k === 'number') s += `[${k}]`;
    else s += s ? `.${String(k)}` : String(k);
  }
  return s || '(document)';
}

function zodDiagnostics(error: z.ZodError): Diagnostic[] {
  return error.issues.map((issue) => ({
    severity: 'error' as const,
    code: 'document-invalid' as const,
    path: formatPath(issue.path),
    message: `${formatPath(issue.path)}: ${issue.message}`,
  }));
}

/** Give every edge an id (files may omit them). Ids are stable: e{index} unless taken. */
export function withEdgeIds(edges: z.infer<typeof DocumentSchema>['edges']): ModelDocument['edges'] {
  const taken = new Set(edges.map((e) => e.id).filter((id): id is string => !!id));
  let next = 0;
  return edges.map((e) => {
    if (e.id) return { ...e, id: e.id };
    let id: string;
    do id = `e${next++}`;
    while (taken.has(id));
    taken.add(id);
    return { ...e, id };
  });
}

/** Validate a parsed JSON value as a model document, migrating older versions forward. */
export function loadDocument(value: unknown): LoadResult {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, error: new ModelError('not-a-model', 'Not a CNN Studio model: expected a JSON object.') };
  }
  const raw = value as Record<string, unknown>;
  if (raw.format !== MODEL_FORMAT) {
    return {
      ok: false,
      error: new ModelError('not-a-model', `Not a CNN Studio model: "format" must be "${MODEL_FORMAT}" (found ${JSON.stringify(raw.format) ?? 'nothing'}).`),
    };
  }
  if (typeof raw.version !== 'number' || !Number.isInteger(raw.version) || raw.version < 1) {
    return { ok: false, error: new ModelError('bad-version', `"version" must be a positive integer (found ${JSON.stringify(raw.version) ?? 'nothing'}).`) };
  }
  if (raw.version > MODEL_VERSION) {
    return {
      ok: false,
      error: new ModelError('newer-version', `This model was saved by a newer CNN Studio (format version ${raw.version}); this version reads up to ${MODEL_VERSION}. Please update CNN Studio.`),
    };
  }
  const migrated = migrateToCurrent(raw);
  const parsed = DocumentSchema.safeParse(migrated);
  if (!parsed.success) {
    const diagnostics = zodDiagnostics(parsed.error);
    const head = diagnostics.slice(0, 5).map((d) => d.message).join('; ');
    return {
      ok: false,
      error: new ModelError('document-invalid', `Not a valid model document (${diagnostics.length} problem${diagnostics.length === 1 ? '' : 's'}): ${head}`, diagnostics),
    };
  }
  return { ok: true, document: { ...parsed.data, edges: withEdgeIds(parsed.data.edges) } };
}

/** Parse JSON text and load it. Never throws. */
export function parseDocument(text: string): LoadResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: new ModelError('bad-json', notJsonMessage(text, e as Error)) };
  }
  return loadDocument(value);
}

/** The document as saved: stable key order, edges with ids. */
export function serializeDocument(doc: ModelDocument): string {
  return JSON.stringify(doc, null, 2) + '\n';
}

/**
 * Why `text` is not JSON, quoting at most a short printable excerpt: the engine's own message quotes
 * the text, which for a PNG opened by mistake is binary noise ("�PNG…").
 */
export function notJsonMessage(text: string, e: Error): string {
  const start = text.replace(/^\uFEFF/, '').slice(0, 200);
  const binary = /[\u0000-\u0008\u000e-\u001f\ufffd]/.test(start);
  if (binary) return `Not a JSON file: it starts with binary data${/^\ufffdPNG|^\u0089PNG/.test(start) ? ' (it looks like a PNG image — drop images on the Input node instead)' : ''}.`;
  const where = /position (\d+)/.exec(e.message);
  const excerpt = start.slice(0, 40).replace(/\s+/g, ' ').trim();
  return `Not valid JSON${where ? ` (at character ${where[1]})` : ''}${excerpt ? `; it starts “${excerpt}${start.length > 40 ? '…' : ''}”` : ' (the file is empty)'}.`;
}
