/**
 * Branches that lead nowhere: a node that is fed but feeds nothing, while the network's output is
 * another node. Typical after a new edge took a single-input node's place (the node that fed it
 * before is left hanging), or after deleting the layer after a branch. The network's output is the
 * end with the most of the graph upstream of it (ties: the later in the document).
 */
import type { ModelDocument } from '../document/schema';

export interface DeadEnd {
  /** The node whose output nothing reads. */
  id: string;
  /** The node taken as the network's output. */
  output: string;
}

/** Ends of branches other than the network's output (none when the graph has one end). */
export function deadEnds(doc: ModelDocument): DeadEnd[] {
  const known = new Set(doc.nodes.map((n) => n.id));
  const feeds = new Set<string>();
  const inputsOf = new Map<string, string[]>();
  for (const e of doc.edges) {
    if (!known.has(e.source) || !known.has(e.target)) continue;
    feeds.add(e.source);
    const list = inputsOf.get(e.target);
    if (list) list.push(e.source);
    else inputsOf.set(e.target, [e.source]);
  }
  // Fed but feeding nothing. (A node with no edges at all is "unconnected", reported on its own.)
  const ends = doc.nodes.filter((n) => inputsOf.has(n.id) && !feeds.has(n.id)).map((n) => n.id);
  if (ends.length < 2) return [];
  const upstream = (id: string) => {
    const seen = new Set<string>();
    const stack = [id];
    while (stack.length) {
      for (const s of inputsOf.get(stack.pop()!) ?? []) {
        if (seen.has(s)) continue;
        seen.add(s);
        stack.push(s);
      }
    }
    return seen.size;
  };
  let output = ends[0];
  let most = -1;
  for (const id of ends) {
    const n = upstream(id);
    if (n >= most) [output, most] = [id, n];
  }
  return ends.filter((id) => id !== output).map((id) => ({ id, output }));
}
