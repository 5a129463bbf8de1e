/** Readable, unique ids for new nodes and edges: "conv2d", "conv2d_2", … */
export function slugType(type: string): string {
  return type.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '') || 'node';
}

export function uniqueId(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  for (let k = 2; ; k++) {
    const id = `${base}_${k}`;
    if (!taken.has(id)) return id;
  }
}

export function edgeId(source: string, target: string, taken: ReadonlySet<string>): string {
  return uniqueId(`${source}->${target}`, taken);
}
