import { useEffect, useMemo, useRef, useState } from 'react';
import type { RunResult } from '../../../engine/src/core/api';
import type { InputParams, Preprocess } from '../../../engine/src/core/ops/input';
import { DrawCanvas } from './DrawCanvas';
import { PreprocessPanel } from './PreprocessPanel';
import { TopK } from './TopK';
import { clipboardImage, decodeImageFile, droppedImage, type ImagePayload } from './image-decode';
import { SAMPLES, loadSample, sampleText } from './samples';
import { isProbabilityVector, type RandomWeights } from './topk';
import { describeStatus, type LiveRunSnapshot } from './use-live-run';
import './live.css';
import { t as tr, useT } from '../i18n';

export interface RunInput {
  image: ImagePayload;
  /** Where it came from: a file name, a sample title, "clipboard", "drawing". */
  name: string;
  /** The image's own size, when it was larger than the editor reads and was shrunk (image-decode.ts). */
  shrunkFrom?: { width: number; height: number };
}

export interface RunPanelProps {
  live: Pick<LiveRunSnapshot, 'status' | 'notice' | 'stale' | 'result'>;
  autoRun: boolean;
  onAutoRunChange(autoRun: boolean): void;
  onRun(): void;
  onCancel(): void;
  seed: number;
  onSeedChange(seed: number): void;
  /** The seed Reseed changes to (drawn ahead: next-seeds.ts); absent: a new random one. */
  reseedTo?: number;
  input?: RunInput;
  onInput(input: RunInput): void;
  /** The first Input node's params (for the preprocessing view), when there is one. */
  inputParams?: InputParams;
  onPreprocessChange?(p: Preprocess): void;
  /** Class names (document.labels) for the top-5. */
  labels?: readonly string[];
  /** The document's random kernels: the top-5 warns that it is no prediction. */
  randomWeights?: RandomWeights;
  /** Listen for Ctrl/Cmd+Enter on the window (default true; off when the app's keyboard handler runs it). */
  bindShortcut?: boolean;
}

/** A random seed that differs from the current one. */
export function reseed(current: number): number {
  let s = current;
  while (s === current) s = Math.floor(Math.random() * 2 ** 31);
  return s;
}

/** The graph output that reads as class probabilities, if any. */
export function probabilityOutput(result: RunResult | undefined): Float32Array | undefined {
  if (!result) return undefined;
  for (const t of Object.values(result.tensors)) {
    const rank = t.shape.filter((d) => d > 1).length;
    if (rank <= 1 && t.data.length > 1 && isProbabilityVector(t.data)) return t.data;
  }
  return undefined;
}

/**
 * Everything about running: the image (drop, sample, paste, draw), the preprocessing, the state
 * of the run with Cancel, auto-run or the Run button (Ctrl/Cmd+Enter), the seed, and the top-5.
 */
export function RunPanel(p: RunPanelProps) {
  const { t } = useT();
  const [error, setError] = useState<string>();
  const [dragOver, setDragOver] = useState(false);
  const [drawOpen, setDrawOpen] = useState(false);
  const rootRef = useRef<HTMLElement>(null);
  const onRunRef = useRef(p.onRun);
  onRunRef.current = p.onRun;
  const onInputRef = useRef(p.onInput);
  onInputRef.current = p.onInput;

  // A message belongs to the attempt it describes: a later image, from anywhere, replaces it.
  useEffect(() => setError(undefined), [p.input?.image]);

  const take = async (blob: Blob | undefined, name: string) => {
    if (!blob) return setError(tr('live.notImage'));
    try {
      onInputRef.current({ ...(await decodeImageFile(blob, name)), name });
      setError(undefined);
    } catch (e) {
      setError((e as Error).message);
    }
  };

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (p.bindShortcut === false) return;
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        onRunRef.current();
      }
    };
    const onPaste = (e: ClipboardEvent) => {
      const target = e.target as HTMLElement | null;
      if (target?.closest('input, textarea, [contenteditable="true"]')) return;
      const file = clipboardImage(e);
      if (file) {
        e.preventDefault();
        void take(file, 'clipboard');
      }
    };
    window.addEventListener('keydown', onKey);
    window.addEventListener('paste', onPaste);
    return () => {
      window.removeEventListener('keydown', onKey);
      window.removeEventListener('paste', onPaste);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const probs = useMemo(() => probabilityOutput(p.live.result), [p.live.result]);
  const s = p.live.status;
  const busy = s.kind === 'queued' || s.kind === 'running';

  return (
    <section className="live-run-panel" ref={rootRef} data-testid="run-panel">
      <div
        className={`live-drop${dragOver ? ' live-drop-over' : ''}`}
        data-testid="image-drop-zone"
        onDragOver={(e) => {
          e.preventDefault();
          setDragOver(true);
        }}
        onDragLeave={() => setDragOver(false)}
        onDrop={(e) => {
          e.preventDefault();
          setDragOver(false);
          const f = droppedImage(e);
          void take(f, f?.name ?? t('live.droppedImage'));
        }}
      >
        {p.input ? (
          <span>
            {t('live.input')}{' '}
            <b data-testid="input-name" translate="no">
              {p.input.name}
            </b>{' '}
            (
            <span data-testid="input-size">
              {p.input.shrunkFrom
                ? t('live.readAt', { from: `${p.input.shrunkFrom.width}×${p.input.shrunkFrom.height}`, at: `${p.input.image.width}×${p.input.image.height}` })
                : `${p.input.image.width}×${p.input.image.height}`}
            </span>
            )
          </span>
        ) : (
          <span>{t('live.dropHere')}</span>
        )}
        <label className="live-file">
          {t('live.openImage')}
          <input type="file" accept="image/*" onChange={(e) => void take(e.target.files?.[0], e.target.files?.[0]?.name ?? 'image')} data-testid="image-file-input" />
        </label>
      </div>
      <div className="live-samples" role="group" aria-label={t('live.samples')}>
        {SAMPLES.map((sm) => (
          <button
            type="button"
            key={sm.file}
            title={`${sampleText(sm).title}: ${sampleText(sm).description}`}
            data-testid={`sample-${sm.file.replace(/\.png$/, '')}`}
            onClick={async () => {
              try {
                p.onInput({ image: await loadSample(sm), name: sampleText(sm).title });
                setError(undefined);
              } catch (e) {
                setError((e as Error).message);
              }
            }}
          >
            <img src={sm.url} alt={sampleText(sm).title} width={28} height={28} />
          </button>
        ))}
        <button type="button" onClick={() => setDrawOpen((v) => !v)} aria-pressed={drawOpen} data-testid="draw-toggle">
          ✎ {t('live.draw')}
        </button>
      </div>
      {drawOpen && <DrawCanvas onChange={(image) => p.onInput({ image, name: t('live.drawing') })} />}
      {error && (
        <p className="live-error" role="alert" data-testid="run-input-error">
          {error}
        </p>
      )}

      <div className="live-run-controls">
        <label title={t('live.autoRunTitle')}>
          <input type="checkbox" checked={p.autoRun} onChange={(e) => p.onAutoRunChange(e.target.checked)} data-testid="auto-run" /> {t('live.autoRun')}
        </label>
        <button type="button" onClick={p.onRun} className={p.live.stale && !p.autoRun ? 'live-primary' : undefined} title={t('live.runTitle')} data-testid="run-button">
          ▶ {t('live.run')}
        </button>
        <button type="button" onClick={p.onCancel} disabled={!busy} data-testid="cancel-button">
          {t('common.cancel')}
        </button>
        <label title={t('live.seedTitle')}>
          {t('live.seed')}{' '}
          <input
            type="number"
            min={0}
            max={2 ** 31 - 1}
            value={p.seed}
            onChange={(e) => {
              const v = Number(e.target.value);
              if (Number.isInteger(v) && v >= 0 && v < 2 ** 31) p.onSeedChange(v);
            }}
            style={{ width: '7em' }}
            data-testid="seed-input"
          />
        </label>
        <button type="button" onClick={() => p.onSeedChange(p.reseedTo ?? reseed(p.seed))} data-testid="reseed-button" title={t('live.reseedTitle')}>
          {t('live.reseed')}
        </button>
      </div>
      <p className={`live-status live-status-${s.kind}`} data-testid="run-status" data-state={s.kind} role="status">
        {describeStatus(s)}
      </p>
      {p.live.notice && <p className="live-notice" data-testid="run-notice">{p.live.notice}</p>}

      {p.inputParams && <PreprocessPanel input={p.inputParams} image={p.input?.image} shrunkFrom={p.input?.shrunkFrom} onChange={p.onPreprocessChange} />}
      {probs && <TopK probabilities={probs} labels={p.labels} randomWeights={p.randomWeights} calibratedBatchNorm={p.live.result?.calibratedBatchNorm} />}
    </section>
  );
}
