import { useEffect, useMemo, useState } from 'react';
import { availablePresets, fmt, getKernelSlice, kernelPreset, setKernelSlice, type KernelTensor } from '../../../engine/src/core/explain';
import { colorAt, cssColor } from '../live/colormap';
import { textColorOn } from '../live/contrast';
import './explain.css';
import { useT } from '../i18n';
import { kernelPresetText } from '../i18n/engine-text';

export interface KernelEditorProps {
  kernel: KernelTensor;
  bias?: Float32Array;
  /** The node carries these weights inline (not seeded). */
  inline: boolean;
  /** Write the edited kernel (and bias) into the node as inline weights. */
  onChange(kernel: KernelTensor, bias?: Float32Array): void;
  /** Back to seeded weights. */
  onReset?(): void;
}

/** A kernel value in a grid cell: up to 3 decimals (the exact value is in the tooltip). */
const fmtCell = (v: number) => fmt(Math.round(v * 1000) / 1000);

/** Kernels up to this many cells per slice are editable (7×7 = 49). */
export const MAX_EDITABLE_CELLS = 49;

/**
 * A Conv2D node's kernel values for one filter and input channel as an editable grid, with presets
 * (blur, sharpen, Sobel, Laplacian, emboss…) so real edges appear in the next feature maps.
 */
export function KernelEditor({ kernel, bias, inline, onChange, onReset }: KernelEditorProps) {
  const { t, lang } = useT();
  const [f, c, kh, kw] = kernel.shape;
  const [filter, setFilter] = useState(0);
  const [channel, setChannel] = useState<number | 'all'>(c > 1 ? 'all' : 0);
  useEffect(() => {
    if (filter >= f) setFilter(0);
    if (channel !== 'all' && channel >= c) setChannel(0);
  }, [f, c, filter, channel]);
  // One translation per cell, made when the grid's size or the language changes (not on every edit).
  const cellLabels = useMemo(() => Array.from({ length: kh * kw }, (_, k) => t('explain.kernel.cell', { row: Math.floor(k / kw), col: k % kw })), [kh, kw, lang]);
  if (kh * kw > MAX_EDITABLE_CELLS) {
    return (
      <section className="explain" data-testid="kernel-editor">
        <p className="explain-muted">{t('explain.kernel.tooBig', { size: `${kh}×${kw}` })}</p>
      </section>
    );
  }
  const shown = getKernelSlice(kernel, Math.min(filter, f - 1), channel === 'all' ? 0 : Math.min(channel, c - 1));
  const amax = Math.max(1e-9, ...shown.flat().map(Math.abs));
  const write = (values: number[][]) => onChange(setKernelSlice(kernel, filter, channel, values), bias);
  const presets = availablePresets(kh, kw);

  return (
    <section className="explain" data-testid="kernel-editor">
      <header className="explain-header">
        <h3>{t('explain.kernel.title')}</h3>
        <span className="explain-muted">
          {f}×{c}×{kh}×{kw} — {inline ? t('explain.kernel.inline') : t('explain.kernel.seeded')}
        </span>
      </header>
      <div className="explain-controls">
        <label>
          {t('explain.kernel.filter')}{' '}
          <select value={filter} onChange={(e) => setFilter(Number(e.target.value))} data-testid="kernel-filter">
            {Array.from({ length: f }, (_, i) => (
              <option key={i} value={i}>
                {i}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('explain.kernel.channel')}{' '}
          <select value={String(channel)} onChange={(e) => setChannel(e.target.value === 'all' ? 'all' : Number(e.target.value))} data-testid="kernel-channel">
            {c > 1 && <option value="all">{t('explain.kernel.all')}</option>}
            {Array.from({ length: c }, (_, i) => (
              <option key={i} value={i}>
                {i}
              </option>
            ))}
          </select>
        </label>
        {bias && (
          <label>
            {t('explain.kernel.bias')}{' '}
            <input
              type="number"
              step="any"
              defaultValue={fmt(bias[filter] ?? 0)}
              key={`b${filter}${bias[filter]}`}
              style={{ width: '5em' }}
              onBlur={(e) => {
                const v = Number(e.target.value);
                if (!Number.isFinite(v) || v === bias[filter]) return;
                const next = bias.slice();
                next[filter] = v;
                onChange(kernel, next);
              }}
            />
          </label>
        )}
      </div>
      <div className="explain-grid" style={{ gridTemplateColumns: `repeat(${kw}, 4.4em)` }} data-testid="kernel-grid">
        {shown.flatMap((row, i) =>
          row.map((v, j) => (
            <input
              key={`${i},${j},${filter},${channel},${v}`}
              className="explain-kernel-input"
              type="text"
              inputMode="decimal"
              defaultValue={fmtCell(v)}
              title={String(v)}
              style={{ background: cssColor('coolwarm', 0.5 + v / (2 * amax)), color: textColorOn(colorAt('coolwarm', 0.5 + v / (2 * amax))) }}
              aria-label={cellLabels[i * kw + j]}
              onKeyDown={(e) => e.key === 'Enter' && (e.target as HTMLInputElement).blur()}
              onBlur={(e) => {
                const x = Number(e.target.value.replace(',', '.'));
                if (!Number.isFinite(x) || e.target.value === fmtCell(v)) return;
                write(shown.map((r, a) => r.map((y, b) => (a === i && b === j ? x : y))));
              }}
            />
          )),
        )}
      </div>
      <div className="explain-presets" role="group" aria-label={t('explain.kernel.presets')}>
        {presets.map((p) => (
          <button type="button" key={p.name} title={kernelPresetText(p).doc} onClick={() => write(kernelPreset(p.name, kh, kw))} data-testid={`kernel-preset-${p.name}`}>
            {kernelPresetText(p).title}
          </button>
        ))}
        {inline && onReset && (
          <button type="button" onClick={onReset} title={t('explain.kernel.resetTitle')} data-testid="kernel-reset">
            {t('explain.kernel.reset')}
          </button>
        )}
      </div>
    </section>
  );
}
