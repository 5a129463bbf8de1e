import { useMemo } from 'react';
import { inceptionCost } from '../../../engine/src/core/explain';
import type { InceptionParams } from '../../../engine/src/core/ops/inception';
import './explain.css';
import { useT } from '../i18n';
import { stageText } from '../i18n/engine-text';

export interface InceptionCostViewProps {
  /** The module's input, C×H×W. */
  input: readonly number[];
  params: InceptionParams;
}

const n = (v: number) => v.toLocaleString('en-US');

/** Why inception is cheap: each branch's MACs as built, next to the same branch without its 1×1 reduction. */
export function InceptionCostView({ input, params }: InceptionCostViewProps) {
  const { t } = useT();
  const cost = useMemo(() => inceptionCost(input, params), [input, params]);
  const peak = Math.max(...cost.branches.map((b) => Math.max(b.macs, b.macsWithoutReduction ?? 0)), 1);
  const [c, h, w] = cost.input;
  return (
    <section className="explain" data-testid="explain-inception">
      <header className="explain-header">
        <h3>{t('explain.inception.title')}</h3>
        <span className="explain-muted">{t('explain.inception.subtitle', { input: `${c}×${h}×${w}` })}</span>
      </header>
      <table className="explain-table">
        <thead>
          <tr>
            <th>{t('explain.inception.branch')}</th>
            <th>{t('explain.inception.asBuilt')}</th>
            <th>{t('explain.inception.without')}</th>
            <th>{t('explain.inception.saving')}</th>
          </tr>
        </thead>
        <tbody>
          {cost.branches.map((b) => (
            <tr key={b.name} data-testid={`inception-branch-${b.name.replace(/\W+/g, '-')}`}>
              <th>{stageText(b.name)}</th>
              <td>
                {b.stages.map((s) => (
                  <div key={s.label} className="explain-muted">
                    {stageText(s.label)}: {s.inChannels}→{s.filters}, {n(s.macs)}
                  </div>
                ))}
                <div className="explain-bar" style={{ width: `${(b.macs / peak) * 100}%` }} />
                <b data-testid="macs">{n(b.macs)}</b>
              </td>
              <td>
                {b.withoutReduction === undefined ? (
                  <span className="explain-muted">{t('explain.inception.nothing')}</span>
                ) : b.withoutReduction.length === 0 ? (
                  <span className="explain-muted">{t('explain.inception.passOn', { n: b.outChannelsWithoutReduction, not: b.outChannels })}</span>
                ) : (
                  <>
                    {b.withoutReduction.map((s) => (
                      <div key={s.label} className="explain-muted">
                        {stageText(s.label)}: {s.inChannels}→{s.filters}
                      </div>
                    ))}
                    <div className="explain-bar explain-bar-alt" style={{ width: `${((b.macsWithoutReduction ?? 0) / peak) * 100}%` }} />
                    <b data-testid="macs-without">{n(b.macsWithoutReduction ?? 0)}</b>
                  </>
                )}
              </td>
              <td>{b.macsWithoutReduction && b.macs ? `${(b.macsWithoutReduction / b.macs).toFixed(1)}×` : '—'}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th>{t('explain.inception.module')}</th>
            <td>
              <b>{n(cost.macs)}</b> → {t('explain.channels', { n: cost.outChannels })}
            </td>
            <td>
              <b>{n(cost.macsWithoutReductions)}</b> → {t('explain.channels', { n: cost.outChannelsWithoutReductions })}
            </td>
            <td>{(cost.macsWithoutReductions / cost.macs).toFixed(1)}×</td>
          </tr>
        </tfoot>
      </table>
      <p className="explain-muted">
        {t('explain.inception.why')}
      </p>
    </section>
  );
}
