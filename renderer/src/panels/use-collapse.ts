/**
 * How many groups of a one-row bar must fold into menus for the row to fit: measured, not guessed
 * from breakpoints (labels, fonts and the document's name all change the widths). After each render
 * the bar folds one more group while its content is wider than the bar; when the bar grows, it
 * starts again from everything inline. Layout effects run before paint, so no row ever shows wrapped.
 */
import { useLayoutEffect, useState, type RefObject } from 'react';

export function useCollapseLevel(bar: RefObject<HTMLElement | null>, maxLevel: number, resetKey: unknown): number {
  const [level, setLevel] = useState(0);
  const [width, setWidth] = useState(0);

  useLayoutEffect(() => {
    const el = bar.current;
    if (!el) return;
    let last = el.clientWidth;
    const ro = new ResizeObserver(() => {
      const w = el.clientWidth;
      if (w > last) setLevel(0); // more room: try everything inline again
      last = w;
      setWidth(w);
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, [bar]);

  // A new document name may fit where the old did not (and the other way round).
  useLayoutEffect(() => setLevel(0), [resetKey]);

  useLayoutEffect(() => {
    const el = bar.current;
    if (el && level < maxLevel && el.scrollWidth > el.clientWidth) setLevel(level + 1);
  });

  void width;
  return level;
}
