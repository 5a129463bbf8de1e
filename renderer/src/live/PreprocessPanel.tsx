import { useMemo } from 'react';
import type { InputParams, Preprocess } from '../../../engine/src/core/ops/input';
import { IMAGENET_NORMALISATION } from '../../../engine/src/core/ops/input';
import type { ImagePayload } from './image-decode';
import { FeatureCanvas } from './FeatureCanvas';
import { preprocessSteps, preprocessedChannels } from './preprocess-view';
import './live.css';
import { useT } from '../i18n';

export interface PreprocessPanelProps {
  input: InputParams;
  image?: ImagePayload;
  /** The image's own size when it was shrunk on reading (the first step shown). */
  shrunkFrom?: { width: number; height: number };
  /** Edit the Input node's `preprocess` params; omit for a read-only view. */
  onChange?(preprocess: Preprocess): void;
}

const parseList = (text: string): number[] | undefined => {
  const v = text
    .split(/[\s,]+/)
    .filter(Boolean)
    .map(Number);
  return v.length && v.every(Number.isFinite) ? v : undefined;
};

/** The Input node's preprocessing: editable switches, the steps in words, and the tensor the network receives. */
export function PreprocessPanel({ input, image, shrunkFrom, onChange }: PreprocessPanelProps) {
  const { t, lang } = useT();
  const pre: Partial<Preprocess> = input.preprocess ?? {};
  const set = (patch: Partial<Preprocess>) => onChange?.({ resize: true, scale: true, ...pre, ...patch } as Preprocess);
  const view = useMemo(() => {
    if (!image) return undefined;
    try {
      return { steps: preprocessSteps(image, input, shrunkFrom), out: preprocessedChannels(image, input) };
    } catch (e) {
      return { error: (e as Error).message };
    }
  }, [image, input, shrunkFrom, lang]);
  const grayDefault = input.channels === 1;
  return (
    <section className="live-preprocess" data-testid="preprocess-panel">
      <h4>{t('live.pre.title')}</h4>
      {onChange && (
        <div className="live-preprocess-fields">
          <label>
            <input type="checkbox" checked={pre.resize ?? true} onChange={(e) => set({ resize: e.target.checked })} /> {t('live.pre.resizeTo', { size: `${input.width}×${input.height}` })}
          </label>
          <label>
            <input type="checkbox" checked={pre.scale ?? true} onChange={(e) => set({ scale: e.target.checked })} /> {t('live.pre.scaleTo')}
          </label>
          <label>
            <input type="checkbox" checked={pre.grayscale ?? grayDefault} disabled={input.channels === 4} onChange={(e) => set({ grayscale: e.target.checked })} /> {t('live.pre.grayscale')}
          </label>
          <label>
            {t('live.pre.mean')} <input type="text" size={16} defaultValue={pre.mean?.join(', ') ?? ''} placeholder={t('live.pre.none')} onBlur={(e) => set({ mean: parseList(e.target.value) })} key={`m${pre.mean?.join()}`} />
          </label>
          <label>
            {t('live.pre.std')} <input type="text" size={16} defaultValue={pre.std?.join(', ') ?? ''} placeholder={t('live.pre.none')} onBlur={(e) => set({ std: parseList(e.target.value) })} key={`s${pre.std?.join()}`} />
          </label>
          {input.channels === 3 && (
            <button type="button" onClick={() => set({ mean: IMAGENET_NORMALISATION.mean, std: IMAGENET_NORMALISATION.std })}>
              {t('live.pre.imagenet')}
            </button>
          )}
          {(pre.mean || pre.std) && (
            <button type="button" onClick={() => set({ mean: undefined, std: undefined })}>
              {t('live.pre.noNorm')}
            </button>
          )}
        </div>
      )}
      {view && 'error' in view && <p className="live-error">{view.error}</p>}
      {view && 'steps' in view && (
        <>
          <ol className="live-preprocess-steps" data-testid="preprocess-steps">
            {view.steps!.map((s) => (
              <li key={s.title}>
                <b>{s.title}</b> {s.detail}
              </li>
            ))}
          </ol>
          <div className="live-preprocess-out" data-testid="preprocessed-input">
            {view.out!.channels.slice(0, 4).map((m, c) => (
              <figure key={c}>
                <FeatureCanvas map={m} colormap="gray" size={72} />
                <figcaption>{input.channels === 3 ? 'RGB'[c] : t('live.pre.channel', { c })}</figcaption>
              </figure>
            ))}
          </div>
        </>
      )}
    </section>
  );
}
