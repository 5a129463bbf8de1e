import { useEffect, useMemo, useRef, useState } from 'react';
import type { EpochReport } from '../../../engine/src/core/api';
import { colorAt } from '../live/colormap';
import { SampleImage, type Sample } from './SampleImage';
import { confusionShade, formatDuration, percent } from './train-view';

/** Above this many classes the matrix is a heat map without numbers. */
const TABLE_MAX = 20;

function ConfusionTable({ matrix, classes }: { matrix: number[][]; classes: string[] }) {
  const max = Math.max(0, ...matrix.flat());
  return (
    <table className="train-confusion-table">
      <thead>
        <tr>
          <th scope="col" className="train-corner" title="rows: true class · columns: predicted">
            true ╲ pred
          </th>
          {matrix.map((_, j) => (
            <th key={j} scope="col" title={`predicted ${classes[j] ?? j}`}>
              {classes[j] ?? j}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {matrix.map((row, i) => (
          <tr key={i}>
            <th scope="row" title={`true ${classes[i] ?? i}`}>
              {classes[i] ?? i}
            </th>
            {row.map((n, j) => {
              const shade = confusionShade(n, max);
              return (
                <td
                  key={j}
                  className={`${i === j ? 'train-diag' : n > 0 ? 'train-miss' : ''}${shade > 0.6 ? ' train-hot' : ''}`}
                  style={{ background: n > 0 ? `color-mix(in srgb, var(--${i === j ? 'accent' : 'error'}) ${Math.round(8 + 92 * shade)}%, transparent)` : undefined }}
                  title={`true ${classes[i] ?? i}, predicted ${classes[j] ?? j}: ${n}`}
                >
                  {n || ''}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Many classes: one pixel per cell through viridis (√ scale), hover names the cell. */
function ConfusionHeatmap({ matrix, classes }: { matrix: number[][]; classes: string[] }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const k = matrix.length;
  const [hover, setHover] = useState<string>();
  useEffect(() => {
    const ctx = ref.current?.getContext('2d');
    if (!ref.current || !ctx) return;
    ref.current.width = k;
    ref.current.height = k;
    const max = Math.max(0, ...matrix.flat());
    const img = new ImageData(k, k);
    for (let i = 0; i < k; i++)
      for (let j = 0; j < k; j++) {
        const [r, g, b] = colorAt('viridis', confusionShade(matrix[i][j], max));
        img.data.set([r, g, b, 255], (i * k + j) * 4);
      }
    ctx.putImageData(img, 0, 0);
  }, [matrix, k]);
  const size = Math.min(300, Math.max(k, 120));
  return (
    <div>
      <canvas
        ref={ref}
        className="train-pixelated"
        style={{ width: size, height: size }}
        role="img"
        aria-label={`Confusion matrix of ${k} classes`}
        onPointerMove={(e) => {
          const r = e.currentTarget.getBoundingClientRect();
          const j = Math.floor(((e.clientX - r.left) / r.width) * k);
          const i = Math.floor(((e.clientY - r.top) / r.height) * k);
          if (matrix[i]?.[j] !== undefined) setHover(`true ${classes[i] ?? i}, predicted ${classes[j] ?? j}: ${matrix[i][j]}`);
        }}
        onPointerLeave={() => setHover(undefined)}
      />
      <p className="train-hint">{hover ?? 'Rows: true class; columns: predicted. Hover a cell.'}</p>
    </div>
  );
}

export function ConfusionMatrix({ report, classes }: { report: EpochReport; classes: string[] }) {
  if (!report.confusion) return <p className="train-hint">No test split (test split 0): no confusion matrix.</p>;
  const k = report.confusion.length;
  return (
    <figure className="train-confusion" data-testid="train-confusion" data-epoch={report.epoch}>
      <figcaption>
        <strong>Confusion matrix</strong> <span className="train-muted">test split after epoch {report.epoch} · rows true, columns predicted</span>
      </figcaption>
      {k <= TABLE_MAX ? <ConfusionTable matrix={report.confusion} classes={classes} /> : <ConfusionHeatmap matrix={report.confusion} classes={classes} />}
    </figure>
  );
}

/**
 * The misclassified test samples of an epoch, as the engine reports them: dataset index, true and
 * predicted class. The engine sends indices, not pixels, so the picture beside each is a sample of
 * the TRUE class from the data preview (marked as such), not the misclassified image itself.
 */
export function Misclassified({ report, classes, samples }: { report: EpochReport; classes: string[]; samples: Sample[] }) {
  const [all, setAll] = useState(false);
  const byLabel = useMemo(() => {
    const m = new Map<number, Sample>();
    for (const s of samples) if (!m.has(s.label)) m.set(s.label, s);
    return m;
  }, [samples]);
  const list = all ? report.misclassified : report.misclassified.slice(0, 24);
  return (
    <figure className="train-misclassified" data-testid="train-misclassified" data-count={report.misclassified.length}>
      <figcaption>
        <strong>Misclassified</strong>{' '}
        <span className="train-muted">
          {report.misclassified.length === 0 ? 'none in the test split' : `first ${report.misclassified.length} of the test split, epoch ${report.epoch}`}
        </span>
      </figcaption>
      {report.misclassified.length > 0 && (
        <>
          <ul className="train-chips">
            {list.map((m) => {
              const hint = byLabel.get(m.label);
              const t = classes[m.label] ?? String(m.label);
              const p = classes[m.predicted] ?? String(m.predicted);
              return (
                <li key={m.index} className="train-chip" title={`Test sample #${m.index}: true ${t}, predicted ${p}`}>
                  {hint && <SampleImage sample={hint} size={22} className="train-chip-hint" title={`an example of ${t} from the data (not sample #${m.index})`} />}
                  <span className="train-chip-text">
                    <span className="train-mono">#{m.index}</span> <span className="train-true">{t}</span> → <span className="train-pred">{p}</span>
                  </span>
                </li>
              );
            })}
          </ul>
          {report.misclassified.length > 24 && (
            <button type="button" className="train-link" onClick={() => setAll(!all)}>
              {all ? 'Show fewer' : `Show all ${report.misclassified.length}`}
            </button>
          )}
          <p className="train-hint">true → predicted. Pictures (dashed) are examples of the true class from the data, not the misclassified images: the engine reports their indices only.</p>
        </>
      )}
    </figure>
  );
}

export function EpochTable({ epochs }: { epochs: EpochReport[] }) {
  return (
    <table className="train-epochs" data-testid="train-epochs">
      <thead>
        <tr>
          <th scope="col">Epoch</th>
          <th scope="col">Train loss</th>
          <th scope="col">Train acc.</th>
          <th scope="col">Test loss</th>
          <th scope="col">Test acc.</th>
          <th scope="col">Time</th>
        </tr>
      </thead>
      <tbody>
        {epochs.map((e) => (
          <tr key={e.epoch}>
            <td>{e.epoch}</td>
            <td>{e.train.loss.toFixed(3)}</td>
            <td>{percent(e.train.accuracy)}</td>
            <td>{e.test ? e.test.loss.toFixed(3) : '—'}</td>
            <td>{e.test ? percent(e.test.accuracy) : '—'}</td>
            <td>{formatDuration(e.timeMs)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
