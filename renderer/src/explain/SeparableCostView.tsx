import { useMemo } from 'react';
import { separableCost, type SeparableStage } from '../../../engine/src/core/explain';
import './explain.css';

export interface SeparableCostViewProps {
  /** What the convolutions read, C×H×W. */
  input: readonly number[];
  filters: number;
  kernel: number | readonly [number, number];
  /** The output map's H×W (default: the input's). */
  output?: readonly number[];
  depthMultiplier?: number;
  /** What is being compared, under the heading ("the lecture's example", "this node's depthwise and projection"). */
  caption?: string;
}

const n = (v: number) => v.toLocaleString('en-US');
const k = (s: SeparableStage) => `${s.kernel[0]}×${s.kernel[1]}`;
/** "3·3·128·256" — how a stage's weights are counted. */
const formula = (s: SeparableStage) => [s.kernel[0], s.kernel[1], s.inChannels / s.groups, s.filters].filter((v, i) => i > 1 || v !== 1).join('·');

/** Why depthwise-separable convolutions are cheap: a standard k×k convolution next to depthwise k×k + pointwise 1×1, weights and MACs. */
export function SeparableCostView({ input, filters, kernel, output, depthMultiplier, caption }: SeparableCostViewProps) {
  const cost = useMemo(() => separableCost(input, filters, kernel, { output, depthMultiplier }), [input, filters, kernel, output, depthMultiplier]);
  const { standard, separable } = cost;
  const [dw, pw] = separable;
  const [c, h, w] = cost.input;
  const ratio = (a: number, b: number) => `${(a / b).toFixed(1)}×`;
  return (
    <section className="explain" data-testid="explain-separable">
      <header className="explain-header">
        <h3>Why depthwise-separable convolutions are cheap</h3>
        <span className="explain-muted">
          {caption ? `${caption}: ` : ''}input {c}×{h}×{w} → {filters} channels at {cost.output[0]}×{cost.output[1]}; weights and multiply-accumulates (MACs)
        </span>
      </header>
      <table className="explain-table">
        <thead>
          <tr>
            <th />
            <th>Standard {k(standard)} conv</th>
            <th>
              Depthwise {k(dw)} + pointwise 1×1
            </th>
            <th>Saving</th>
          </tr>
        </thead>
        <tbody>
          <tr data-testid="separable-layers">
            <th>Layers</th>
            <td className="explain-muted">
              {k(standard)} conv: {standard.inChannels}→{standard.filters}, every filter reads every channel
            </td>
            <td className="explain-muted">
              <div>
                {dw.label}: {dw.groups} channels, each on its own{dw.filters > dw.groups ? ` (${dw.filters / dw.groups} filters each)` : ''}
              </div>
              <div>
                {pw.label}: {pw.inChannels}→{pw.filters}, mixing the channels
              </div>
            </td>
            <td />
          </tr>
          {(['params', 'macs'] as const).map((what) => {
            const std = standard[what];
            const sep = dw[what] + pw[what];
            return (
              <tr key={what} data-testid={`separable-${what}`}>
                <th>{what === 'params' ? 'Weights' : 'MACs'}</th>
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
        Both see the same {k(standard)} window of every channel. The standard convolution filters space and mixes channels in one step: {k(standard)}·C·F weights. The separable one first filters each channel on its own ({k(standard)}·C), then mixes the channels with a 1×1 (C·F) — {(1 / cost.ratio).toFixed(3)} of the cost
        {depthMultiplier && depthMultiplier > 1 ? '' : ` (1/F + 1/k² = 1/${filters} + 1/${standard.kernel[0] * standard.kernel[1]})`}. Xception and MobileNet are built from it.
      </p>
    </section>
  );
}
