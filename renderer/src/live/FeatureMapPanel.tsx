import { useEffect, useMemo, useState } from 'react';
import type { NodeRunResult, TensorResult } from '../../../engine/src/core/api';
import { fmt, fmtShort } from '../../../engine/src/core/explain/convolution';
import { COLORMAPS, type ColormapName } from './colormap';
import { FeatureCanvas } from './FeatureCanvas';
import { BarChart } from './BarChart';
import { Histogram } from './Histogram';
import { TopK } from './TopK';
import { histogram, previewChannel, previewChannelStats, tensorChannel, tensorChannelStats, type ChannelStats } from './feature-image';
import { isProbabilityVector, type RandomWeights } from './topk';
import './live.css';
import { useT } from '../i18n';

export interface FeatureMapPanelProps {
  nodeId: string;
  title: string;
  result: NodeRunResult;
  /** Fetches this node's full output of the latest run (engine.fetchTensor(docId, nodeId)). */
  fetchTensor?: () => Promise<TensorResult>;
  /** Changes with every run: a fetched tensor belongs to one run. */
  runId?: number;
  /** The output comes after a ReLU, so zeros are dead units. */
  afterRelu?: boolean;
  /** Class names for a Softmax output. */
  labels?: readonly string[];
  /** The document's random kernels: a Softmax's top-5 warns that it is no prediction. */
  randomWeights?: RandomWeights;
  /** The run's batch norms that used this image's statistics (RunResult.calibratedBatchNorm), for the top-k. */
  calibratedBatchNorm?: readonly string[];
  colormap?: ColormapName;
  onColormapChange?(c: ColormapName): void;
}

/** Vectors up to this length are fetched in full for the bar chart (they are tiny). */
const VECTOR_FETCH_LIMIT = 100_000;

/**
 * A selected node's feature maps: one small map per channel with its min/max/mean, a histogram of
 * the activations, the share of dead units; a click enlarges a channel to full resolution (fetched
 * on demand) with the value under the pointer. Vectors (Dense outputs) show as bars, Softmax
 * outputs also as the top-5 classes.
 */
export function FeatureMapPanel({ nodeId, title, result, fetchTensor, runId, afterRelu, labels, randomWeights, calibratedBatchNorm, colormap: cm, onColormapChange }: FeatureMapPanelProps) {
  const { t } = useT();
  const [localCm, setLocalCm] = useState<ColormapName>('viridis');
  const colormap = cm ?? localCm;
  const setColormap = onColormapChange ?? setLocalCm;
  const [tensor, setTensor] = useState<TensorResult>();
  const [fetchError, setFetchError] = useState<string>();
  const [loading, setLoading] = useState(false);
  const [enlarged, setEnlarged] = useState<number>();
  const [hover, setHover] = useState<{ x: number; y: number; value: number }>();
  const isMap = result.shape.length === 3;
  // A card preview (the first channel and the mean) is what the canvas got before this node was
  // selected; its full preview follows in a moment (live-store asks for it).
  const preview = result.preview?.card ? undefined : result.preview;

  // A new run (or another node) invalidates the fetched tensor.
  useEffect(() => {
    setTensor(undefined);
    setFetchError(undefined);
  }, [nodeId, runId]);

  const load = async () => {
    if (!fetchTensor || tensor || loading) return;
    setLoading(true);
    try {
      setTensor(await fetchTensor());
      setFetchError(undefined);
    } catch (e) {
      setFetchError((e as Error).message ?? String(e));
    } finally {
      setLoading(false);
    }
  };

  const isVector = !isMap;
  const vectorLength = isVector ? result.shape.reduce((a, b) => a * b, 1) : 0;
  useEffect(() => {
    if (isVector && vectorLength <= VECTOR_FETCH_LIMIT && !tensor) void load();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [isVector, vectorLength, tensor, nodeId, runId]);
  useEffect(() => {
    if (enlarged !== undefined && !tensor) void load();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [enlarged, tensor]);

  const channelStats: ChannelStats[] = useMemo(() => (tensor && isMap ? tensorChannelStats(tensor) : preview ? previewChannelStats(preview) : []), [tensor, preview, isMap]);
  // The histogram spans exactly the min and max shown above it: the node's statistics (a preview is
  // a downsampled sample of the first channels, whose own range is narrower), or the enlarged channel's.
  const hist = useMemo(() => {
    if (tensor && enlarged !== undefined && isMap) return histogram(tensorChannel(tensor, enlarged).values);
    const range: [number, number] = [result.stats.min, result.stats.max];
    if (tensor) return histogram(tensor.data, 32, range);
    if (!preview) return undefined;
    const all = new Float32Array(preview.channels * preview.width * preview.height);
    for (let c = 0; c < preview.channels; c++) all.set(previewChannel(preview, c).values, c * preview.width * preview.height);
    return histogram(all, 32, range);
  }, [tensor, preview, enlarged, isMap, result.stats.min, result.stats.max]);
  const channelMaps = useMemo(() => (preview && isMap ? Array.from({ length: preview.channels }, (_, c) => previewChannel(preview, c)) : []), [preview, isMap]);

  const s = result.stats;
  const totalChannels = isMap ? result.shape[0] : 1;
  const vectorValues = tensor?.data ?? (preview && !isMap ? previewChannel(preview, 0).values : undefined);

  return (
    <section className="live-fmaps" data-testid="feature-map-panel" data-node-id={nodeId} data-run-id={runId}>
      <header className="live-fmaps-header">
        <h3>{title}</h3>
        <span className="live-shape">{result.shape.join('×')}</span>
        <label className="live-inline">
          {t('live.fmap.colours')}{' '}
          <select value={colormap} onChange={(e) => setColormap(e.target.value as ColormapName)}>
            {COLORMAPS.map((c) => (
              <option key={c.name} value={c.name}>
                {t(`live.fmap.colormap.${c.name}`, { defaultValue: c.title })}
              </option>
            ))}
          </select>
        </label>
      </header>
      <dl className="live-stats" data-testid="node-stats">
        <dt>{t('live.fmap.min')}</dt>
        <dd data-testid="stat-min">{fmt(s.min)}</dd>
        <dt>{t('live.fmap.max')}</dt>
        <dd data-testid="stat-max">{fmt(s.max)}</dd>
        <dt>{t('live.fmap.mean')}</dt>
        <dd>{fmt(s.mean)}</dd>
        <dt>{t('live.fmap.std')}</dt>
        <dd>{fmt(s.std)}</dd>
        <dt>{afterRelu ? t('live.fmap.dead') : t('live.fmap.zeros')}</dt>
        <dd data-testid="dead-share">{(s.zeros * 100).toFixed(1)}%</dd>
      </dl>
      {afterRelu && s.zeros > 0.5 && <p className="live-hint">{t('live.fmap.deadHint')}</p>}
      {hist && <Histogram data={hist} title={tensor ? (enlarged !== undefined ? t('live.fmap.histChannel', { c: enlarged }) : t('live.fmap.hist')) : t('live.fmap.histPreview')} />}
      {fetchError && <p className="live-error">{t('live.fmap.fetchError', { error: fetchError })}</p>}

      {isVector && vectorValues && (
        <>
          {isProbabilityVector(vectorValues) && <TopK probabilities={vectorValues} labels={labels} randomWeights={randomWeights} calibratedBatchNorm={calibratedBatchNorm} />}
          <BarChart values={vectorValues} labels={labels} title={tensor ? t('live.fmap.outputs') : t('live.fmap.outputsPreview')} />
        </>
      )}

      {isMap && enlarged !== undefined && (
        <div className="live-enlarged" data-testid="enlarged-channel" data-channel={enlarged}>
          <div className="live-enlarged-bar">
            <button type="button" onClick={() => setEnlarged(undefined)} aria-label={t('live.fmap.backLabel')}>
              ← {t('live.fmap.all')}
            </button>
            <span>
              {t('live.fmap.channelOf', { c: enlarged, n: totalChannels })}
              {tensor ? t('live.fmap.full', { size: `${result.shape[1]}×${result.shape[2]}` }) : loading ? t('live.fmap.fetching') : t('live.fmap.preview')}
            </span>
          </div>
          {(() => {
            const map = tensor ? tensorChannel(tensor, enlarged) : channelMaps[enlarged];
            const st = channelStats[enlarged];
            return map ? (
              <>
                <FeatureCanvas map={map} colormap={colormap} size={256} onHover={setHover} data-testid="enlarged-canvas" />
                <div className="live-hover-value" data-testid="hover-value">
                  {hover ? `(${hover.x}, ${hover.y}) = ${fmt(hover.value)}` : t('live.fmap.pointAt')}
                </div>
                {st && (
                  <div className="live-channel-stats">
                    {t('live.fmap.channelStats', { min: fmt(st.min), max: fmt(st.max), mean: fmt(st.mean), zeros: (st.zeros * 100).toFixed(1) })}
                    {st.exact ? '' : t('live.fmap.approx')}
                  </div>
                )}
              </>
            ) : null;
          })()}
        </div>
      )}

      {isMap && enlarged === undefined && preview && (
        <>
          {preview.channels < totalChannels && (
            <p className="live-hint">{t('live.fmap.showing', { n: preview.channels, total: totalChannels })}</p>
          )}
          <div className="live-fmap-grid" data-testid="feature-map-grid">
            {channelMaps.map((m, c) => {
              const st = channelStats[c];
              return (
                <button type="button" key={c} className="live-fmap-cell" onClick={() => setEnlarged(c)} title={t('live.fmap.cellTitle', { c, min: fmt(st?.min ?? 0), max: fmt(st?.max ?? 0), mean: fmt(st?.mean ?? 0) })} data-testid="feature-map-cell">
                  <FeatureCanvas map={m} colormap={colormap} size={64} />
                  <span className="live-fmap-caption">
                    #{c} μ {fmtShort(st?.mean ?? 0)}
                  </span>
                  <span className="live-fmap-caption">
                    {fmtShort(st?.min ?? 0)} … {fmtShort(st?.max ?? 0)}
                  </span>
                </button>
              );
            })}
          </div>
        </>
      )}
      {!preview && isMap && <p className="live-hint">{t('live.fmap.noPreview')}</p>}
    </section>
  );
}
