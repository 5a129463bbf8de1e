import { useEffect, useMemo, useState } from 'react';
import { cellWidthFor } from './cell-width';
import { ExplainInputError, LECTURE_CONV_INPUT, explainConvolution, fmtShort, formatStepSum, type ConvExplanation } from '../../../engine/src/core/explain';
import type { Padding, Pair } from '../../../engine/src/core/shape';
import { pair } from '../../../engine/src/core/shape';
import './explain.css';
import { useT } from '../i18n';

/** A 3×3 kernel with a visible pattern, used when the node has none to show. */
export const DEFAULT_EXPLAIN_KERNEL = [
  [1, 0, 1],
  [0, 1, 0],
  [1, 0, 1],
];

export interface ConvolutionExplainProps {
  /** One-channel input; the lecture's 4×4 by default. */
  input?: number[][];
  /** Where the input comes from, e.g. "a 6×6 crop of channel 0 of the node's input". */
  inputLabel?: string;
  kernel?: number[][];
  stride?: Pair;
  padding?: Padding;
  dilation?: Pair;
  bias?: number;
  /** Milliseconds per step while playing. */
  intervalMs?: number;
}

type StrideChoice = 'node' | 1 | 2;

/**
 * The filter sliding over a small input, one output cell at a time: the window (zero-padded border
 * cells dashed), each product, the sum, the output cell it fills, and the output-size formula with
 * these numbers. Stride and padding come from the node; a switch compares stride 1 and 2.
 */
export function ConvolutionExplain({ input = LECTURE_CONV_INPUT, inputLabel, kernel = DEFAULT_EXPLAIN_KERNEL, stride = 1, padding = 'valid', dilation = 1, bias = 0, intervalMs = 900 }: ConvolutionExplainProps) {
  const { t } = useT();
  const [strideChoice, setStrideChoice] = useState<StrideChoice>('node');
  const effectiveStride: Pair = strideChoice === 'node' ? stride : strideChoice;
  const explained = useMemo((): ConvExplanation | { error: string } => {
    try {
      return explainConvolution({ input, kernel, stride: effectiveStride, padding, dilation, bias });
    } catch (e) {
      if (e instanceof ExplainInputError) return { error: e.message };
      throw e;
    }
  }, [input, kernel, effectiveStride, padding, dilation, bias]);
  const [step, setStep] = useState(0);
  const [playing, setPlaying] = useState(true);
  const count = 'steps' in explained ? explained.steps.length : 0;

  useEffect(() => setStep(0), [explained]);
  useEffect(() => {
    if (!playing || count === 0) return;
    const t = setInterval(() => setStep((s) => (s + 1) % count), intervalMs);
    return () => clearInterval(t);
  }, [playing, count, intervalMs]);

  if ('error' in explained) {
    return (
      <section className="explain" data-testid="explain-convolution">
        <p className="explain-error">{explained.error}</p>
      </section>
    );
  }
  const e = explained;
  const current = e.steps[Math.min(step, count - 1)];
  const [pt, pl, pb, pr] = e.pads;
  const inWindow = new Map(current.cells.map((c) => [`${c.row},${c.col}`, c]));
  const rows = Array.from({ length: e.inputHeight + pt + pb }, (_, i) => i - pt);
  const cols = Array.from({ length: e.inputWidth + pl + pr }, (_, j) => j - pl);
  const nodeStride = pair(stride);
  // Fractional weights (a real kernel) need wider cells than the lecture's integers.
  const cellWidth = e.kernel.flat().every(Number.isInteger) && input.flat().every(Number.isInteger) ? '2.2em' : '2.9em';

  return (
    <section className="explain" data-testid="explain-convolution">
      <header className="explain-header">
        <h3>{t('explain.conv.title')}</h3>
        <span className="explain-muted">{inputLabel ?? t('explain.conv.lectureInput')}</span>
      </header>
      <div className="explain-controls">
        <button type="button" onClick={() => setPlaying((p) => !p)} data-testid="conv-play">
          {playing ? `❚❚ ${t('explain.pause')}` : `▶ ${t('explain.play')}`}
        </button>
        <button type="button" onClick={() => { setPlaying(false); setStep((s) => (s - 1 + count) % count); }} aria-label={t('explain.previous')}>
          ◀
        </button>
        <button type="button" onClick={() => { setPlaying(false); setStep((s) => (s + 1) % count); }} aria-label={t('explain.next')} data-testid="conv-next">
          ▶
        </button>
        <span data-testid="conv-step">
          {t('explain.step', { n: step + 1, count })}
        </span>
        <label>
          {t('explain.stride')}{' '}
          <select value={String(strideChoice)} onChange={(ev) => setStrideChoice(ev.target.value === 'node' ? 'node' : (Number(ev.target.value) as 1 | 2))}>
            <option value="node">{t('explain.nodeStride', { stride: nodeStride[0] === nodeStride[1] ? nodeStride[0] : nodeStride.join('×') })}</option>
            <option value="1">1</option>
            <option value="2">2</option>
          </select>
        </label>
      </div>
      <div className="explain-stage">
        <figure>
          <figcaption>{pt + pb + pl + pr > 0 ? t('explain.conv.inputPadded', { pads: e.pads.join(', ') }) : t('explain.conv.inputUnpadded')}</figcaption>
          <div className="explain-grid" style={{ gridTemplateColumns: `repeat(${cols.length}, ${cellWidth})` }} data-testid="conv-input-grid">
            {rows.map((r) =>
              cols.map((c) => {
                const padded = r < 0 || c < 0 || r >= e.inputHeight || c >= e.inputWidth;
                const cell = inWindow.get(`${r},${c}`);
                return (
                  <div key={`${r},${c}`} className={`explain-cell${padded ? ' explain-pad' : ''}${cell ? ' explain-window' : ''}`} data-padded={padded || undefined}>
                    {padded ? 0 : fmtShort(input[r][c])}
                    {cell && <small>×{fmtShort(cell.weight)}</small>}
                  </div>
                );
              }),
            )}
          </div>
        </figure>
        <figure>
          <figcaption>{t('explain.conv.kernel', { size: `${e.kernel.length}×${e.kernel[0].length}` })}</figcaption>
          <div className="explain-grid" style={{ gridTemplateColumns: `repeat(${e.kernel[0].length}, ${cellWidthFor(e.kernel.flat().map(fmtShort))})` }}>
            {e.kernel.flatMap((row, i) => row.map((v, j) => <div key={`${i},${j}`} className="explain-cell explain-kernel" title={String(v)}>{fmtShort(v)}</div>))}
          </div>
        </figure>
        <figure>
          <figcaption>{t('explain.conv.output', { size: `${e.output.length}×${e.output[0].length}` })}</figcaption>
          <div className="explain-grid" style={{ gridTemplateColumns: `repeat(${e.output[0].length}, ${cellWidthFor(e.output.flat().map(fmtShort), 3)})` }} data-testid="conv-output-grid">
            {e.output.flatMap((row, i) =>
              row.map((v, j) => {
                const idx = i * row.length + j;
                return (
                  <div key={`${i},${j}`} className={`explain-cell explain-out${idx === current.index ? ' explain-current' : ''}${idx > current.index ? ' explain-future' : ''}`}>
                    {idx <= current.index ? fmtShort(v) : ''}
                  </div>
                );
              }),
            )}
          </div>
        </figure>
      </div>
      <p className="explain-sum" data-testid="conv-sum">
        out[{current.outRow}, {current.outCol}] = {formatStepSum(current, e.bias)}
      </p>
      <div className="explain-formula" data-testid="conv-formula">
        <div>
          <b>{t('explain.conv.outputSize')}</b> = ⌊({t('explain.conv.in')} + {t('explain.conv.pad')}
          <sub>{t('explain.conv.before')}</sub> + {t('explain.conv.pad')}
          <sub>{t('explain.conv.after')}</sub> − {t('explain.conv.kernelWord')}) / {t('explain.stride')}⌋ + 1
        </div>
        <div>
          {t('explain.height')}: {e.formula.height.text}
        </div>
        <div>
          {t('explain.width')}: {e.formula.width.text}
        </div>
      </div>
    </section>
  );
}
