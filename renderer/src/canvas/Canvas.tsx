import { useCallback, useEffect, useMemo, useReducer, useRef, useState, type DragEvent, type MouseEvent } from 'react';
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
import { LayerNode, ModuleNode, PrimNode } from './LayerNode';
import { ShapeEdge } from './ShapeEdge';
import { registerFlow } from './flow-api';
import { connect, setPositions, type XY } from '../model/edits';
import { handleIndex } from '../model/ports';
import { DRAG_MIME } from '../model/palette';
import { commands, toast } from '../app/commands';
import { QuickInsert } from './QuickInsert';

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

  const flow = useMemo(
    () => buildFlow({ doc, analysis, selectedNodes, selectedEdges, openModules, direction, cardExtraHeight, dims: dims.current, drag }, cache.current),
    // dimsVersion: dims is a ref that changed.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [doc, analysis, selectedNodes, selectedEdges, openModules, direction, cardExtraHeight, dimsVersion, drag],
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
    for (const n of nodes) if (docIds.has(n.id)) moved.set(n.id, n.position);
    useDocumentStore.getState().edit(moved.size === 1 ? 'Move node' : `Move ${moved.size} nodes`, (d) => setPositions(d, moved));
    setDrag(null);
  }, []);

  const onConnect = useCallback((c: Connection) => {
    let reason: string | undefined;
    useDocumentStore.getState().edit('Connect', (d) => {
      const r = connect(d, c.source, c.target, handleIndex(c.targetHandle));
      if (!r.ok) reason = r.reason;
      return r.ok ? r.doc : d;
    });
    if (reason) toast(reason);
  }, []);

  const isValidConnection: IsValidConnection = useCallback((c) => {
    if (c.source === c.target) return false;
    const d = useDocumentStore.getState().doc;
    return d.nodes.some((n) => n.id === c.source) && d.nodes.some((n) => n.id === c.target && n.type !== 'Input');
  }, []);

  const onDragOver = useCallback((e: DragEvent) => {
    if (!e.dataTransfer.types.includes(DRAG_MIME)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
  }, []);

  const onDrop = useCallback(
    (e: DragEvent) => {
      const key = e.dataTransfer.getData(DRAG_MIME);
      if (!key) return;
      e.preventDefault();
      commands.insert(key, rf.screenToFlowPosition({ x: e.clientX, y: e.clientY }));
    },
    [rf],
  );

  // Far out, text is unreadable: stop painting it (sizes stay, so nothing is re-measured).
  const lowDetail = useStore((st) => st.transform[2] < 0.25);
  const wrapper = useRef<HTMLDivElement>(null);
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
    <div className={`canvas ${lowDetail ? 'low-detail' : ''}`} ref={wrapper} data-testid="canvas">
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
        minZoom={0.01}
        maxZoom={3}
        colorMode={colorMode}
        proOptions={{ hideAttribution: true }}
        onlyRenderVisibleElements
      >
        <Background gap={24} />
        <Controls showInteractive={false} />
        {minimap && <MiniMap pannable zoomable data-testid="minimap" nodeStrokeWidth={3} />}
      </ReactFlow>
      {doc.nodes.length === 0 && (
        <div className="canvas-empty" data-testid="canvas-empty">
          Drag layers from the palette, double-click the canvas to insert one, or load a preset.
        </div>
      )}
      <QuickInsert />
    </div>
  );
}
