import { useMemo } from 'react';
import { residualComparison, type ResidualOrdering, type ResidualStep } from '../../../engine/src/core/explain';
import type { ResidualUnitParams } from '../../../engine/src/core/ops/residual-unit';
import './explain.css';

export interface ResidualInsideViewProps {
  params: ResidualUnitParams;
  /** The unit's input shape, C×H×W (decides identity vs projection shortcut). */
  input: readonly number[];
}

function Lane({ title, steps, empty, kind }: { title: string; steps: ResidualStep[]; empty?: string; kind: 'residual' | 'shortcut' }) {
  return (
    <div className={`explain-lane explain-lane-${kind}`} data-testid={`residual-lane-${kind}`}>
      <div className="explain-lane-title">{title}</div>
      {steps.length === 0 && <div className="explain-step explain-identity">{empty}</div>}
      {steps.map((s) => (
        <div key={s.id} className={`explain-step explain-step-${s.type}`} title={s.role}>
          {s.label}
        </div>
      ))}
    </div>
  );
}

function Ordering({ o, current }: { o: ResidualOrdering; current: boolean }) {
  return (
    <figure className={`explain-ordering${current ? ' explain-own-mode' : ''}`} data-testid={o.preActivation ? 'residual-preact' : 'residual-original'}>
      <figcaption>
        {o.title}
        {current ? ' — this node' : ''}
      </figcaption>
      <div className="explain-step explain-io">x</div>
      <div className="explain-lanes">
        <Lane kind="residual" title="residual branch F(x)" steps={o.residual} />
        <Lane kind="shortcut" title={o.identityShortcut ? 'shortcut (identity)' : 'shortcut (projection)'} steps={o.shortcut} empty="x unchanged" />
      </div>
      {o.merge.map((s) => (
        <div key={s.id} className={`explain-step explain-step-${s.type}`} title={s.role}>
          {s.type === 'Add' ? 'F(x) + shortcut' : `${s.label} (after the addition)`}
        </div>
      ))}
      <div className="explain-step explain-io">y</div>
    </figure>
  );
}

/** Inside a residual unit: the residual branch and the shortcut, labelled; original and pre-activation orderings side by side. */
export function ResidualInsideView({ params, input }: ResidualInsideViewProps) {
  const [current, other] = useMemo(() => residualComparison(params, input), [params, input]);
  const [original, pre] = current.preActivation ? [other, current] : [current, other];
  return (
    <section className="explain" data-testid="explain-residual">
      <header className="explain-header">
        <h3>Inside the residual unit</h3>
        <span className="explain-muted">
          {params.block} block, {params.filters} filters{params.stride > 1 ? `, stride ${params.stride}` : ''}
        </span>
      </header>
      <div className="explain-stage">
        <Ordering o={original} current={!params.preActivation} />
        <Ordering o={pre} current={params.preActivation} />
      </div>
      <p className="explain-muted">
        The original unit puts BN and ReLU after each convolution and a ReLU after the addition; the pre-activation unit moves them before each convolution, so the shortcut carries x to the output untouched.
      </p>
    </section>
  );
}
