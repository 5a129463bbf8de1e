import type { Histogram as HistogramData } from './feature-image';
import { fmt } from '../../../engine/src/core/explain/convolution';
import { t as tr } from '../i18n';

export interface HistogramProps {
  data: HistogramData;
  width?: number;
  height?: number;
  title?: string;
}

/** Activation histogram as SVG bars, with the value range under it. */
export function Histogram({ data, width = 240, height = 64, title = tr('live.fmap.hist') }: HistogramProps) {
  const peak = Math.max(1, ...data.counts);
  const bw = width / data.counts.length;
  const step = (data.max - data.min) / data.counts.length;
  return (
    <figure className="live-histogram" data-testid="histogram">
      <figcaption>{title}</figcaption>
      <svg width={width} height={height} role="img" aria-label={title}>
        {data.counts.map((c, i) => {
          const h = (c / peak) * (height - 2);
          return (
            <rect key={i} x={i * bw + 0.5} y={height - h} width={Math.max(1, bw - 1)} height={h} className="live-histogram-bar">
              <title>{`${fmt(data.min + i * step)} … ${fmt(data.min + (i + 1) * step)}: ${c}`}</title>
            </rect>
          );
        })}
      </svg>
      <div className="live-axis">
        <span data-testid="histogram-min">{fmt(data.min)}</span>
        <span data-testid="histogram-max">{fmt(data.max)}</span>
      </div>
    </figure>
  );
}
