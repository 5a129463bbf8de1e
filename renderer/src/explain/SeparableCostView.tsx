import { useMemo } from 'react';
import { separableCost, type SeparableStage } from '../../../engine/src/core/explain';
import './explain.css';
import { useT } from '../i18n';

export interface SeparableCostViewProps {
  /** What the convolutions read, C×H×W. */
  input: readonly number[];
  filters: number;
  kernel: number | readonly [number, number];
  /** The output map's H×W (default: the input's). */
  output?: readonly number[];
  depthMultiplier?: number;
  /** What is being compared, under the heading ("the lecture's example", "this node's depthwise and projection"), in the UI's language. */
  caption?: string;
}

const n = (v: number) => v.toLocaleString('en-US');
const k = (s: SeparableStage) => `${s.kernel[0]}×${s.kernel[1]}`;
/** "3·3·128·256" — how a stage's weights are counted. */
const formula = (s: SeparableStage) => [s.kernel[0], s.kernel[1], s.inChannels / s.groups, s.filters].filter((v, i) => i > 1 || v !== 1).join('·');

/** Why depthwise-separable convolutions are cheap: a standard k×k convolution next to depthwise k×k + pointwise 1×1, weights and MACs. */
export function SeparableCostView({ input, filters, kernel, output, depthMultiplier, caption }: SeparableCostViewProps) {
  const { t } = useT();
  const cost = useMemo(() => separableCost(input, filters, kernel, { output, depthMultiplier }), [input, filters, kernel, output, depthMultiplier]);
  const { standard, separable } = cost;
  const [dw, pw] = separable;
  const [c, h, w] = cost.input;
  const ratio = (a: number, b: number) => `${(a / b).toFixed(1)}×`;
  return (
    <section className="explain" data-testid="explain-separable">
      <header className="explain-header">
        <h3>{t('explain.separable.title')}</h3>
        <span className="explain-muted">
          {caption ? `${caption}: ` : ''}
          {t('explain.separable.subtitle', { input: `${c}×${h}×${w}`, filters, size: `${cost.output[0]}×${cost.output[1]}` })}
        </span>
      </header>
      <table className="explain-table">
        <thead>
          <tr>
            <th />
            <th>{t('explain.separable.standard', { k: k(standard) })}</th>
            <th>{t('explain.separable.separable', { k: k(dw) })}</th>
            <th>{t('explain.separable.saving')}</th>
          </tr>
        </thead>
        <tbody>
          <tr data-testid="separable-layers">
            <th>{t('explain.separable.layers')}</th>
            <td className="explain-muted">{t('explain.separable.standardLayer', { k: k(standard), from: standard.inChannels, to: standard.filters })}</td>
            <td className="explain-muted">
              <div>
                {t('explain.separable.depthwiseLayer', { k: k(dw), n: dw.groups })}
                {dw.filters > dw.groups ? t('explain.separable.perChannel', { n: dw.filters / dw.groups }) : ''}
              </div>
              <div>{t('explain.separable.pointwiseLayer', { from: pw.inChannels, to: pw.filters })}</div>
            </td>
            <td />
          </tr>
          {(['params', 'macs'] as const).map((what) => {
            const std = standard[what];
            const sep = dw[what] + pw[what];
            return (
              <tr key={what} data-testid={`separable-${what}`}>
                <th>{t(`explain.separable.${what}`)}</th>
                <td>
                  <div className="explain-muted">{what === 'params' ? formula(standard) : `${formula(standard)} · ${cost.output[0]}·${cost.output[1]}`}</div>
                  <div className="explain-bar explain-bar-alt" style={{ width: '100%' }} />
                  <b data-testid="standard">{n(std)}</b>
                </td>
                <td>
                  <div className="explain-muted">
                    {n(dw[what])} + {n(pw[what])}
                  </div>
                  <div className="explain-bar" style={{ width: `${(sep / std) * 100}%` }} />
                  <b data-testid="separable">{n(sep)}</b>
                </td>
                <td data-testid="ratio">{ratio(std, sep)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <p className="explain-muted">
        {t('explain.separable.why', {
          k: k(standard),
          fraction: (1 / cost.ratio).toFixed(3),
          formula: depthMultiplier && depthMultiplier > 1 ? '' : ` (1/F + 1/k² = 1/${filters} + 1/${standard.kernel[0] * standard.kernel[1]})`,
        })}
      </p>
    </section>
  );
}
