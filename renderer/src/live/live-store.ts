/**
 * Live inference wired to the editor: one LiveRunController per open document, fed by the document
 * store (every edit) and this store (the image, auto-run); its state and latest result live here
 * for the node thumbnails and the Run / Maps panels. Started once by startLiveInference(engine).
 */
import { create } from 'zustand';
import type { EngineClient } from '../../../engine/src/core/api';
import type { ModelDocument } from '../../../engine/src/core/document/schema';
import type { InputParams } from '../../../engine/src/core/ops/input';
import { useDocumentStore } from '../store/document-store';
import { useUiStore } from '../store/ui-store';
import type { ColormapName } from './colormap';
import type { ThumbnailMode } from './feature-image';
import { LiveRunController, type LiveRunSnapshot } from './live-run-controller';
import type { RunInput } from './RunPanel';
import { defaultSampleFor, loadSample, sampleText } from './samples';
import { likelySeeds } from './next-seeds';
import { DEFAULT_SEED } from '../../../engine/src/core/weights/seeded';
import { i18n, t } from '../i18n';

export interface LiveInput extends RunInput {
  /** Chosen automatically (a sample that suits the Input node) rather than by the user. */
  isDefault?: boolean;
}

export interface LiveState {
  input?: LiveInput;
  autoRun: boolean;
  /**
   * While the document trains, re-run the thumbnails and Maps on the live weights (twice a second).
   * On a small machine the page's redraws compete with the trainer: off trains faster.
   */
  followTraining: boolean;
  thumbnailMode: ThumbnailMode;
  colormap: ColormapName;
  snapshot: LiveRunSnapshot;
  /** The engine docId of the current controller. */
  docId?: string;
  set(patch: Partial<Omit<LiveState, 'set'>>): void;
}

const initialSnapshot: LiveRunSnapshot = { status: { kind: 'idle', reason: 'Give the network an image to run it.' }, stale: false };

export const useLiveStore = create<LiveState>()((set) => ({
  autoRun: true,
  followTraining: true,
  thumbnailMode: 'mean',
  colormap: 'viridis',
  snapshot: initialSnapshot,
  set: (patch) => set(patch),
}));

/** The first Input node's params, if the document has one. */
export function firstInputParams(doc: ModelDocument): InputParams | undefined {
  const node = doc.nodes.find((n) => n.type === 'Input');
  const p = node?.params as Partial<InputParams> | undefined;
  if (!p || !Number.isInteger(p.channels) || !Number.isInteger(p.height) || !Number.isInteger(p.width)) return undefined;
  return p as InputParams;
}

/** Why an image cannot feed this Input node, or undefined when it can. */
export function imageUnfit(p: InputParams): string | undefined {
  if (p.channels === 1 || p.channels === 3 || p.channels === 4) return undefined;
  return t('live.unfit', { channels: p.channels });
}

let controller: LiveRunController | undefined;
let stopController: (() => void) | undefined;

export function runLiveNow(): void {
  controller?.runNow();
}

export function cancelLive(): Promise<void> {
  return controller?.cancel() ?? Promise.resolve();
}

/** The controller of the open document (tests and the benchmark read it). */
export function liveController(): LiveRunController | undefined {
  return controller;
}

/**
 * Start live inference against `engine`; returns a stop function. Safe to call once per page.
 * A sample that suits the model is used until the user gives an image of their own.
 */
export function startLiveInference(engine: EngineClient, options: { trainingRefreshMs?: number } = {}): () => void {
  let defaultFor: string | undefined;
  /** A training run of the open document: thumbnails follow its weights (refreshed at most every trainingRefreshMs). */
  let trainId: string | undefined;
  let lastRefresh = -Infinity;

  const push = () => {
    const { doc, weights } = useDocumentStore.getState();
    const { input, autoRun } = useLiveStore.getState();
    const params = firstInputParams(doc);
    const why = params ? imageUnfit(params) : t('live.addInput');
    const weightsToken = weights?.state === 'loaded' ? weights.token : undefined;
    const fullPreviews = autoRun ? shownInFull() : undefined;
    // Runs on a training run's weights need no seeded ones.
    const nextSeeds = trainId ? undefined : likelySeeds(doc.seed ?? DEFAULT_SEED);
    controller?.setInputs({ document: doc, input: why ? undefined : input?.image, autoRun, idleReason: why, ...(nextSeeds ? { nextSeeds } : {}), ...(weightsToken ? { weightsToken } : {}), ...(trainId ? { trainId } : {}), ...(fullPreviews ? { fullPreviews } : {}) });
  };

  /**
   * The node the Maps tab shows gets its preview with every channel; the others come as card
   * previews (what a thumbnail needs). With auto-run off every preview comes in full: selecting
   * another node then must not wait for the next Run.
   */
  const shownInFull = (): string[] => {
    const selected = useUiStore.getState().selectedNodes;
    return selected.size === 1 ? [...selected] : [];
  };
  /** The selection moved to a node whose full preview the shown result lacks: fetch it (everything else is kept). */
  const onSelection = () => {
    push();
    const [id] = shownInFull();
    if (id && useLiveStore.getState().snapshot.result?.nodes[id]?.preview?.card) controller?.refresh();
  };

  const ensureDefaultInput = () => {
    const doc = useDocumentStore.getState().doc;
    const params = firstInputParams(doc);
    const { input } = useLiveStore.getState();
    if (!params || imageUnfit(params) || (input && !input.isDefault)) return;
    const sample = defaultSampleFor(params);
    if (!sample || defaultFor === sample.file) return;
    defaultFor = sample.file;
    loadSample(sample).then(
      (image) => {
        const now = useLiveStore.getState().input;
        if (now && !now.isDefault) return; // the user chose meanwhile
        useLiveStore.getState().set({ input: { image, name: t('live.sampleName', { title: sampleText(sample).title }), isDefault: true } });
      },
      () => {
        defaultFor = undefined;
      },
    );
  };

  const openController = (docKey: number) => {
    stopController?.();
    trainId = undefined;
    const docId = `doc-${docKey}`;
    const c = new LiveRunController(engine, docId);
    controller = c;
    const unsub = c.subscribe(() => useLiveStore.getState().set({ snapshot: c.getSnapshot() }));
    useLiveStore.getState().set({ snapshot: c.getSnapshot(), docId });
    stopController = () => {
      unsub();
      void c.cancel();
      c.dispose();
    };
    push();
  };

  const unsubTraining = engine.onEvent((e) => {
    if (!e.type.startsWith('train-') || !('trainId' in e) || e.docId !== controller?.docId) return;
    if (e.type === 'train-done' || e.type === 'train-failed') {
      if (trainId === e.trainId) {
        trainId = undefined;
        push();
      }
      return;
    }
    if (e.type !== 'train-progress') return;
    const now = performance.now();
    if (trainId !== e.trainId) {
      // The thumbnails already show the weights it starts from: the first refresh comes a period in,
      // not on the first step, while the trainer warms up.
      trainId = e.trainId;
      lastRefresh = now;
      push();
    }
    if (useLiveStore.getState().followTraining && now - lastRefresh >= (options.trainingRefreshMs ?? 500)) {
      lastRefresh = now;
      controller?.refresh();
    }
  });

  openController(useDocumentStore.getState().docId);
  ensureDefaultInput();
  const unsubDoc = useDocumentStore.subscribe((s, prev) => {
    if (s.docId !== prev.docId) openController(s.docId);
    else if (s.doc !== prev.doc) push();
    if (s.doc !== prev.doc) ensureDefaultInput();
  });
  const unsubUi = useUiStore.subscribe((s, prev) => {
    if (s.selectedNodes !== prev.selectedNodes) onSelection();
  });
  const unsubLive = useLiveStore.subscribe((s, prev) => {
    if (s.input !== prev.input || s.autoRun !== prev.autoRun) push();
  });
  // The idle sentence ("Add an Input node…") is in the UI's language.
  i18n.on('languageChanged', push);
  return () => {
    i18n.off('languageChanged', push);
    unsubDoc();
    unsubUi();
    unsubLive();
    unsubTraining();
    stopController?.();
    stopController = undefined;
    controller = undefined;
  };
}
