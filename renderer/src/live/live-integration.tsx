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
import { LECTURE_CONV_INPUT, convWeights, cropChannel, getKernelSlice, tileMatrix, withInlineConvWeights, withoutInlineConvWeights, type KernelTensor } from '../../../engine/src/core/explain';
import type { TensorResult } from '../../../engine/src/core/api';
import type { InputParams } from '../../../engine/src/core/ops/input';
import { FeatureThumbnail } from './FeatureThumbnail';
import { FeatureMapPanel } from './FeatureMapPanel';
import { RunPanel } from './RunPanel';
import type { RandomWeights } from './topk';
import { PreprocessPanel } from './PreprocessPanel';
import { decodeImageBlob, droppedImage } from './image-decode';
import { cancelLive, firstInputParams, runLiveNow, useLiveStore } from './live-store';
import { KernelEditor } from '../explain/KernelEditor';
import { ConvolutionExplain, DEFAULT_EXPLAIN_KERNEL } from '../explain/ConvolutionExplain';
import { PoolingExplain } from '../explain/PoolingExplain';
import { InceptionCostView } from '../explain/InceptionCostView';
import { ResidualInsideView } from '../explain/ResidualInsideView';
import './live.css';

const edit = (label: string, f: (d: ModelDocument) => ModelDocument) => useDocumentStore.getState().edit(label, f);

// ── Node card thumbnail ──────────────────────────────────────────────────────────────────────

function LiveThumbnailSlot({ nodeId }: { nodeId: string }) {
  const node = useLiveStore((s) => s.snapshot.result?.nodes[nodeId]);
  const skipped = useLiveStore((s) => s.snapshot.result?.skipped.includes(nodeId));
  const runId = useLiveStore((s) => s.snapshot.result?.runId);
  const busy = useLiveStore((s) => ['waiting', 'queued', 'running'].includes(s.snapshot.status.kind));
  const mode = useLiveStore((s) => s.thumbnailMode);
  const colormap = useLiveStore((s) => s.colormap);
  const isInput = useDocumentStore((s) => s.doc.nodes.find((n) => n.id === nodeId)?.type === 'Input');
  const [over, setOver] = useState(false);
  const body = node?.preview ? (
    <FeatureThumbnail preview={node.preview} mode={mode} colormap={isInput ? 'gray' : colormap} size={isInput ? 64 : 56} runId={runId} nodeId={nodeId} />
  ) : skipped ? (
    <FeatureThumbnail placeholder="skipped" size={40} nodeId={nodeId} />
  ) : isInput ? (
    <FeatureThumbnail placeholder="drop an image" size={56} nodeId={nodeId} />
  ) : null;
  if (!isInput) return body ? <div className={`live-card-thumb${busy ? ' live-busy' : ''}`}>{body}</div> : null;
  return (
    <div
      className={`live-card-thumb nodrag${over ? ' live-drop-over' : ''}${busy ? ' live-busy' : ''}`}
      data-testid="input-node-drop"
      title="Drop an image here"
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={async (e) => {
        e.preventDefault();
        e.stopPropagation();
        setOver(false);
        const file = droppedImage(e);
        if (!file) return;
        try {
          useLiveStore.getState().set({ input: { image: await decodeImageBlob(file, file.name), name: file.name } });
        } catch (err) {
          useLiveStore.getState().set({ snapshot: { ...useLiveStore.getState().snapshot, notice: (err as Error).message } });
        }
      }}
    >
      {body}
    </div>
  );
}

/** The tallest thumbnail (the Input node's 64 px) plus the slot's 4 px top margin. */
export const LIVE_SLOTS: NodeSlots = { Thumbnail: LiveThumbnailSlot, thumbnailHeight: 68 };

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
        onSeedChange={(seed) => edit('Change seed', (d) => (d.seed === seed ? d : { ...d, seed }))}
        input={input}
        onInput={(i) => set({ input: i })}
        inputParams={inputParams}
        labels={doc.labels}
        randomWeights={randomWeights}
        bindShortcut={false}
      />
      <label className="live-inline-row">
        Node thumbnails{' '}
        <select value={mode} onChange={(e) => set({ thumbnailMode: e.target.value as typeof mode })} data-testid="thumbnail-mode">
          <option value="mean">mean over channels</option>
          <option value="first">first channel</option>
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
  const parsed = useMemo(() => (node ? ops.get('Input')?.params.safeParse(node.params) : undefined), [node]);
  if (!node || !parsed?.success) return null;
  return (
    <div className="live-inspector-section">
      <PreprocessPanel input={parsed.data as InputParams} image={image} onChange={(p) => edit('Edit preprocessing', (d) => setParam(d, nodeId, 'preprocess', p))} />
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
  if (!node) return <p className="live-hint live-tab">Select one node to see its feature maps.</p>;
  const r = result?.nodes[node.id];
  if (!r) return <p className="live-hint live-tab">{result?.skipped.includes(node.id) ? 'This node was skipped in the last run (it has an error, or an error upstream).' : 'No output for this node yet — run the network.'}</p>;
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

/** A crop of channel 0 of the node's input from the last run (fetched in full on demand). */
function useRealInputCrop(nodeId: string | undefined, enabled: boolean, size: number): { crop?: number[][]; label?: string; error?: string } {
  const doc = useDocumentStore((s) => s.doc);
  const docId = useLiveStore((s) => s.docId);
  const runId = useLiveStore((s) => s.snapshot.result?.runId);
  const source = nodeId ? doc.edges.find((e) => e.target === nodeId)?.source : undefined;
  const [state, setState] = useState<{ crop?: number[][]; label?: string; error?: string }>({});
  useEffect(() => {
    if (!enabled || !source || !docId || runId === undefined) return setState(enabled ? { error: 'Run the network first: the crop comes from the last run.' } : {});
    let live = true;
    host.engine.fetchTensor(docId, source).then(
      (t: TensorResult) => {
        if (!live) return;
        const s = t.shape.length === 4 ? t.shape.slice(1) : t.shape;
        if (s.length !== 3) return setState({ error: 'The node’s input is not a feature map.' });
        const top = Math.floor((s[1] - size) / 2);
        const left = Math.floor((s[2] - size) / 2);
        const crop = cropChannel(t.data, s, 0, top, left, size).map((row) => row.map((v) => Math.round(v * 100) / 100));
        setState({ crop, label: `a ${crop.length}×${crop[0]?.length ?? 0} crop of channel 0 of the node’s real input (rounded)` });
      },
      (e: Error) => live && setState({ error: e.message }),
    );
    return () => {
      live = false;
    };
  }, [enabled, source, docId, runId, size]);
  return state;
}

function ExplainTab() {
  const node = useSelectedNode();
  const doc = useDocumentStore((s) => s.doc);
  const analysis = useAnalysis();
  const [useReal, setUseReal] = useState(false);
  const prim = node ? analysis.primitives.nodes.find((p) => p.id === node.id) : undefined;
  const kernelSide = prim?.type === 'Conv2D' || prim?.type === 'Pool2D' ? Math.max(...([] as number[]).concat(prim.params.kernel)) : 2;
  const real = useRealInputCrop(node?.id, useReal && !!prim, Math.max(6, kernelSide + 3));
  if (!node) return <p className="live-hint live-tab">Select a Conv2D, Pool2D, Inception or Residual unit node to see its idea explained.</p>;
  const inputShape = analysis.nodes[node.id]?.inputShapes[0];
  const sourceToggle = (
    <label className="live-inline-row">
      <input type="checkbox" checked={useReal} onChange={(e) => setUseReal(e.target.checked)} data-testid="explain-real-input" /> Use a crop of the node’s real input
      {useReal && real.error && <span className="live-error"> — {real.error}</span>}
    </label>
  );
  const realInput = useReal && real.crop ? real.crop : undefined;

  if (node.type === 'Conv2D' && prim) {
    const p = prim.params as { kernel: number | [number, number]; stride: number | [number, number]; padding: never; dilation: number | [number, number] };
    let kernel = DEFAULT_EXPLAIN_KERNEL;
    try {
      const w = convWeights(doc, analysis, node.id);
      kernel = getKernelSlice(w.kernel, 0, 0).map((r) => r.map((v) => Math.round(v * 1000) / 1000));
    } catch {
      // no weights yet: the lecture's pattern
    }
    // A kernel larger than the lecture's 4×4 input gets the lecture's pattern repeated to fit.
    const [dh, dw] = pair(p.dilation);
    const reach = Math.max(dh * (kernel.length - 1) + 1, dw * (kernel[0].length - 1) + 1);
    const tiled = !realInput && reach > 3 ? tileMatrix(LECTURE_CONV_INPUT, reach + 2) : undefined;
    return (
      <div className="live-tab">
        <KernelSection node={node} />
        {sourceToggle}
        <ConvolutionExplain
          input={realInput ?? tiled}
          inputLabel={realInput ? real.label : tiled ? `the lecture’s 4×4 input repeated to ${tiled.length}×${tiled.length} (this kernel is bigger than 4×4)` : undefined}
          kernel={kernel} stride={p.stride} padding={p.padding} dilation={p.dilation} />
        <p className="live-hint">Kernel: this node’s filter 0, input channel 0{node.weights?.kernel ? ' (as set above)' : ' (seeded random; pick a preset above)'}.</p>
      </div>
    );
  }
  if (node.type === 'Pool2D' && prim) {
    const p = prim.params as { mode: 'max' | 'avg' | 'min'; kernel: number; stride: number; padding: never; countIncludePad: boolean };
    return (
      <div className="live-tab">
        {sourceToggle}
        <PoolingExplain input={realInput} inputLabel={realInput ? real.label : undefined} kernel={p.kernel} stride={p.stride} padding={p.padding} mode={p.mode} countIncludePad={p.countIncludePad} />
      </div>
    );
  }
  if ((node.type === 'Inception' || node.type === 'ResidualUnit') && inputShape?.length === 3) {
    const parsed = ops.get(node.type)?.params.safeParse(node.params);
    if (!parsed?.success) return <p className="live-hint live-tab">Fix this module’s settings to see it explained.</p>;
    return <div className="live-tab">{node.type === 'Inception' ? <InceptionCostView input={inputShape} params={parsed.data as never} /> : <ResidualInsideView input={inputShape} params={parsed.data as never} />}</div>;
  }
  if (node.type === 'Inception' || node.type === 'ResidualUnit') return <p className="live-hint live-tab">Connect this module to an input with a known C×H×W shape to see it explained.</p>;
  return <p className="live-hint live-tab">Explanations exist for Conv2D, Pool2D, Inception and Residual unit nodes.</p>;
}

export const LIVE_TABS: PanelTab[] = [
  { id: 'run', title: 'Run', render: () => <RunTab /> },
  { id: 'maps', title: 'Maps', render: () => <MapsTab /> },
  { id: 'explain', title: 'Explain', render: () => <ExplainTab /> },
];
