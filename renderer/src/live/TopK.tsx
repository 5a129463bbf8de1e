import { useMemo } from 'react';
import { calibrationNote } from '../../../engine/src/core/weights/calibration';
import { topK, untrainedNote, type RandomWeights } from './topk';
import { language, useT } from '../i18n';

export interface TopKProps {
  probabilities: ArrayLike<number>;
  /** Class names (the document's `labels`); "class i" when missing. */
  labels?: readonly string[];
  k?: number;
  /** When some conv or dense kernels are random, the top-k says so: it is not a prediction. */
  randomWeights?: RandomWeights;
  /** The run's batch norms that used this image's statistics (RunResult.calibratedBatchNorm): the top-k says so. */
  calibratedBatchNorm?: readonly string[];
}

/** The k most likely classes of a Softmax output as labelled bars. */
export function TopK({ probabilities, labels, k = 5, randomWeights, calibratedBatchNorm }: TopKProps) {
  const { t, lang } = useT();
  const rows = useMemo(() => topK(probabilities, k, labels), [probabilities, k, labels, lang]);
  const untrained = untrainedNote(randomWeights);
  const calibrated = calibrationNote(calibratedBatchNorm) && (language() === 'en' ? calibrationNote(calibratedBatchNorm) : t('live.topk.calibrated'));
  return (
    // Scores of random kernels are no prediction: the bars are greyed beside the note saying why.
    <div className={`live-topk${untrained ? ' live-topk-untrained' : ''}`} data-testid="top-k" data-untrained={untrained ? 'true' : undefined}>
      <h4>{t('live.topk.title', { n: rows.length })}</h4>
      {untrained && (
        <p className="live-untrained" data-testid="top-k-untrained">
          {untrained}
        </p>
      )}
      {calibrated && (
        <p className="live-untrained" data-testid="top-k-calibrated">
          {calibrated}
        </p>
      )}
      {rows.map((r) => (
        <div className="live-topk-row" key={r.index} data-testid="top-k-row">
          <span className="live-topk-label" title={t('classNames.classN', { i: r.index })}>
            {r.label}
          </span>
          <span className="live-topk-bar">
            <span style={{ width: `${Math.max(0.5, r.probability * 100)}%` }} />
          </span>
          <span className="live-topk-value">{(r.probability * 100).toFixed(1)}%</span>
        </div>
      ))}
      {!labels && <p className="live-hint">{t('live.topk.noNames')}</p>}
    </div>
  );
}
