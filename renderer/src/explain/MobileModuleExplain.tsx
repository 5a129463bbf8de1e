/**
 * The Explain tab for the mobile-era modules: a separable convolution, and an inverted residual's
 * depthwise + projection, each against the standard convolution it replaces; a squeeze-excite's
 * cost next to a 3×3 convolution on the same map.
 */
import { ops } from '../engine';
import { hiddenChannels, type InvertedResidualParams } from '../../../engine/src/core/ops/inverted-residual';
import type { SeparableConvParams } from '../../../engine/src/core/ops/separable-conv';
import { squeezeWidth, type SqueezeExciteParams } from '../../../engine/src/core/ops/squeeze-excite';
import { SeparableCostView } from './SeparableCostView';
import './explain.css';

export const MOBILE_EXPLAINED = ['SeparableConv', 'InvertedResidual', 'SqueezeExcite'];

export interface MobileModuleExplainProps {
  type: string;
  params: Record<string, unknown>;
  input?: readonly number[];
  output?: readonly number[];
}

const n = (v: number) => v.toLocaleString('en-US');

export function MobileModuleExplain({ type, params, input, output }: MobileModuleExplainProps) {
  const parsed = ops.get(type)?.params.safeParse(params);
  if (!parsed?.success) return <p className="live-hint">Fix this module’s settings to see it explained.</p>;
  if (input?.length !== 3 || output?.length !== 3) return <p className="live-hint">Connect this module to an input with a known C×H×W shape to see it explained.</p>;
  const [c, h, w] = input;
  if (type === 'SeparableConv') {
    const p = parsed.data as SeparableConvParams;
    return <SeparableCostView input={input} filters={p.filters} kernel={p.kernel} output={output.slice(1)} depthMultiplier={p.depthMultiplier} caption="this node" />;
  }
  if (type === 'InvertedResidual') {
    const p = parsed.data as InvertedResidualParams;
    const hidden = hiddenChannels(p, c);
    return (
      <>
        <SeparableCostView input={[hidden, h, w]} filters={p.filters} kernel={p.kernel} output={output.slice(1)} caption={`this block’s depthwise ${p.kernel}×${p.kernel} and 1×1 projection, on its ${hidden} expanded channels`} />
        <p className="explain-muted">
          The block widens {c} channels to {hidden}
          {hidden === c ? ' (no expansion: ratio 1)' : ' with a 1×1 convolution'}, filters them depthwise and projects them to {p.filters} without an activation — cheap enough to make the middle wide, while only the narrow ends are stored between blocks.
        </p>
      </>
    );
  }
  const p = parsed.data as SqueezeExciteParams;
  const s = squeezeWidth(p, c);
  const weights = 2 * c * s + s + c;
  const conv = 9 * c * c;
  return (
    <section className="explain" data-testid="explain-squeeze-excite">
      <header className="explain-header">
        <h3>What squeeze-and-excitation costs</h3>
        <span className="explain-muted">
          on {c}×{h}×{w}, bottleneck {s}
        </span>
      </header>
      <p>
        Two 1×1 convolutions on the pooled {c}×1×1 vector ({c}→{s}→{c}): <b data-testid="se-weights">{n(weights)}</b> weights and <b data-testid="se-macs">{n(2 * c * s)}</b> MACs. A 3×3 convolution {c}→{c} on the same map has {n(conv)} weights and {n(conv * h * w)} MACs.
      </p>
      <p className="explain-muted">It runs once per image, not once per position: each channel gets one gate between 0 and 1 from what the whole map contains, and is scaled by it.</p>
    </section>
  );
}
