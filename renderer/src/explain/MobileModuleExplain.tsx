/**
 * The Explain tab for the mobile-era modules: a separable convolution, and an inverted residual's
 * depthwise + projection, each against the standard convolution it replaces; a squeeze-excite's
 * cost next to a 3×3 convolution on the same map.
 */
import { Trans } from 'react-i18next';
import { ops } from '../engine';
import { hiddenChannels, type InvertedResidualParams } from '../../../engine/src/core/ops/inverted-residual';
import type { SeparableConvParams } from '../../../engine/src/core/ops/separable-conv';
import { squeezeWidth, type SqueezeExciteParams } from '../../../engine/src/core/ops/squeeze-excite';
import { SeparableCostView } from './SeparableCostView';
import './explain.css';
import { i18n, useT } from '../i18n';

export const MOBILE_EXPLAINED = ['SeparableConv', 'InvertedResidual', 'SqueezeExcite'];

export interface MobileModuleExplainProps {
  type: string;
  params: Record<string, unknown>;
  input?: readonly number[];
  output?: readonly number[];
}

const n = (v: number) => v.toLocaleString('en-US');

export function MobileModuleExplain({ type, params, input, output }: MobileModuleExplainProps) {
  const { t } = useT();
  const parsed = ops.get(type)?.params.safeParse(params);
  if (!parsed?.success) return <p className="live-hint">{t('live.explain.fixModule')}</p>;
  if (input?.length !== 3 || output?.length !== 3) return <p className="live-hint">{t('live.explain.connectModule')}</p>;
  const [c, h, w] = input;
  if (type === 'SeparableConv') {
    const p = parsed.data as SeparableConvParams;
    return <SeparableCostView input={input} filters={p.filters} kernel={p.kernel} output={output.slice(1)} depthMultiplier={p.depthMultiplier} caption={t('explain.mobile.thisNode')} />;
  }
  if (type === 'InvertedResidual') {
    const p = parsed.data as InvertedResidualParams;
    const hidden = hiddenChannels(p, c);
    const widen = t(hidden === c ? 'explain.mobile.noExpansion' : 'explain.mobile.expansion', { c, hidden });
    return (
      <>
        <SeparableCostView input={[hidden, h, w]} filters={p.filters} kernel={p.kernel} output={output.slice(1)} caption={t('explain.mobile.blockCaption', { k: `${p.kernel}×${p.kernel}`, hidden })} />
        <p className="explain-muted">{t('explain.mobile.block', { widen, filters: p.filters })}</p>
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
        <h3>{t('explain.mobile.seTitle')}</h3>
        <span className="explain-muted">{t('explain.mobile.seSubtitle', { input: `${c}×${h}×${w}`, s })}</span>
      </header>
      <p>
        <Trans
          i18n={i18n}
          ns="ui"
          i18nKey="explain.mobile.seCost"
          values={{ c, s, weights: n(weights), macs: n(2 * c * s), convWeights: n(conv), convMacs: n(conv * h * w) }}
          components={{ weights: <b data-testid="se-weights" />, macs: <b data-testid="se-macs" /> }}
        />
      </p>
      <p className="explain-muted">{t('explain.mobile.seWhy')}</p>
    </section>
  );
}
