import { useMemo } from 'react';
import { inceptionCost } from '../../../engine/src/core/explain';
import type { InceptionParams } from '../../../engine/src/core/ops/inception';
import './explain.css';

export interface InceptionCostViewProps {
  /** The module's input, C×H×W. */
  input: readonly number[];
  params: InceptionParams;
}

const n = (v: number) => v.toLocaleString('en-US');

/** Why inception is cheap: each branch's MACs as built, next to the same branch without its 1×1 reduction. */
export function InceptionCostView({ input, params }: InceptionCostViewProps) {
  const cost = useMemo(() => inceptionCost(input, params), [input, params]);
  const peak = Math.max(...cost.branches.map((b) => Math.max(b.macs, b.macsWithoutReduction ?? 0)), 1);
  const [c, h, w] = cost.input;
  return (
    <section className="explain" data-testid="explain-inception">
      <header className="explain-header">
        <h3>Why inception is cheap</h3>
        <span className="explain-muted">
          input {c}×{h}×{w}; multiply-accumulates (MACs) per branch
        </span>
      </header>
      <table className="explain-table">
        <thead>
          <tr>
            <th>Branch</th>
            <th>As built</th>
            <th>Without the 1×1 reduction</th>
            <th>Saving</th>
          </tr>
        </thead>
        <tbody>
          {cost.branches.map((b) => (
            <tr key={b.name} data-testid={`inception-branch-${b.name.replace(/\W+/g, '-')}`}>
              <th>{b.name}</th>
              <td>
                {b.stages.map((s) => (
                  <div key={s.label} className="explain-muted">
                    {s.label}: {s.inChannels}→{s.filters}, {n(s.macs)}
                  </div>
                ))}
                <div className="explain-bar" style={{ width: `${(b.macs / peak) * 100}%` }} />
                <b data-testid="macs">{n(b.macs)}</b>
              </td>
              <td>
                {b.withoutReduction === undefined ? (
                  <span className="explain-muted">nothing to remove</span>
                ) : b.withoutReduction.length === 0 ? (
                  <span className="explain-muted">
                    0 here, but {b.outChannelsWithoutReduction} channels (not {b.outChannels}) go on to the next layer
                  </span>
                ) : (
                  <>
                    {b.withoutReduction.map((s) => (
                      <div key={s.label} className="explain-muted">
                        {s.label}: {s.inChannels}→{s.filters}
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
            <th>Module</th>
            <td>
              <b>{n(cost.macs)}</b> → {cost.outChannels} channels
            </td>
            <td>
              <b>{n(cost.macsWithoutReductions)}</b> → {cost.outChannelsWithoutReductions} channels
            </td>
            <td>{(cost.macsWithoutReductions / cost.macs).toFixed(1)}×</td>
          </tr>
        </tfoot>
      </table>
      <p className="explain-muted">
        A 1×1 convolution first shrinks the channels the big kernel has to read: MACs = H·W·filters·inChannels·k², so fewer input channels means proportionally fewer MACs.
      </p>
    </section>
  );
}
