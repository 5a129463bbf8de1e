/**
 * Width of a column of explain-grid cells (monospace text) wide enough for the longest label, so
 * values like "-0.042" never spill into the next cell. Never narrower than `min` em.
 */
export function cellWidthFor(labels: readonly string[], min = 2.2): string {
  const longest = labels.reduce((m, s) => Math.max(m, s.length), 0);
  // A monospace digit is ~0.62em wide; 0.7em covers the cell's border and breathing room.
  return `${Math.max(min, Math.round((0.62 * longest + 0.7) * 10) / 10)}em`;
}
