/**
 * Loss and accuracy curves with uPlot: canvas-drawn, made for streaming series (setData on the
 * same chart a few times a second costs well under a millisecond for thousands of points). The
 * charts are created once per theme and fed from trainCurves() when the store's `tick` changes.
 */
import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { trainCurves, useTrainStore } from './train-store';
import { chartData, percent } from './train-view';
import { useT } from '../i18n';

/** The resolved theme ('light' | 'dark'), following App's data-theme on <html>. */
export function useTheme(): string {
  const read = () => document.documentElement.dataset.theme ?? 'light';
  const [theme, setTheme] = useState(read);
  useEffect(() => {
    const mo = new MutationObserver(() => setTheme(read()));
    mo.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
    return () => mo.disconnect();
  }, []);
  return theme;
}

function cssVar(name: string, fallback: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

const HEIGHT = 130;

interface CurveChartProps {
  metric: 'loss' | 'accuracy';
  title: string;
  testId: string;
}

function CurveChart({ metric, title, testId }: CurveChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const tick = useTrainStore((s) => s.tick);
  const theme = useTheme();
  const { t, lang } = useT();

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const text = cssVar('--muted', '#6b7480');
    const grid = cssVar('--border', '#d8dde3');
    const accent = cssVar('--accent', '#2f6fde');
    const other = cssVar('--warning', '#b7791f');
    const axis: uPlot.Axis = { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 }, font: '10px system-ui, sans-serif', size: 30 };
    const opts: uPlot.Options = {
      width: Math.max(160, el.clientWidth),
      height: HEIGHT,
      legend: { show: false },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: false }, y: metric === 'accuracy' ? { range: [0, 1] } : { range: (_u, lo, hi) => [Math.min(0, lo), hi > lo ? hi * 1.05 : lo + 1] } },
      axes: [
        { ...axis, label: undefined },
        { ...axis, size: 46, values: (_u, ticks) => ticks.map((v) => (metric === 'accuracy' ? percent(v, 0) : v.toPrecision(2))) },
      ],
      series: [
        { label: t('train.chart.step'), value: (_u, v) => (v == null ? '—' : String(v)) },
        { label: t('train.chart.smoothed'), stroke: accent, width: 1.5, spanGaps: true, points: { show: false }, value: (_u, v) => fmt(metric, v) },
        { label: t('train.chart.perEpoch'), stroke: other, width: 1, dash: [4, 3], spanGaps: true, points: { show: true, size: 7, fill: other, stroke: other }, value: (_u, v) => fmt(metric, v) },
      ],
    };
    const u = new uPlot(opts, chartData(trainCurves(), metric), el);
    plot.current = u;
    const ro = new ResizeObserver(() => {
      const w = Math.max(160, el.clientWidth);
      if (w !== u.width) u.setSize({ width: w, height: HEIGHT });
    });
    ro.observe(el);
    return () => {
      ro.disconnect();
      u.destroy();
      plot.current = null;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [metric, theme, lang]);

  useEffect(() => {
    plot.current?.setData(chartData(trainCurves(), metric));
  }, [tick, metric]);

  const c = trainCurves();
  const epochIsTest = c.epochIsTest;
  const last = metric === 'loss' ? c.loss.at(-1) : c.accuracy.at(-1);
  const lastEpoch = metric === 'loss' ? c.epochLoss.at(-1) : c.epochAccuracy.at(-1);
  return (
    <figure className="train-chart" data-testid={testId} data-points={c.steps.length} data-epoch-points={c.epochStep.length}>
      <figcaption>
        <strong>{title}</strong>{' '}
        <span className="train-muted">
          {last !== undefined ? t('train.chart.now', { v: fmt(metric, last) }) : t('train.chart.noSteps')}
          {lastEpoch !== undefined ? ` · ${t(epochIsTest ? 'train.chart.test' : 'train.chart.epoch')} ${fmt(metric, lastEpoch)}` : ''}
        </span>
      </figcaption>
      <div className="train-legend" aria-hidden="true">
        <span>
          <i className="train-swatch-line" /> {t('train.chart.legendLine')}
        </span>
        <span>
          <i className="train-swatch-dot" /> {t(epochIsTest ? 'train.chart.legendTest' : 'train.chart.legendTrain')}
        </span>
      </div>
      <div ref={box} className="train-chart-plot" role="img" aria-label={t(epochIsTest ? 'train.chart.labelTest' : 'train.chart.labelTrain', { title, metric: t(`train.chart.${metric}`) })} />
    </figure>
  );
}

function fmt(metric: 'loss' | 'accuracy', v: number | null | undefined): string {
  if (v == null || !Number.isFinite(v)) return '—';
  return metric === 'accuracy' ? percent(v) : v.toFixed(3);
}

/** Loss above accuracy, both by global step. */
export function TrainCharts() {
  const { t } = useT();
  return (
    <div className="train-charts">
      <CurveChart metric="loss" title={t('train.chart.lossTitle')} testId="train-loss-chart" />
      <CurveChart metric="accuracy" title={t('train.chart.accuracyTitle')} testId="train-accuracy-chart" />
    </div>
  );
}
