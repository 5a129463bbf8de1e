/**
 * Live inference and the lecture's ideas inside the editor: the node-card thumbnail slot, and the
 * Run, Maps and Explain tabs (the Conv2D kernel editor is part of Explain) of the right panel. Reads the editor's stores; the components
 * it uses take plain props.
 */
import { useEffect, useMemo, useState } from 'react';
import type { PanelTab } from '../panels/RightPanel';
import type { NodeSlots } from '../canvas/node-slots';
import { host } from '../app/host';
import { useAnalysis, useDocumentStore } from '../store/document-store';
import { useUiStore } from '../store/ui-store';
import { ops, pair, type Analysis, type ModelDocument } from '../engine';
import { setParam } from '../model/edits';
import { DEFAULT_SEED } from '../../../engine/src/core/weights/seeded';
import { randomWeightOrigins } from '../../../engine/src/core/weights/origins';
import { LECTURE_CONV_INPUT, convWeights, cropChannel, getKernelSlice, placeCrop, tileMatrix, withInlineConvWeights, withoutInlineConvWeights, type KernelTensor } from '../../../engine/src/core/explain';
import { resolvePads } from '../../../engine/src/core/ops/common';
import type { Padding, Pads } from '../../../engine/src/core/shape';
import type { TensorResult } from '../../../engine/src/core/api';
import type { InputParams } from '../../../engine/src/core/ops/input';
import { FeatureThumbnail } from './FeatureThumbnail';
import { FeatureMapPanel } from './FeatureMapPanel';
import { RunPanel } from './RunPanel';
import type { RandomWeights } from './topk';
import { PreprocessPanel } from './PreprocessPanel';
import { decodeImageFile, droppedImage } from './image-decode';
import { cancelLive, firstInputParams, runLiveNow, useLiveStore } from './live-store';
import { noteSeedChange, plannedReseed } from './next-seeds';
import { KernelEditor } from '../explain/KernelEditor';
import { ConvolutionExplain, DEFAULT_EXPLAIN_KERNEL } from '../explain/ConvolutionExplain';
import { PoolingExplain } from '../explain/PoolingExplain';
import { InceptionCostView } from '../explain/InceptionCostView';
import { ResidualInsideView } from '../explain/ResidualInsideView';
import { MOBILE_EXPLAINED, MobileModuleExplain } from '../explain/MobileModuleExplain';
import { LectureExamples } from '../explain/LectureExamples';
import './live.css';
import { t as tr, useT } from '../i18n';

const edit = (label: string, f: (d: ModelDocument) => ModelDocument) => useDocumentStore.getState().edit(label, f);

// ── Node card thumbnail ──────────────────────────────────────────────────────────────────────

function LiveThumbnailSlot({ nodeId }: { nodeId: string }) {
  const node = useLiveStore((s) => s.snapshot.result?.nodes[nodeId]);
  const skipped = useLiveStore((s) => s.snapshot.result?.skipped.includes(nodeId));
  const runId = useLiveStore((s) => s.snapshot.result?.runId);
  const busy = useLiveStore((s) => ['queued', 'running'].includes(s.snapshot.status.kind));
  const mode = useLiveStore((s) => s.thumbnailMode);
  const colormap = useLiveStore((s) => s.colormap);
  const isInput = useDocumentStore((s) => s.doc.nodes.find((n) => n.id === nodeId)?.type === 'Input');
  const [over, setOver] = useState(false);
  useT();
  const body = node?.preview ? (
    <FeatureThumbnail preview={node.preview} mode={mode} colormap={isInput ? 'gray' : colormap} size={isInput ? 64 : 56} runId={runId} nodeId={nodeId} />
  ) : skipped ? (
    <FeatureThumbnail placeholder={tr('live.thumbSkipped')} size={40} nodeId={nodeId} />
  ) : isInput ? (
    <FeatureThumbnail placeholder={tr('live.thumbDrop')} size={56} nodeId={nodeId} />
  ) : null;
  if (!isInput) return body ? <div className={`live-card-thumb${busy ? ' live-busy' : ''}`}>{body}</div> : null;
  return (
    <div
      className={`live-card-thumb nodrag${over ? ' live-drop-over' : ''}${busy ? ' live-busy' : ''}`}
      data-testid="input-node-drop"
      title={tr('live.dropOnCard')}
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => {
        e.preventDefault();
        e.stopPropagation();
        setOver(false);
        const file = droppedImage(e);
        if (file) void takeDroppedImage(file);
      }}
    >
      {body}
    </div>
  );
}

/** An image dropped on a card or the canvas becomes the image the network runs on. */
async function takeDroppedImage(file: File): Promise<void> {
  try {
    useLiveStore.getState().set({ input: { ...(await decodeImageFile(file, file.name)), name: file.name } });
  } catch (err) {
    useLiveStore.getState().set({ snapshot: { ...useLiveStore.getState().snapshot, notice: (err as Error).message } });
  }
}

/** The tallest thumbnail (the Input node's 64 px) plus the slot's 4 px top margin. */
export const LIVE_SLOTS: NodeSlots = { Thumbnail: LiveThumbnailSlot, thumbnailHeight: 68, dropImage: (file) => void takeDroppedImage(file) };

/** How many conv and dense kernels of the current document are random (for the top-k's warning). */
function useRandomWeights(): RandomWeights {
  const doc = useDocumentStore((s) => s.doc);
  const analysis = useAnalysis();
  return useMemo(() => ({ ...randomWeightOrigins(doc, analysis.primitives), seed: doc.seed ?? DEFAULT_SEED }), [doc, analysis]);
}

// ── Run tab ──────────────────────────────────────────────────────────────────────────────────

function RunTab() {
  const snapshot = useLiveStore((s) => s.snapshot);
  const input = useLiveStore((s) => s.input);
  const autoRun = useLiveStore((s) => s.autoRun);
  const mode = useLiveStore((s) => s.thumbnailMode);
  const set = useLiveStore((s) => s.set);
  const doc = useDocumentStore((s) => s.doc);
  // Another document is another panel: nothing it said about the last one (an image that would not decode) stays.
  const docKey = useDocumentStore((s) => s.docId);
  const inputParams = firstInputParams(doc);
  const randomWeights = useRandomWeights();
  useT();
  return (
    <div className="live-tab" data-testid="live-run-tab">
      <RunPanel
        key={docKey}
        live={snapshot}
        autoRun={autoRun}
        onAutoRunChange={(v) => set({ autoRun: v })}
        onRun={runLiveNow}
        onCancel={() => void cancelLive()}
        seed={doc.seed ?? DEFAULT_SEED}
        onSeedChange={(seed) => {
          noteSeedChange(doc.seed ?? DEFAULT_SEED, seed);
          edit('Change seed', (d) => (d.seed === seed ? d : { ...d, seed }));
        }}
        reseedTo={plannedReseed(doc.seed ?? DEFAULT_SEED)}
        input={input}
        onInput={(i) => set({ input: i })}
        inputParams={inputParams}
        labels={doc.labels}
        randomWeights={randomWeights}
        bindShortcut={false}
      />
      <label className="live-inline-row">
        {tr('live.thumbnails')}{' '}
        <select value={mode} onChange={(e) => set({ thumbnailMode: e.target.value as typeof mode })} data-testid="thumbnail-mode">
          <option value="mean">{tr('live.thumbMean')}</option>
          <option value="first">{tr('live.thumbFirst')}</option>
        </select>
      </label>
    </div>
  );
}

// ── Input node inspector: preprocessing ───────────────────────────────────────────────────────

/** The Input node's preprocessing, editable, with the current image as the network receives it. */
export function InputPreprocessSection({ nodeId }: { nodeId: string }) {
  const node = useDocumentStore((s) => s.doc.nodes.find((n) => n.id === nodeId));
  const image = useLiveStore((s) => s.input?.image);
  const shrunkFrom = useLiveStore((s) => s.input?.shrunkFrom);
  const parsed = useMemo(() => (node ? ops.get('Input')?.params.safeParse(node.params) : undefined), [node]);
  if (!node || !parsed?.success) return null;
  return (
    <div className="live-inspector-section">
      <PreprocessPanel input={parsed.data as InputParams} image={image} shrunkFrom={shrunkFrom} onChange={(p) => edit('Edit preprocessing', (d) => setParam(d, nodeId, 'preprocess', p))} />
    </div>
  );
}

// ── Maps tab ─────────────────────────────────────────────────────────────────────────────────

function useSelectedNode() {
  const selected = useUiStore((s) => s.selectedNodes);
  const doc = useDocumentStore((s) => s.doc);
  const id = selected.size === 1 ? [...selected][0] : undefined;
  return id ? doc.nodes.find((n) => n.id === id) : undefined;
}

function endsInRelu(type: string, params: Record<string, unknown>): boolean {
  if (type === 'Activation') return (params.fn ?? 'relu') === 'relu';
  if (type === 'Inception') return true;
  if (type === 'ResidualUnit') return !params.preActivation;
  return false;
}

function MapsTab() {
  const node = useSelectedNode();
  const result = useLiveStore((s) => s.snapshot.result);
  const docId = useLiveStore((s) => s.docId);
  const colormap = useLiveStore((s) => s.colormap);
  const set = useLiveStore((s) => s.set);
  const labels = useDocumentStore((s) => s.doc.labels);
  const randomWeights = useRandomWeights();
  useT();
  if (!node) return <p className="live-hint live-tab">{tr('live.maps.select')}</p>;
  const r = result?.nodes[node.id];
  if (!r) return <p className="live-hint live-tab">{result?.skipped.includes(node.id) ? tr('live.maps.skipped') : tr('live.maps.noOutput')}</p>;
  return (
    <div className="live-tab">
      <FeatureMapPanel
        nodeId={node.id}
        title={node.label ?? node.id}
        result={r}
        runId={result?.runId}
        fetchTensor={docId ? () => host.engine.fetchTensor(docId, node.id) : undefined}
        afterRelu={endsInRelu(node.type, node.params)}
        labels={labels}
        randomWeights={randomWeights}
        calibratedBatchNorm={result?.calibratedBatchNorm}
        colormap={colormap}
        onColormapChange={(c) => set({ colormap: c })}
      />
    </div>
  );
}

// ── Kernel editor ───────────────────────────────────────────────────────────────────────────────

function convState(doc: ModelDocument, analysis: Analysis, id: string): { kernel: KernelTensor; bias?: Float32Array } | { error: string } {
  try {
    return convWeights(doc, analysis, id);
  } catch (e) {
    return { error: (e as Error).message };
  }
}

/** The kernel editor of a Conv2D node: edits become the node's inline weights. */
function KernelSection({ node }: { node: ModelDocument['nodes'][number] }) {
  const doc = useDocumentStore((s) => s.doc);
  const analysis = useAnalysis();
  const state = useMemo(() => convState(doc, analysis, node.id), [node, doc.seed, analysis]);
  if ('error' in state) return <p className="live-error">{state.error}</p>;
  const id = node.id;
  return (
    <KernelEditor
      kernel={state.kernel}
      bias={state.bias}
      inline={!!node.weights?.kernel}
      onChange={(k, b) => edit('Edit kernel', (d) => withInlineConvWeights(d, id, k, b))}
      onReset={() => edit('Seeded kernel', (d) => withoutInlineConvWeights(d, id))}
    />
  );
}

// ── Explain tab ──────────────────────────────────────────────────────────────────────────────

/** How a Conv2D or Pool2D node slides over its input (its parsed params). */
interface WindowGeometry {
  kernel: number | [number, number];
  stride: number | [number, number];
  padding: Padding;
  dilation?: number | [number, number];
}

interface RealCrop {
  crop?: number[][];
  /** The zero padding to show around the crop: only on sides at the map's border (explain/crop.ts). */
  pads?: Pads;
  label?: string;
  error?: string;
}

/** A crop of channel 0 of the node's input from the last run (fetched in full on demand). */
function useRealInputCrop(nodeId: string | undefined, enabled: boolean, size: number, geometry: WindowGeometry | undefined): RealCrop {
  const doc = useDocumentStore((s) => s.doc);
  const docId = useLiveStore((s) => s.docId);
  const runId = useLiveStore((s) => s.snapshot.result?.runId);
  const source = nodeId ? doc.edges.find((e) => e.target === nodeId)?.source : undefined;
  const [state, setState] = useState<RealCrop>({});
  const geometryKey = JSON.stringify(geometry ?? null);
  useEffect(() => {
    // Disabled: keep the same empty state (a new object on every run would re-render the tab).
    if (!enabled || !source || !docId || runId === undefined || !geometry) return setState((s) => (enabled ? { error: tr('live.crop.runFirst') } : Object.keys(s).length ? {} : s));
    let live = true;
    host.engine.fetchTensor(docId, source).then(
      (t: TensorResult) => {
        if (!live) return;
        const s = t.shape.length === 4 ? t.shape.slice(1) : t.shape;
        if (s.length !== 3) return setState({ error: tr('live.crop.notMap') });
        const mapPads = resolvePads(geometry.padding, s[1], s[2], geometry.kernel, geometry.stride, geometry.dilation ?? 1);
        const place = placeCrop(s[1], s[2], size, mapPads, pair(geometry.stride));
        const crop = cropChannel(t.data, s, 0, place.top, place.left, size).map((row) => row.map((v) => Math.round(v * 100) / 100));
        const padded = place.pads.some((p) => p > 0);
        const where = place.rows === s[1] && place.cols === s[2] ? tr('live.crop.all') : tr('live.crop.where', { rows: `${place.top}–${place.top + place.rows - 1}`, cols: `${place.left}–${place.left + place.cols - 1}` });
        const note = padded ? tr('live.crop.padded') : tr('live.crop.inside');
        setState({ crop, pads: place.pads, label: tr('live.crop.label', { size: `${crop.length}×${crop[0]?.length ?? 0}`, where, note }) });
      },
      (e: Error) => live && setState({ error: e.message }),
    );
    return () => {
      live = false;
    };
    // geometryKey stands for geometry.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [enabled, source, docId, runId, size, geometryKey]);
  return state;
}

function ExplainTab() {
  const node = useSelectedNode();
  const doc = useDocumentStore((s) => s.doc);
  const analysis = useAnalysis();
  const [useReal, setUseReal] = useState(false);
  const prim = node ? analysis.primitives.nodes.find((p) => p.id === node.id) : undefined;
  const kernelSide = prim?.type === 'Conv2D' || prim?.type === 'Pool2D' ? Math.max(...([] as number[]).concat(prim.params.kernel)) : 2;
  const geometry = prim?.type === 'Conv2D' || prim?.type === 'Pool2D' ? (prim.params as WindowGeometry) : undefined;
  const real = useRealInputCrop(node?.id, useReal && !!prim, Math.max(6, kernelSide + 3), geometry);
  // The kernel slice shown and the lecture input it slides over, made again only when the node's
  // weights or the seed change — not on every run result, which would restart the step-through.
  const conv = useMemo(() => {
    if (node?.type !== 'Conv2D' || prim?.type !== 'Conv2D') return undefined;
    let kernel = DEFAULT_EXPLAIN_KERNEL;
    try {
      const w = convWeights(doc, analysis, node.id);
      kernel = getKernelSlice(w.kernel, 0, 0).map((r) => r.map((v) => Math.round(v * 1000) / 1000));
    } catch {
      // no weights yet: the lecture's pattern
    }
    // A kernel larger than the lecture's 4×4 input gets the lecture's pattern repeated to fit.
    const [dh, dw] = pair((prim.params as { dilation: number | [number, number] }).dilation);
    const reach = Math.max(dh * (kernel.length - 1) + 1, dw * (kernel[0].length - 1) + 1);
    return { kernel, tiled: reach > 3 ? tileMatrix(LECTURE_CONV_INPUT, reach + 2) : undefined };
    // doc stands for the node's weights (node) and the seed.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [node, prim, doc.seed, analysis]);
  useT();
  if (!node) return <LectureExamples />;
  const inputShape = analysis.nodes[node.id]?.inputShapes[0];
  const sourceToggle = (
    <label className="live-inline-row">
      <input type="checkbox" checked={useReal} onChange={(e) => setUseReal(e.target.checked)} data-testid="explain-real-input" /> {tr('live.crop.use')}
      {useReal && real.error && <span className="live-error"> — {real.error}</span>}
    </label>
  );
  const realInput = useReal && real.crop ? real.crop : undefined;

  if (node.type === 'Conv2D' && prim && conv) {
    const p = prim.params as { kernel: number | [number, number]; stride: number | [number, number]; padding: never; dilation: number | [number, number] };
    const { kernel } = conv;
    const tiled = realInput ? undefined : conv.tiled;
    return (
      <div className="live-tab">
        <KernelSection node={node} />
        {sourceToggle}
        <ConvolutionExplain
          input={realInput ?? tiled}
          inputLabel={realInput ? real.label : tiled ? tr('live.crop.tiled', { size: `${tiled.length}×${tiled.length}` }) : undefined}
          kernel={kernel} stride={p.stride} padding={realInput && real.pads ? real.pads : p.padding} dilation={p.dilation} />
        <p className="live-hint">{tr(node.weights?.kernel ? 'live.explain.kernelSet' : 'live.explain.kernelSeeded')}</p>
      </div>
    );
  }
  if (node.type === 'Pool2D' && prim) {
    const p = prim.params as { mode: 'max' | 'avg' | 'min'; kernel: number; stride: number; padding: never; countIncludePad: boolean };
    return (
      <div className="live-tab">
        {sourceToggle}
        <PoolingExplain input={realInput} inputLabel={realInput ? real.label : undefined} kernel={p.kernel} stride={p.stride} padding={realInput && real.pads ? real.pads : p.padding} mode={p.mode} countIncludePad={p.countIncludePad} />
      </div>
    );
  }
  if ((node.type === 'Inception' || node.type === 'ResidualUnit') && inputShape?.length === 3) {
    const parsed = ops.get(node.type)?.params.safeParse(node.params);
    if (!parsed?.success) return <p className="live-hint live-tab">{tr('live.explain.fixModule')}</p>;
    return <div className="live-tab">{node.type === 'Inception' ? <InceptionCostView input={inputShape} params={parsed.data as never} /> : <ResidualInsideView input={inputShape} params={parsed.data as never} />}</div>;
  }
  if (node.type === 'Inception' || node.type === 'ResidualUnit') return <p className="live-hint live-tab">{tr('live.explain.connectModule')}</p>;
  if (MOBILE_EXPLAINED.includes(node.type)) {
    return (
      <div className="live-tab">
        <MobileModuleExplain type={node.type} params={node.params} input={inputShape} output={analysis.nodes[node.id]?.outputShape} />
      </div>
    );
  }
  return <p className="live-hint live-tab">{tr('live.explain.none')}</p>;
}

export const LIVE_TABS: PanelTab[] = [
  { id: 'run', title: 'Run', render: () => <RunTab /> },
  { id: 'maps', title: 'Maps', render: () => <MapsTab /> },
  { id: 'explain', title: 'Explain', render: () => <ExplainTab /> },
];
