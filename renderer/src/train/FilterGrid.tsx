import { useEffect, useMemo, useRef } from 'react';
import type { FiltersFrame } from './train-store';
import { useT } from '../i18n';
import { filterGrid } from './train-view';

/** Display width available in the right panel (CSS px). */
const MAX_WIDTH = 320;

/**
 * The first convolution's filters as a grid of small images, one canvas for all of them, redrawn
 * when a new frame arrives (at most twice a second). Pixels stay crisp (image-rendering: pixelated).
 */
export function FilterGrid({ frame, name }: { frame: FiltersFrame; name: string }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const { t } = useT();
  const [F, C, kh, kw] = frame.shape;
  // Each tap at least 3 px, a filter about 36 px, as many per row as fit.
  const scale = Math.max(3, Math.floor(36 / Math.max(kh, kw, 1)));
  const cols = Math.max(1, Math.min(F, Math.floor((MAX_WIDTH + scale) / ((kw + 1) * scale))));
  const grid = useMemo(() => filterGrid(frame.shape, frame.data, cols), [frame, cols]);
  useEffect(() => {
    const canvas = ref.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx || grid.width <= 0 || grid.height <= 0) return;
    canvas.width = grid.width;
    canvas.height = grid.height;
    ctx.putImageData(new ImageData(grid.rgba, grid.width, grid.height), 0, 0);
  }, [grid]);
  return (
    <figure className="train-filters" data-testid="train-filters" data-step={frame.step}>
      <figcaption>
        <strong>{t('train.filters.title', { name })}</strong>{' '}
        <span className="train-muted">
          {F} × {C === 3 ? 'RGB' : C === 1 ? t('train.filters.oneChannel') : t('train.filters.channels', { n: C })} × {kh}×{kw}, {t('train.filters.step', { step: frame.step.toLocaleString('en-US') })}
        </span>
      </figcaption>
      <canvas
        ref={ref}
        className="train-pixelated"
        style={{ width: grid.width * scale, height: grid.height * scale }}
        role="img"
        aria-label={t('train.filters.label', { n: grid.count, name, step: frame.step })}
      />
      <p className="train-hint">{t('train.filters.hint')}</p>
    </figure>
  );
}
