import { useMemo } from 'react';
import { residualComparison, type ResidualOrdering, type ResidualStep } from '../../../engine/src/core/explain';
import type { ResidualUnitParams } from '../../../engine/src/core/ops/residual-unit';
import './explain.css';
import { useT } from '../i18n';
import { summaryText } from '../i18n/engine-text';

export interface ResidualInsideViewProps {
  params: ResidualUnitParams;
  /** The unit's input shape, C×H×W (decides identity vs projection shortcut). */
  input: readonly number[];
}

function Lane({ title, steps, empty, kind }: { title: string; steps: ResidualStep[]; empty?: string; kind: 'residual' | 'shortcut' }) {
  const { t } = useT();
  return (
    <div className={`explain-lane explain-lane-${kind}`} data-testid={`residual-lane-${kind}`}>
      <div className="explain-lane-title">{title}</div>
      {steps.length === 0 && <div className="explain-step explain-identity">{empty}</div>}
      {steps.map((s) => (
        <div key={s.id} className={`explain-step explain-step-${s.type}`} title={s.role}>
          {s.label === 'BN' ? t('explain.residual.bn') : summaryText(s.label)}
        </div>
      ))}
    </div>
  );
}

function Ordering({ o, current }: { o: ResidualOrdering; current: boolean }) {
  const { t, lang } = useT();
  return (
    <figure className={`explain-ordering${current ? ' explain-own-mode' : ''}`} data-testid={o.preActivation ? 'residual-preact' : 'residual-original'}>
      <figcaption>
        {lang === 'en' ? o.title : t(o.preActivation ? 'explain.residual.preTitle' : 'explain.residual.originalTitle')}
        {current ? t('explain.residual.thisNode') : ''}
      </figcaption>
      <div className="explain-step explain-io">x</div>
      <div className="explain-lanes">
        <Lane kind="residual" title={t('explain.residual.branch')} steps={o.residual} />
        <Lane kind="shortcut" title={t(o.identityShortcut ? 'explain.residual.identity' : 'explain.residual.projection')} steps={o.shortcut} empty={t('explain.residual.unchanged')} />
      </div>
      {o.merge.map((s) => (
        <div key={s.id} className={`explain-step explain-step-${s.type}`} title={s.role}>
          {s.type === 'Add' ? t('explain.residual.sum') : t('explain.residual.afterAdd', { label: s.label })}
        </div>
      ))}
      <div className="explain-step explain-io">y</div>
    </figure>
  );
}

/** Inside a residual unit: the residual branch and the shortcut, labelled; original and pre-activation orderings side by side. */
export function ResidualInsideView({ params, input }: ResidualInsideViewProps) {
  const { t } = useT();
  const [current, other] = useMemo(() => residualComparison(params, input), [params, input]);
  const [original, pre] = current.preActivation ? [other, current] : [current, other];
  return (
    <section className="explain" data-testid="explain-residual">
      <header className="explain-header">
        <h3>{t('explain.residual.title')}</h3>
        <span className="explain-muted">
          {t(`explain.residual.${params.block}`, { filters: params.filters })}
          {params.stride > 1 ? t('explain.residual.stride', { stride: params.stride }) : ''}
        </span>
      </header>
      <div className="explain-stage">
        <Ordering o={original} current={!params.preActivation} />
        <Ordering o={pre} current={params.preActivation} />
      </div>
      <p className="explain-muted">
        {t('explain.residual.why')}
      </p>
    </section>
  );
}
