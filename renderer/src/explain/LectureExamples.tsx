/**
 * The lecture's worked examples, shown in the Explain tab when no node is selected (and opened from
 * the welcome): convolution on the lecture's 4×4 input, the pooling table, and the depthwise-separable
 * cost of a 3×3 convolution 128→256 at 56×56.
 */
import { useUiStore, type LectureExample } from '../store/ui-store';
import { ConvolutionExplain } from './ConvolutionExplain';
import { PoolingExplain } from './PoolingExplain';
import { SeparableCostView } from './SeparableCostView';
import { LECTURE_SEPARABLE } from '../../../engine/src/core/explain';

const CHOICES: { id: LectureExample; title: string }[] = [
  { id: 'convolution', title: 'Convolution' },
  { id: 'pooling', title: 'Pooling table' },
  { id: 'separable', title: 'Depthwise separable' },
];

export function LectureExamples() {
  const example = useUiStore((s) => s.explainExample);
  const set = useUiStore((s) => s.set);
  return (
    <div className="live-tab" data-testid="lecture-examples" data-example={example}>
      <p className="live-hint">The lecture’s examples. Select a Conv2D, Pool2D, Inception, Residual unit, Separable conv or Inverted residual node to see the same ideas on your own network.</p>
      <div className="live-inline-row" role="group" aria-label="Lecture example">
        {CHOICES.map((c) => (
          <button key={c.id} aria-pressed={example === c.id} className={example === c.id ? 'active' : undefined} data-testid={`lecture-example-${c.id}`} onClick={() => set({ explainExample: c.id })}>
            {c.title}
          </button>
        ))}
      </div>
      {example === 'convolution' ? (
        <ConvolutionExplain />
      ) : example === 'separable' ? (
        <SeparableCostView input={LECTURE_SEPARABLE.input} filters={LECTURE_SEPARABLE.filters} kernel={LECTURE_SEPARABLE.kernel} caption="the lecture’s 3×3 convolution" />
      ) : (
        <PoolingExplain />
      )}
    </div>
  );
}
