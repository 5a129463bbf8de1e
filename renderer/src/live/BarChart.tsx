import { useState } from 'react';
import { fmt } from '../../../engine/src/core/explain/convolution';
import { t as tr } from '../i18n';

export interface BarChartProps {
  values: ArrayLike<number>;
  labels?: readonly string[];
  width?: number;
  height?: number;
  title?: string;
}

/** A vector (Dense output) as bars around zero; hover tells index, label and value. */
export function BarChart({ values, labels, width = 280, height = 96, title = tr('live.fmap.outputs') }: BarChartProps) {
  const [hover, setHover] = useState<number>();
  const n = values.length;
  let lo = 0;
  let hi = 0;
  for (let i = 0; i < n; i++) {
    lo = Math.min(lo, values[i]);
    hi = Math.max(hi, values[i]);
  }
  const span = hi - lo || 1;
  const zeroY = (hi / span) * height;
  const bw = width / Math.max(1, n);
  return (
    <figure className="live-barchart" data-testid="bar-chart">
      <figcaption>
        {tr('live.fmap.values', { title, n })}
        {hover !== undefined && (
          <span className="live-hover-value">
            {' '}
            — #{hover}
            {labels?.[hover] ? ` ${labels[hover]}` : ''}: {fmt(values[hover])}
          </span>
        )}
      </figcaption>
      <svg width={width} height={height} onPointerLeave={() => setHover(undefined)} role="img" aria-label={title}>
        <line x1={0} x2={width} y1={zeroY} y2={zeroY} className="live-zero-line" />
        {Array.from({ length: n }, (_, i) => {
          const v = values[i];
          const h = (Math.abs(v) / span) * height;
          return (
            <rect
              key={i}
              x={i * bw}
              y={v >= 0 ? zeroY - h : zeroY}
              width={Math.max(0.5, bw - (bw > 3 ? 1 : 0))}
              height={Math.max(0.5, h)}
              className={v >= 0 ? 'live-bar-pos' : 'live-bar-neg'}
              onPointerEnter={() => setHover(i)}
            />
          );
        })}
      </svg>
    </figure>
  );
}
