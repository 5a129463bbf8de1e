/**
 * The overlay of chosen runs' curves, drawn with uPlot (the Train tab's library: canvas, small,
 * made for many points). Axes and grid take the theme's colours and follow a theme switch; the
 * legend shows, for the epoch under the cursor, each run's nearest value.
 */
import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { ChartData, ChartMode } from './runs-model';

/** Index of the nearest non-null value of `col` to `idx` (uPlot asks this per series when the data was joined). */
function nearestValue(col: readonly (number | null | undefined)[], idx: number): number {
  if (col[idx] != null) return idx;
  for (let d = 1; d < col.length; d++) {
    if (idx - d >= 0 && col[idx - d] != null) return idx - d;
    if (idx + d < col.length && col[idx + d] != null) return idx + d;
  }
  return idx;
}

function themeColours() {
  const css = getComputedStyle(document.documentElement);
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  return { text: v('--text', '#1d232b'), muted: v('--muted', '#6b7480'), border: v('--border', '#d8dde3') };
}

/** Bumps when the app switches the theme (App writes data-theme on the root element). */
function useThemeKey(): string | undefined {
  const [key, setKey] = useState(() => document.documentElement.dataset.theme);
  useEffect(() => {
    const obs = new MutationObserver(() => setKey(document.documentElement.dataset.theme));
    obs.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
    return () => obs.disconnect();
  }, []);
  return key;
}

export function RunsChart({ data, mode, height }: { data: ChartData; mode: ChartMode; height: number }) {
  const host = useRef<HTMLDivElement>(null);
  const theme = useThemeKey();
  useEffect(() => {
    const el = host.current;
    if (!el || !data.series.length) return;
    const c = themeColours();
    const axis = (label: string): uPlot.Axis => ({
      label,
      stroke: c.muted,
      labelSize: 18,
      labelFont: '11px system-ui, sans-serif',
      font: '11px system-ui, sans-serif',
      grid: { stroke: c.border, width: 1 },
      ticks: { stroke: c.border, width: 1 },
    });
    const loss = mode === 'loss';
    const fmt = (v: number | null | undefined) => (v == null ? '—' : loss ? v.toFixed(3) : `${v.toFixed(2)}%`);
    const opts: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height,
      scales: { x: { time: false }, y: loss ? { range: (_u, min, max) => [Math.min(0, min), max * 1.05 || 1] } : { range: (_u, min, max) => [Math.max(0, Math.floor(min / 5) * 5 - 5), Math.min(100, Math.max(max + 1, min + 1))] } },
      // Accuracy is per whole epoch: integer ticks only.
      axes: [loss ? axis('epoch') : { ...axis('epoch'), incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000] }, { ...axis(loss ? 'training loss' : 'accuracy %'), size: 46 }],
      cursor: { dataIdx: (u, si, hovered) => nearestValue(u.data[si] as (number | null)[], hovered), drag: { x: true, y: false } },
      legend: { live: true },
      series: [
        { label: 'epoch', value: (_u, v) => (v == null ? '—' : loss ? v.toFixed(2) : String(v)) },
        ...data.series.map(
          (s): uPlot.Series => ({
            label: s.label,
            stroke: s.colour,
            width: 2,
            dash: s.dashed ? [6, 4] : undefined,
            spanGaps: true,
            points: { show: !loss, size: 6, stroke: s.colour, fill: s.colour },
            value: (_u, v) => fmt(v),
          }),
        ),
      ],
    };
    const plot = new uPlot(opts, [data.xs, ...data.ys] as uPlot.AlignedData, el);
    const resize = new ResizeObserver(() => {
      const w = Math.max(200, el.clientWidth);
      if (w !== plot.width) plot.setSize({ width: w, height });
    });
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [data, mode, height, theme]);
  return (
    <div className="runs-chart" data-testid="runs-chart" data-mode={mode} data-series={data.series.length} ref={host}>
      {!data.series.length && <p className="runs-hint">Tick runs in the table to draw their curves.</p>}
    </div>
  );
}
