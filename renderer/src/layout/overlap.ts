/** Which boxes a given box overlaps: used to decide whether opening a module needs a new layout. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Ids of the boxes (other than `id`) that overlap box `id`; touching edges do not count. */
export function overlapsOf(id: string, boxes: ReadonlyMap<string, Box>): string[] {
  const a = boxes.get(id);
  if (!a) return [];
  const out: string[] = [];
  for (const [other, b] of boxes) {
    if (other === id) continue;
    if (a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height) out.push(other);
  }
  return out;
}
