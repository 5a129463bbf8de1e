import { useMemo, useState } from 'react';
import { LECTURE_POOL_INPUT, POOL_MODES, comparePooling, fmt, type PoolMode } from '../../../engine/src/core/explain';
import type { Padding, Pair } from '../../../engine/src/core/shape';
import './explain.css';
import { useT } from '../i18n';

export interface PoolingExplainProps {
  input?: number[][];
  inputLabel?: string;
  kernel?: Pair;
  stride?: Pair;
  padding?: Padding;
  /** The node's own mode, marked in the comparison. */
  mode?: PoolMode;
  countIncludePad?: boolean;
}

const WINDOW_COLOURS = 4;

/** Max, average and min pooling of the same input side by side; pointing at an output cell shows its window. */
export function PoolingExplain({ input = LECTURE_POOL_INPUT, inputLabel, kernel = 2, stride, padding = 'valid', mode, countIncludePad }: PoolingExplainProps) {
  const { t } = useT();
  const cmp = useMemo(() => {
    try {
      return comparePooling({ input, kernel, stride, padding, countIncludePad });
    } catch (e) {
      return { error: (e as Error).message };
    }
  }, [input, kernel, stride, padding, countIncludePad]);
  const [hover, setHover] = useState<number>();
  if ('error' in cmp) {
    return (
      <section className="explain" data-testid="explain-pooling">
        <p className="explain-error">{cmp.error}</p>
      </section>
    );
  }
  const ow = cmp.results.max.output[0].length;
  const windowOf = new Map<string, number>();
  cmp.windows.forEach((w, i) => w.cells.forEach((c) => windowOf.has(`${c.row},${c.col}`) || windowOf.set(`${c.row},${c.col}`, i)));
  const hw = hover !== undefined ? cmp.windows[hover] : undefined;
  const inHover = new Set(hw?.cells.map((c) => `${c.row},${c.col}`));
  const chosen = (m: PoolMode) => (hw && cmp.results[m].chosen ? cmp.results[m].chosen![hw.outRow][hw.outCol].join(',') : undefined);

  return (
    <section className="explain" data-testid="explain-pooling">
      <header className="explain-header">
        <h3>{t('explain.pool.title')}</h3>
        <span className="explain-muted">
          {inputLabel ?? t('explain.pool.lectureInput')} — {t('explain.pool.window', { window: cmp.kernel.join('×'), stride: cmp.stride[0] === cmp.stride[1] ? cmp.stride[0] : cmp.stride.join('×') })}
        </span>
      </header>
      <div className="explain-stage">
        <figure>
          <figcaption>{t('explain.pool.input')}</figcaption>
          <div className="explain-grid" style={{ gridTemplateColumns: `repeat(${input[0].length}, 2.4em)` }} data-testid="pool-input-grid">
            {input.flatMap((row, r) =>
              row.map((v, c) => {
                const w = windowOf.get(`${r},${c}`);
                const key = `${r},${c}`;
                const isChosen = hw && (chosen('max') === key || chosen('min') === key);
                return (
                  <div key={key} className={`explain-cell explain-win-${w === undefined ? 'none' : w % WINDOW_COLOURS}${inHover.has(key) ? ' explain-window' : ''}${isChosen ? ' explain-chosen' : ''}`}>
                    {fmt(v)}
                  </div>
                );
              }),
            )}
          </div>
        </figure>
        {POOL_MODES.map((m) => (
          <figure key={m} className={m === mode ? 'explain-own-mode' : undefined}>
            <figcaption>
              {t(`explain.pool.mode.${m}`)}
              {m === mode ? t('explain.thisNodeParen') : ''}
            </figcaption>
            <div className="explain-grid" style={{ gridTemplateColumns: `repeat(${ow}, 2.6em)` }} data-testid={`pool-result-${m}`}>
              {cmp.results[m].output.flatMap((row, r) =>
                row.map((v, c) => {
                  const i = r * ow + c;
                  return (
                    <div key={`${r},${c}`} className={`explain-cell explain-out explain-win-${i % WINDOW_COLOURS}${hover === i ? ' explain-current' : ''}`} onPointerEnter={() => setHover(i)} onPointerLeave={() => setHover(undefined)} data-testid="pool-cell">
                      {fmt(v)}
                    </div>
                  );
                }),
              )}
            </div>
          </figure>
        ))}
      </div>
      <p className="explain-sum">
        {hw
          ? t('explain.pool.windowAt', {
              top: hw.top,
              left: hw.left,
              cells: `{${hw.cells.map((c) => fmt(c.value)).join(', ')}}`,
              padded: hw.paddedCells ? t('explain.pool.padded', { n: hw.paddedCells }) : '',
              max: fmt(cmp.results.max.output[hw.outRow][hw.outCol]),
              avg: fmt(cmp.results.avg.output[hw.outRow][hw.outCol]),
              min: fmt(cmp.results.min.output[hw.outRow][hw.outCol]),
            })
          : t('explain.pool.pointAt')}
      </p>
      <div className="explain-formula">
        <div>
          {t('explain.height')}: {cmp.formula.height.text}
        </div>
        <div>
          {t('explain.width')}: {cmp.formula.width.text}
        </div>
      </div>
    </section>
  );
}
