import { useMemo } from 'react';
import { calibrationNote } from '../../../engine/src/core/weights/calibration';
import { topK, untrainedNote, type RandomWeights } from './topk';

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
  const rows = useMemo(() => topK(probabilities, k, labels), [probabilities, k, labels]);
  const untrained = untrainedNote(randomWeights);
  const calibrated = calibrationNote(calibratedBatchNorm);
  return (
    // Scores of random kernels are no prediction: the bars are greyed beside the note saying why.
    <div className={`live-topk${untrained ? ' live-topk-untrained' : ''}`} data-testid="top-k" data-untrained={untrained ? 'true' : undefined}>
      <h4>Top {rows.length}</h4>
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
          <span className="live-topk-label" title={`class ${r.index}`}>
            {r.label}
          </span>
          <span className="live-topk-bar">
            <span style={{ width: `${Math.max(0.5, r.probability * 100)}%` }} />
          </span>
          <span className="live-topk-value">{(r.probability * 100).toFixed(1)}%</span>
        </div>
      ))}
      {!labels && <p className="live-hint">No class names: name the classes in the Inspector (select the output node, or click the empty canvas).</p>}
    </div>
  );
}
