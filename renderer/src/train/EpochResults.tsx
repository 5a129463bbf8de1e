import { memo, useEffect, useMemo, useRef, useState } from 'react';
import type { DataSample, EpochReport } from '../../../engine/src/core/api';
import { colorAt } from '../live/colormap';
import { confusionShade, formatDuration, percent } from './train-view';
import { useT } from '../i18n';

/** Above this many classes the matrix is a heat map without numbers. */
const TABLE_MAX = 20;

function ConfusionTable({ matrix, classes }: { matrix: number[][]; classes: string[] }) {
  const { t } = useT();
  const max = Math.max(0, ...matrix.flat());
  return (
    <table className="train-confusion-table">
      <thead>
        <tr>
          <th scope="col" className="train-corner" title="rows: true class · columns: predicted">
            true ╲ pred
          </th>
          {matrix.map((_, j) => (
            <th key={j} scope="col" title={t('train.results.predicted', { c: classes[j] ?? j })}>
              {classes[j] ?? j}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {matrix.map((row, i) => (
          <tr key={i}>
            <th scope="row" title={t('train.results.true', { c: classes[i] ?? i })}>
              {classes[i] ?? i}
            </th>
            {row.map((n, j) => {
              const shade = confusionShade(n, max);
              return (
                <td
                  key={j}
                  className={`${i === j ? 'train-diag' : n > 0 ? 'train-miss' : ''}${shade > 0.6 ? ' train-hot' : ''}`}
                  style={{ background: n > 0 ? `color-mix(in srgb, var(--${i === j ? 'accent' : 'error'}) ${Math.round(8 + 92 * shade)}%, transparent)` : undefined }}
                  title={t('train.results.cell', { t: classes[i] ?? i, p: classes[j] ?? j, n })}
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
  const { t } = useT();
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
        aria-label={t('train.results.matrixOf', { k })}
        onPointerMove={(e) => {
          const r = e.currentTarget.getBoundingClientRect();
          const j = Math.floor(((e.clientX - r.left) / r.width) * k);
          const i = Math.floor(((e.clientY - r.top) / r.height) * k);
          if (matrix[i]?.[j] !== undefined) setHover(t('train.results.cell', { t: classes[i] ?? i, p: classes[j] ?? j, n: matrix[i][j] }));
        }}
        onPointerLeave={() => setHover(undefined)}
      />
      <p className="train-hint">{hover ?? t('train.results.hoverHint')}</p>
    </div>
  );
}

function ConfusionMatrixView({ report, classes }: { report: EpochReport; classes: string[] }) {
  const { t } = useT();
  if (!report.confusion) return <p className="train-hint">{t('train.results.noMatrix')}</p>;
  const k = report.confusion.length;
  return (
    <figure className="train-confusion" data-testid="train-confusion" data-epoch={report.epoch}>
      <figcaption>
        <strong>{t('train.results.matrix')}</strong> <span className="train-muted">{t('train.results.matrixNote', { epoch: report.epoch })}</span>
      </figcaption>
      {k <= TABLE_MAX ? <ConfusionTable matrix={report.confusion} classes={classes} /> : <ConfusionHeatmap matrix={report.confusion} classes={classes} />}
    </figure>
  );
}

/**
 * The misclassified test samples of an epoch: each as it was before preprocessing (fetched from the
 * engine by index), with its true and predicted class; a click runs it through the network (it
 * becomes the Input's image, and the Run tab shows what the network says now).
 */
function MisclassifiedView({ report, classes, fetchSamples, onPick }: { report: EpochReport; classes: string[]; fetchSamples?: (indices: number[]) => Promise<DataSample[]>; onPick?: (sample: DataSample, caption: string) => void }) {
  const { t: tr } = useT();
  const [all, setAll] = useState(false);
  const [images, setImages] = useState<Map<number, DataSample>>(new Map());
  const list = all ? report.misclassified : report.misclassified.slice(0, 24);
  const wanted = list.map((m) => m.index).filter((i) => !images.has(i));
  const key = wanted.join(',');
  useEffect(() => {
    if (!fetchSamples || wanted.length === 0) return;
    let live = true;
    fetchSamples(wanted.slice(0, 64)).then(
      (got) => live && setImages((prev) => new Map([...prev, ...got.map((s) => [s.index, s] as const)])),
      () => undefined, // the pictures are a nicety: the chips still say index, true and predicted class
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, fetchSamples]);
  return (
    <figure className="train-misclassified" data-testid="train-misclassified" data-count={report.misclassified.length}>
      <figcaption>
        <strong>{tr('train.results.misclassified')}</strong>{' '}
        <span className="train-muted">
          {report.misclassified.length === 0 ? tr('train.results.noneWrong') : tr('train.results.firstWrong', { n: report.misclassified.length, epoch: report.epoch })}
        </span>
      </figcaption>
      {report.misclassified.length > 0 && (
        <>
          <ul className="train-chips">
            {list.map((m) => {
              const t = classes[m.label] ?? String(m.label);
              const p = classes[m.predicted] ?? String(m.predicted);
              const sample = images.get(m.index);
              const caption = tr('train.results.caption', { index: m.index, t, p });
              return (
                <li key={m.index}>
                  <button type="button" className="train-chip" data-testid="train-misclassified-sample" disabled={!sample || !onPick} title={tr('train.results.clickToRun', { caption })} onClick={() => sample && onPick?.(sample, caption)}>
                    {sample && <RgbaImage image={sample.image} size={28} label={caption} />}
                    <span className="train-chip-text">
                      <span className="train-mono">#{m.index}</span> <span className="train-true">{t}</span> → <span className="train-pred">{p}</span>
                    </span>
                  </button>
                </li>
              );
            })}
          </ul>
          {report.misclassified.length > 24 && (
            <button type="button" className="train-link" onClick={() => setAll(!all)}>
              {all ? tr('train.results.fewer') : tr('train.results.all', { n: report.misclassified.length })}
            </button>
          )}
          <p className="train-hint">{tr('train.results.legend')}</p>
        </>
      )}
    </figure>
  );
}

/** An RGBA image on a small canvas, scaled without smoothing. */
function RgbaImage({ image, size, label }: { image: DataSample['image']; size: number; label: string }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const canvas = ref.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) return;
    canvas.width = image.width;
    canvas.height = image.height;
    ctx.putImageData(new ImageData(Uint8ClampedArray.from(image.rgba), image.width, image.height), 0, 0);
  }, [image]);
  const scale = size / Math.max(image.width, image.height, 1);
  return <canvas ref={ref} className="train-pixelated" style={{ width: Math.round(image.width * scale), height: Math.round(image.height * scale) }} role="img" aria-label={label} />;
}

function EpochTableView({ epochs }: { epochs: EpochReport[] }) {
  const { t } = useT();
  return (
    <table className="train-epochs" data-testid="train-epoch-table">
      <thead>
        <tr>
          <th scope="col">{t('train.results.epoch')}</th>
          <th scope="col">{t('train.results.trainLoss')}</th>
          <th scope="col">{t('train.results.trainAcc')}</th>
          <th scope="col">{t('train.results.testLoss')}</th>
          <th scope="col">{t('train.results.testAcc')}</th>
          <th scope="col">{t('train.results.time')}</th>
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

// Progress redraws the Train tab's live section a few times a second; these change once an epoch.
export const ConfusionMatrix = memo(ConfusionMatrixView);
export const Misclassified = memo(MisclassifiedView);
export const EpochTable = memo(EpochTableView);
