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
import { useT } from '../i18n';

const CHOICES: LectureExample[] = ['convolution', 'pooling', 'separable'];

export function LectureExamples() {
  const { t } = useT();
  const example = useUiStore((s) => s.explainExample);
  const set = useUiStore((s) => s.set);
  return (
    <div className="live-tab" data-testid="lecture-examples" data-example={example}>
      <p className="live-hint">{t('explain.lecture.hint')}</p>
      <div className="live-inline-row" role="group" aria-label={t('explain.lecture.label')}>
        {CHOICES.map((c) => (
          <button key={c} aria-pressed={example === c} className={example === c ? 'active' : undefined} data-testid={`lecture-example-${c}`} onClick={() => set({ explainExample: c })}>
            {t(`explain.lecture.${c}`)}
          </button>
        ))}
      </div>
      {example === 'convolution' ? (
        <ConvolutionExplain />
      ) : example === 'separable' ? (
        <SeparableCostView input={LECTURE_SEPARABLE.input} filters={LECTURE_SEPARABLE.filters} kernel={LECTURE_SEPARABLE.kernel} caption={t('explain.lecture.separableCaption')} />
      ) : (
        <PoolingExplain />
      )}
    </div>
  );
}
