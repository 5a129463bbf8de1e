import { useCallback, useEffect, useMemo, useReducer, useRef, useState, type DragEvent, type MouseEvent, type RefObject } from 'react';
import {
  Background,
  Controls,
  MiniMap,
  ReactFlow,
  useReactFlow,
  useStore,
  type Connection,
  type EdgeChange,
  type IsValidConnection,
  type Node,
  type NodeChange,
  type OnNodeDrag,
} from '@xyflow/react';
import { useDocumentStore } from '../store/document-store';
import { analysisOf } from '../store/analysis';
import { useUiStore } from '../store/ui-store';
import { useShallow } from 'zustand/react/shallow';
import { buildFlow, FlowCache, type FlowNode } from './flow-model';
import { useT } from '../i18n';
import { useFlowAriaLabels } from '../i18n/flow-labels';
import { LayerNode, ModuleNode, PrimNode } from './LayerNode';
import { ShapeEdge } from './ShapeEdge';
import { registerFlow } from './flow-api';
import { setPositions, type XY } from '../model/edits';
import { handleIndex } from '../model/ports';
import { DRAG_MIME } from '../model/palette';
import { commands } from '../app/commands';
import { QuickInsert } from './QuickInsert';
import { useNodeSlots } from './node-slots';
import { currentViewLayout, viewLayoutOf } from './view-layout';
import { fitModel, refitIfFitted } from './fit';
import { Welcome } from '../panels/Welcome';

/** The minimap keeps to about a sixth of the canvas' width (200 × 150 at most), so it never covers much of a small canvas. */
function minimapSize(canvasWidth: number): { width: number; height: number } {
  const width = Math.round(Math.max(96, Math.min(200, canvasWidth / 6)));
  return { width, height: Math.round(width * 0.75) };
}

/** The canvas' width, followed as the window or the panels change; a fitted view fits again. */
function useCanvasWidth(wrapper: RefObject<HTMLDivElement | null>): number {
  const [width, setWidth] = useState(0);
  useEffect(() => {
    const el = wrapper.current;
    if (!el) return;
    let frame = 0;
    const ro = new ResizeObserver(() => {
      setWidth(el.clientWidth);
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(refitIfFitted);
    });
    ro.observe(el);
    return () => {
      ro.disconnect();
      cancelAnimationFrame(frame);
    };
  }, [wrapper]);
  return width;
}

const nodeTypes = { layer: LayerNode, module: ModuleNode, prim: PrimNode };
const edgeTypes = { shape: ShapeEdge };
const MULTI_KEYS = ['Shift', 'Meta', 'Control'];

export function Canvas({ colorMode }: { colorMode: 'light' | 'dark' }) {
  const doc = useDocumentStore((s) => s.doc);
  const analysis = analysisOf(doc);
  const { selectedNodes, selectedEdges, openModules, direction, minimap, cardExtraHeight } = useUiStore(
    useShallow((s) => ({ selectedNodes: s.selectedNodes, selectedEdges: s.selectedEdges, openModules: s.openModules, direction: s.direction, minimap: s.minimap, cardExtraHeight: s.cardExtraHeight })),
  );
  const rf = useReactFlow();
  useEffect(() => {
    registerFlow(rf);
    return () => registerFlow(undefined);
  }, [rf]);

  const dims = useRef(new Map<string, { width: number; height: number }>());
  const [dimsVersion, bumpDims] = useReducer((x: number) => x + 1, 0);
  const [drag, setDrag] = useState<Map<string, XY> | null>(null);
  const cache = useRef(new FlowCache());

  // Opened modules push the cards around them aside on screen only: the document keeps its layout.
  const shown = viewLayoutOf({ doc, analysis, openModules, direction, cardExtraHeight }).positions;
  // The cards' words (titles, summaries, problems) are in the UI's language: rebuild when it changes.
  const { t, lang } = useT();
  const ariaLabelConfig = useFlowAriaLabels();
  const flow = useMemo(
    () => buildFlow({ doc, analysis, selectedNodes, selectedEdges, openModules, direction, cardExtraHeight, dims: dims.current, drag, shown }, cache.current),
    // dimsVersion: dims is a ref that changed.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [doc, analysis, selectedNodes, selectedEdges, openModules, direction, cardExtraHeight, dimsVersion, drag, shown, lang],
  );

  const onNodesChange = useCallback(
    (changes: NodeChange<FlowNode>[]) => {
      let dimsChanged = false;
      let nextSel: Set<string> | undefined;
      let nextDrag: Map<string, XY> | undefined;
      for (const c of changes) {
        if (c.type === 'dimensions' && c.dimensions) {
          const old = dims.current.get(c.id);
          if (!old || old.width !== c.dimensions.width || old.height !== c.dimensions.height) {
            dims.current.set(c.id, c.dimensions);
            dimsChanged = true;
          }
        } else if (c.type === 'select') {
          nextSel ??= new Set(useUiStore.getState().selectedNodes);
          if (c.selected) nextSel.add(c.id);
          else nextSel.delete(c.id);
        } else if (c.type === 'position' && c.dragging && c.position) {
          nextDrag ??= new Map(drag ?? []);
          nextDrag.set(c.id, c.position);
        }
      }
      if (dimsChanged) bumpDims();
      if (nextSel) useUiStore.getState().set({ selectedNodes: nextSel });
      if (nextDrag) setDrag(nextDrag);
    },
    [drag],
  );

  const onEdgesChange = useCallback((changes: EdgeChange[]) => {
    let next: Set<string> | undefined;
    for (const c of changes) {
      if (c.type !== 'select') continue;
      next ??= new Set(useUiStore.getState().selectedEdges);
      if (c.selected) next.add(c.id);
      else next.delete(c.id);
    }
    if (next) useUiStore.getState().set({ selectedEdges: next });
  }, []);

  const onNodeDragStop: OnNodeDrag<FlowNode> = useCallback((_e, _node, nodes: Node[]) => {
    const moved = new Map<string, XY>();
    const docIds = new Set(useDocumentStore.getState().doc.nodes.map((n) => n.id));
    const view = currentViewLayout();
    for (const n of nodes) if (docIds.has(n.id)) moved.set(n.id, view.toDoc(n.id, n.position));
    useDocumentStore.getState().edit(moved.size === 1 ? 'Move node' : `Move ${moved.size} nodes`, (d) => setPositions(d, moved));
    setDrag(null);
  }, []);

  const onConnect = useCallback((c: Connection) => {
    commands.connectNodes(c.source, c.target, handleIndex(c.targetHandle));
  }, []);

  const isValidConnection: IsValidConnection = useCallback((c) => {
    if (c.source === c.target) return false;
    const d = useDocumentStore.getState().doc;
    return d.nodes.some((n) => n.id === c.source) && d.nodes.some((n) => n.id === c.target && n.type !== 'Input');
  }, []);

  // A layer from the palette, or an image file (anywhere: a card, the Input card, the empty pane).
  const { dropImage } = useNodeSlots();
  const [fileOver, setFileOver] = useState(false);
  const onDragOver = useCallback(
    (e: DragEvent) => {
      const file = dropImage && e.dataTransfer.types.includes('Files');
      if (!file && !e.dataTransfer.types.includes(DRAG_MIME)) return;
      e.preventDefault();
      e.dataTransfer.dropEffect = 'copy';
      if (file) setFileOver(true);
    },
    [dropImage],
  );
  const onDragLeave = useCallback((e: DragEvent) => {
    if (!(e.currentTarget as HTMLElement).contains(e.relatedTarget as globalThis.Node | null)) setFileOver(false);
  }, []);

  const onDrop = useCallback(
    (e: DragEvent) => {
      setFileOver(false);
      const files = Array.from(e.dataTransfer.files);
      const image = files.find((f) => f.type.startsWith('image/')) ?? files[0];
      if (image && dropImage) {
        e.preventDefault();
        dropImage(image);
        return;
      }
      const key = e.dataTransfer.getData(DRAG_MIME);
      if (!key) return;
      e.preventDefault();
      commands.insert(key, rf.screenToFlowPosition({ x: e.clientX, y: e.clientY }));
    },
    [rf, dropImage],
  );

  // Far out, text is unreadable: stop painting it (sizes stay, so nothing is re-measured).
  const lowDetail = useStore((st) => st.transform[2] < 0.25);
  const wrapper = useRef<HTMLDivElement>(null);
  const canvasWidth = useCanvasWidth(wrapper);
  const onDoubleClick = useCallback(
    (e: MouseEvent) => {
      if (!(e.target as HTMLElement).classList.contains('react-flow__pane')) return;
      const box = wrapper.current!.getBoundingClientRect();
      useUiStore.getState().set({
        quickInsert: { screen: { x: e.clientX - box.left, y: e.clientY - box.top }, flow: rf.screenToFlowPosition({ x: e.clientX, y: e.clientY }) },
      });
    },
    [rf],
  );

  return (
    <div className={`canvas ${lowDetail ? 'low-detail' : ''}${fileOver ? ' canvas-file-over' : ''}`} ref={wrapper} data-testid="canvas" onDragLeave={onDragLeave}>
      <ReactFlow
        nodes={flow.nodes}
        edges={flow.edges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onNodeDragStop={onNodeDragStop}
        onConnect={onConnect}
        isValidConnection={isValidConnection}
        onDragOver={onDragOver}
        onDrop={onDrop}
        onDoubleClick={onDoubleClick}
        deleteKeyCode={null}
        selectionKeyCode="Shift"
        multiSelectionKeyCode={MULTI_KEYS}
        zoomOnDoubleClick={false}
        panOnScroll
        minZoom={0.01}
        maxZoom={3}
        colorMode={colorMode}
        proOptions={{ hideAttribution: true }}
        ariaLabelConfig={ariaLabelConfig}
        onlyRenderVisibleElements
      >
        <Background gap={24} />
        <Controls showInteractive={false} onFitView={fitModel} />
        {minimap && doc.nodes.length > 0 && <MiniMap pannable zoomable data-testid="minimap" nodeStrokeWidth={3} style={minimapSize(canvasWidth)} ariaLabel={t('canvas.minimap')} />}
      </ReactFlow>
      {doc.nodes.length === 0 && <Welcome />}
      <QuickInsert />
    </div>
  );
}
