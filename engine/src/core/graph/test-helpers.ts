/** Small builders for tests: documents from terse node and edge lists. Used only by *.test.ts. */
import { loadDocument } from '../document/load';
import type { ModelDocument } from '../document/schema';

export type N = [id: string, type: string, params?: Record<string, unknown>];
export type E = [source: string, target: string, targetPort?: number] | { id: string; source: string; target: string; targetPort?: number };

export function model(nodes: N[], edges: E[] = []): ModelDocument {
  const loaded = loadDocument({
    format: 'cnn-studio.model',
    version: 1,
    name: 'test',
    nodes: nodes.map(([id, type, params]) => ({ id, type, params: params ?? {} })),
    edges: edges.map((e) => (Array.isArray(e) ? { source: e[0], target: e[1], ...(e[2] !== undefined ? { targetPort: e[2] } : {}) } : e)),
  });
  if (!loaded.ok) throw new Error(loaded.error.message);
  return loaded.document;
}

/** A chain a → b → c … as edges. */
export function chain(...ids: string[]): E[] {
  return ids.slice(1).map((id, i) => [ids[i], id] as E);
}

/** Resolve "nodes[3].params.kernel" against a document: every segment but the last must exist. */
export function pathResolves(doc: unknown, path: string): boolean {
  if (path === '(document)') return true;
  const segs: (string | number)[] = [];
  const re = /([^.[\]]+)|\[(\d+)\]/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(path))) segs.push(m[2] !== undefined ? Number(m[2]) : m[1]);
  let cur: unknown = doc;
  for (let i = 0; i < segs.length; i++) {
    if (cur === null || typeof cur !== 'object') return false;
    const key = segs[i];
    const has = Array.isArray(cur) ? typeof key === 'number' && key < cur.length : Object.prototype.hasOwnProperty.call(cur, key);
    if (!has) return i === segs.length - 1;
    cur = (cur as Record<string | number, unknown>)[key];
  }
  return true;
}
