import type { ModelDocument, ModelNode } from '../document/schema';
import type { Diagnostic, DiagnosticCode } from '../diagnostics';
import { ops as defaultOps } from '../ops';
import type { OpRegistry } from '../ops/registry';
import type { InferContext, OpDef, WeightSpec } from '../ops/op';
import { LIMITS } from '../ops/common';
import { formatShape, numel, type Shape } from '../shape';
import type { Analysis, NodeAnalysis, PrimitiveNode, ReceptiveField, Totals } from './types';
import { formatPath } from '../document/load';
import { reaches } from './reaches';
import { deadEnds } from './dead-ends';
import { issueParams } from './issue-params';

interface Incoming {
  edgeId: string;
  source: string;
  sourceEntry: Entry;
  port: number;
  order: number;
}

/** Everything the analysis keeps per document node (one record instead of several maps: this runs on every edit). */
interface Entry {
  node: ModelNode;
  index: number;
  info: NodeAnalysis;
  /** Primitive carrying this node's output, once inferred. */
  outPrim: string | undefined;
  op?: OpDef;
  params?: unknown;
  /** Incoming edges, sorted by port then file order. */
  ins: Incoming[];
  /** Target node ids of outgoing edges. */
  outs: string[];
  /** The analysis records of outgoing edges (to give each its shape without a lookup by id). */
  outEdges: { shape?: Shape }[];
  indeg: number;
}

/** Per primitive: the node plus what later primitives need from it. */
interface PrimState {
  prim: PrimitiveNode;
  rf: ReceptiveField;
  depth: number;
}

/** Where a shape rule's diagnostics go: the node being inferred (reused across nodes, no per-node closures). */
interface Current {
  id: string;
  entry: Entry;
  op: OpDef;
  /** Inside a composite: the primitive's role, for the message prefix. */
  inside: string | undefined;
  /** The type of the op whose shape rule runs (a composite's primitive, inside one): the diagnostic's `op` param. */
  ruleOp: string;
  hadError: boolean;
}

const NO_INCOMING: Incoming[] = [];
const NO_IDS: string[] = [];
const NO_EDGES: { shape?: Shape }[] = [];
/** Sort key of an edge without targetPort: after all numbered ports. A small integer keeps the field unboxed. */
const NO_PORT = 2 ** 30 - 1;
const UNIT_RF: ReceptiveField = { size: [1, 1], jump: [1, 1] };

/**
 * Validate a document and infer every shape and cost. Works on partly wrong graphs: each problem is
 * a diagnostic pinned to its node, edge or parameter, and everything not downstream of an error
 * still gets its shape. Never throws on user input.
 */
export function analyze(doc: ModelDocument, registry: OpRegistry = defaultOps): Analysis {
  const diagnostics: Diagnostic[] = [];
  // Null-prototype records: node ids like "__proto__" or "constructor" are just ids.
  const nodes: Record<string, NodeAnalysis> = Object.create(null);
  const edges: Record<string, { shape?: Shape }> = Object.create(null);
  const prims: PrimitiveNode[] = [];
  const primState = new Map<string, PrimState>();
  const outputOf: Record<string, string> = Object.create(null);

  // ── Nodes, ops and params ────────────────────────────────────────────────────────────────
  const byId = new Map<string, Entry>();
  doc.nodes.forEach((node, index) => {
    if (byId.has(node.id)) {
      diagnostics.push({ severity: 'error', code: 'duplicate-node-id', nodeId: node.id, path: `nodes[${index}].id`, message: `Two nodes are called "${node.id}" — node ids must be unique; rename one.`, params: { id: node.id } });
      return;
    }
    const info: NodeAnalysis = { id: node.id, type: node.type, status: 'ok', summary: node.type, inputShapes: [], params: 0, macs: 0, activationBytes: 0, internalActivationBytes: 0, primitives: [] };
    const entry: Entry = { node, index, info, outPrim: undefined, op: undefined, params: undefined, ins: NO_INCOMING, outs: NO_IDS, outEdges: NO_EDGES, indeg: 0 };
    byId.set(node.id, entry);
    nodes[node.id] = info;
    const op = registry.get(node.type);
    if (!op) {
      diagnostics.push({ severity: 'error', code: 'unknown-node-type', nodeId: node.id, path: `nodes[${index}].type`, message: `Unknown node type "${node.type}" — known types: ${registry.list().map((o) => o.type).join(', ')}.`, params: { type: String(node.type), known: registry.list().map((o) => o.type).join(', ') } });
      info.status = 'error';
      return;
    }
    entry.op = op;
    const parsed = op.params.safeParse(node.params ?? {});
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const param = issue.path.length ? String(issue.path[0]) : undefined;
        const path = formatPath(['nodes', index, 'params', ...issue.path] as PropertyKey[]);
        diagnostics.push({ severity: 'error', code: 'invalid-param', nodeId: node.id, param, path, message: `${op.title} "${node.id}": ${param ? `parameter "${issue.path.join('.')}"` : 'parameters'} — ${issue.message}.`, params: { op: op.type, ...issueParams(issue) } });
      }
      info.status = 'error';
      return;
    }
    entry.params = parsed.data;
    try {
      info.summary = op.summary(parsed.data);
    } catch {
      info.summary = op.title;
    }
  });

  // ── Edges ────────────────────────────────────────────────────────────────────────────────
  doc.edges.forEach((edge, index) => {
    const record: { shape?: Shape } = {};
    edges[edge.id] = record;
    const source = byId.get(edge.source);
    const target = byId.get(edge.target);
    if (!source) danglingEdge(edge, index, 'source');
    if (!target) danglingEdge(edge, index, 'target');
    if (!source || !target) return;
    const inc: Incoming = { edgeId: edge.id, source: edge.source, sourceEntry: source, port: edge.targetPort ?? NO_PORT, order: index };
    if (target.ins === NO_INCOMING) target.ins = [inc];
    else target.ins.push(inc);
    target.indeg++;
    if (source.outs === NO_IDS) {
      source.outs = [edge.target];
      source.outEdges = [record];
    } else {
      source.outs.push(edge.target);
      source.outEdges.push(record);
    }
  });
  function danglingEdge(edge: ModelDocument['edges'][number], index: number, end: 'source' | 'target') {
    diagnostics.push({ severity: 'error', code: 'dangling-edge', edgeId: edge.id, path: `edges[${index}].${end}`, message: `Edge ${edge.id} ${end === 'source' ? 'starts at' : 'ends at'} "${edge[end]}", which is not a node in this model — delete the edge.`, params: { variant: end, edge: edge.id, node: String(edge[end]) }, fix: { kind: 'delete-edge', edgeId: edge.id, label: 'Delete this edge' } });
  }
  for (const entry of byId.values()) {
    const target = entry.node.id;
    const list = entry.ins;
    if (list.length < 2) continue;
    let sorted = true;
    for (let i = 1; i < list.length && sorted; i++) sorted = list[i - 1].port < list[i].port || (list[i - 1].port === list[i].port && list[i - 1].order < list[i].order);
    if (!sorted) list.sort((a, b) => a.port - b.port || a.order - b.order);
    for (let i = 1; i < list.length; i++) {
      if (list[i].port !== NO_PORT && list[i].port === list[i - 1].port) {
        diagnostics.push({ severity: 'error', code: 'port-conflict', nodeId: target, edgeId: list[i].edgeId, message: `Two edges go into input port ${list[i].port} of "${target}" — give each its own port.`, params: { port: list[i].port } });
      }
    }
  }

  // ── Topological order; cycles ──────────────────────────────────────────────────────────────
  const order: string[] = [];
  for (const entry of byId.values()) if (entry.indeg === 0) order.push(entry.node.id);
  for (let q = 0; q < order.length; q++) {
    for (const t of byId.get(order[q])!.outs) {
      const te = byId.get(t)!;
      if (--te.indeg === 0) order.push(t);
    }
  }
  if (order.length < byId.size) {
    const left = new Set([...byId.keys()].filter((id) => byId.get(id)!.indeg > 0));
    // Peel off nodes that are only downstream of a cycle; what remains lies on cycles.
    let changed = true;
    while (changed) {
      changed = false;
      for (const id of left) {
        if (!byId.get(id)!.outs.some((t) => left.has(t))) {
          left.delete(id);
          changed = true;
        }
      }
    }
    const names = [...left].slice(0, 6).join(' → ');
    // Only nodes on cycles (in `left`) can lead back to one.
    const onCycle = (from: string) => byId.get(from)!.outs.filter((t) => left.has(t));
    for (const id of left) {
      // The latest edge into this node that closes a loop through it (from a node it feeds).
      const back = byId.get(id)!.ins.filter((e) => left.has(e.source) && reaches(id, e.source, onCycle)).sort((a, b) => b.order - a.order)[0];
      const fix = back && { kind: 'delete-edge' as const, edgeId: back.edgeId, label: `Delete the edge ${back.source} → ${id}` };
      diagnostics.push({ severity: 'error', code: 'cycle', nodeId: id, path: `nodes[${byId.get(id)!.index}]`, message: `"${id}" is part of a cycle (${names}${left.size > 6 ? ' …' : ''}) — data must flow one way; remove one of the edges that loops back.`, params: { nodes: [...left].slice(0, 6).join(' '), more: left.size > 6 ? 1 : 0 }, ...(fix ? { fix } : {}) });
      nodes[id].status = 'error';
    }
    for (const { node: { id }, indeg } of byId.values()) if (indeg > 0 && !left.has(id)) nodes[id].status = nodes[id].status === 'ok' ? 'blocked' : nodes[id].status;
  }

  if (doc.nodes.length === 0) {
    // An empty model is a start, not a mistake: the missing Input is a hint of what to do first.
    diagnostics.push({ severity: 'info', code: 'no-input-node', message: 'The model is empty — start with an Input node (it sets the image size the network reads), then add layers after it.', params: { variant: 'empty' } });
  } else if (!doc.nodes.some((n) => n.type === 'Input')) {
    diagnostics.push({ severity: 'error', code: 'no-input-node', message: 'The model has no Input node — add one (Input sets the image size the network reads).' });
  }

  // ── Shapes and costs, in order ─────────────────────────────────────────────────────────────
  const where = (cur: { id: string; entry: Entry }) => ({ nodeId: cur.id, path: `nodes[${cur.entry.index}]` });
  let cur: Current | undefined;
  const pin = (c: Current, severity: 'error' | 'warning', code: DiagnosticCode, message: string, extra?: Parameters<InferContext['error']>[2]): Diagnostic => {
    const prefix = c.inside === undefined ? '' : `Inside ${c.op.title.toLowerCase()} "${c.id}" (${c.inside}): `;
    const d: Diagnostic = { severity, code, message: prefix + message, ...where(c) };
    d.params = { op: c.ruleOp, ...(c.inside === undefined ? {} : { inside: c.inside }), ...extra?.params };
    if (extra?.param && !c.op.expand) {
      d.param = extra.param;
      d.path = `nodes[${c.entry.index}].params.${extra.param}`;
    }
    const ins = c.entry.ins;
    if (extra?.inputIndex !== undefined && ins[extra.inputIndex] && !c.op.expand) d.edgeId = ins[extra.inputIndex].edgeId;
    if (extra?.fix) d.fix = extra.fix;
    return d;
  };
  /** The one InferContext every shape rule gets; it reports against `cur`. */
  const ctx: InferContext = {
    error(code, message, extra) {
      cur!.hadError = true;
      diagnostics.push(pin(cur!, 'error', code, message, extra));
    },
    warn(code, message, extra) {
      diagnostics.push(pin(cur!, 'warning', code, message, extra));
    },
  };

  for (const id of order) {
    const entry = byId.get(id)!;
    const info = entry.info;
    const ins = entry.ins;
    const outs = entry.outs;
    if (!entry.op || entry.params === undefined) continue;
    const op = entry.op;
    if (op.arity.min > 0 && ins.length === 0 && outs.length === 0) {
      info.status = 'unconnected';
      diagnostics.push({ severity: 'warning', code: 'unconnected', ...where({ id, entry }), message: `${op.title} "${id}" is not connected — connect it or delete it.`, params: { op: op.type } });
      continue;
    }
    if (op.arity.max === 0 && ins.length > 0) {
      info.status = 'error';
      diagnostics.push({ severity: 'error', code: 'input-has-incoming', ...where({ id, entry }), edgeId: ins[0].edgeId, message: `Input "${id}" cannot have incoming edges — an Input node is where data enters.`, params: { op: op.type }, fix: { kind: 'delete-edge', edgeId: ins[0].edgeId, label: 'Delete the edge into this Input' } });
      continue;
    }
    if (ins.length < op.arity.min) {
      info.status = 'error';
      const need = op.arity.min === 1 ? 'an input' : `at least ${op.arity.min} inputs`;
      diagnostics.push({ severity: 'error', code: 'missing-input', ...where({ id, entry }), message: `${op.title} "${id}" needs ${need} but has ${ins.length} — connect ${op.arity.min - ins.length === 1 ? 'one more node' : 'more nodes'} to it.`, params: { op: op.type, need: op.arity.min, have: ins.length } });
      continue;
    }
    if (ins.length > op.arity.max) {
      info.status = 'error';
      for (const extra of ins.slice(op.arity.max)) {
        diagnostics.push({ severity: 'error', code: 'extra-input', ...where({ id, entry }), edgeId: extra.edgeId, message: `${op.title} "${id}" takes ${op.arity.max === 1 ? 'one input' : `at most ${op.arity.max} inputs`} but has ${ins.length} — to merge branches, feed them into a Concat or Add first.`, params: { op: op.type, max: op.arity.max, have: ins.length } });
      }
      continue;
    }
    if (op.type === 'Input' && outs.length === 0) {
      diagnostics.push({ severity: 'warning', code: 'unconnected', ...where({ id, entry }), message: `Input "${id}" is not connected to anything.`, params: { op: op.type, variant: 'input' } });
    }
    const inputShapes: (Shape | undefined)[] = new Array(ins.length);
    const inPrims: string[] = new Array(ins.length);
    let blocked = false;
    for (let i = 0; i < ins.length; i++) {
      const src = ins[i].sourceEntry;
      const s = src.info.outputShape;
      inputShapes[i] = s;
      inPrims[i] = src.outPrim!;
      if (!s) blocked = true;
    }
    info.inputShapes = inputShapes;
    if (blocked) {
      info.status = 'blocked';
      continue;
    }
    const shapes = inputShapes as Shape[];
    try {
      info.summary = op.summary(entry.params, shapes); // with the input shapes: "depthwise conv 3×3, 32"
    } catch {
      /* keep the summary from the params alone */
    }
    // One mutable Current for the whole loop: no per-node allocation.
    const c: Current = cur ?? { id, entry, op, inside: undefined, ruleOp: op.type, hadError: false };
    c.id = id;
    c.entry = entry;
    c.op = op;
    c.inside = undefined;
    c.ruleOp = op.type;
    c.hadError = false;
    cur = c;

    if (op.expand) {
      // Check the composite's own input first, then expand and infer its inside.
      op.infer?.(shapes, entry.params, ctx);
      if (c.hadError) {
        info.status = 'error';
        continue;
      }
      const sub = op.expand(entry.params, shapes);
      const local = new Map<string, string>();
      const primitives: string[] = [];
      let ok = true;
      for (const sn of sub.nodes) {
        const subOp = registry.get(sn.type)!;
        const parsed = subOp.params.safeParse(sn.params);
        const primId = `${id}/${sn.id}`;
        const primInputs = sn.inputs.map((r) => (typeof r === 'number' ? inPrims[r] : local.get(r)!));
        if (!parsed.success) {
          diagnostics.push({ severity: 'error', code: 'invalid-param', ...where({ id, entry }), message: `Inside ${op.title} "${id}" (${sn.role ?? sn.id}): ${parsed.error.issues[0]?.message}.`, params: { op: sn.type, inside: sn.role ?? sn.id, ...(parsed.error.issues[0] ? issueParams(parsed.error.issues[0]) : {}) } });
          ok = false;
          break;
        }
        c.inside = sn.role ?? sn.id;
        const prim = inferPrimitive(primId, subOp, parsed.data, primInputs, id, sn.role, c);
        if (!prim) {
          ok = false;
          break;
        }
        local.set(sn.id, primId);
        primitives.push(primId);
      }
      info.primitives = primitives;
      if (!ok) {
        info.status = 'error';
        continue;
      }
      const outPrim = primState.get(local.get(sub.output)!)!.prim;
      outputOf[id] = outPrim.id;
      entry.outPrim = outPrim.id;
      finishNode(info, outPrim);
    } else {
      const prim = inferPrimitive(id, op, entry.params, inPrims, id, undefined, c);
      if (!prim) {
        info.status = 'error';
        continue;
      }
      outputOf[id] = id;
      entry.outPrim = id;
      info.primitives = [id];
      finishNode(info, prim);
    }
    for (const e of entry.outEdges) e.shape = info.outputShape;
  }

  function inferPrimitive(primId: string, op: OpDef, params: any, inputIds: string[], owner: string, role: string | undefined, c: Current): PrimitiveNode | undefined {
    const inputShapes: Shape[] = new Array(inputIds.length);
    const inputStates: PrimState[] = new Array(inputIds.length);
    for (let i = 0; i < inputIds.length; i++) {
      inputStates[i] = primState.get(inputIds[i])!;
      inputShapes[i] = inputStates[i].prim.shape;
    }
    c.hadError = false;
    c.ruleOp = op.type;
    const shape = op.infer?.(inputShapes, params, ctx);
    if (!shape || c.hadError) return undefined;
    if (shape.some((d) => !Number.isInteger(d) || d <= 0)) {
      ctx.error('non-positive-output', `${op.title}: the output would be ${formatShape(shape)} — every size must be a positive whole number; the input is too small for this layer.`, { params: { shape: formatShape(shape) } });
      return undefined;
    }
    if ((shape.length === 3 && shape[0] > LIMITS.channels) || numel(shape) * 4 > LIMITS.activationBytes) {
      const channels = shape.length === 3 && shape[0] > LIMITS.channels;
      ctx.error('too-large', `${op.title}: the output ${formatShape(shape)} is absurdly large (over ${channels ? `${LIMITS.channels.toLocaleString('en-US')} channels` : '16 GiB of activations'}) — reduce the channels or the image size.`, {
        params: { variant: channels ? 'channels' : 'bytes', shape: formatShape(shape), limit: LIMITS.channels },
      });
      return undefined;
    }
    const weights: WeightSpec[] = op.weights?.(inputShapes, params) ?? [];
    let paramCount = 0;
    for (const w of weights) if (w.trainable) paramCount += numel(w.shape);
    const prim: PrimitiveNode = {
      id: primId,
      type: op.type,
      params,
      inputs: inputIds,
      owner,
      role,
      inputShapes,
      shape,
      weights,
      paramCount,
      macs: op.macs?.(inputShapes, shape, params) ?? 0,
    };
    prims.push(prim);
    let depth = 0;
    for (const s of inputStates) if (s.depth > depth) depth = s.depth;
    const isLayer = op.type === 'Conv2D' || op.type === 'Dense' ? 1 : 0;
    primState.set(primId, { prim, rf: receptiveField(op, params, inputStates, inputShapes), depth: depth + isLayer });
    return prim;
  }

  function receptiveField(op: OpDef, params: any, inputs: PrimState[], inputShapes: Shape[]): ReceptiveField {
    if (inputs.length === 0) return UNIT_RF;
    let base = inputs[0].rf;
    if (inputs.length > 1) {
      const size: [number, number] = [base.size[0], base.size[1]];
      const jump: [number, number] = [base.jump[0], base.jump[1]];
      for (let i = 1; i < inputs.length; i++) {
        const r = inputs[i].rf;
        size[0] = Math.max(size[0], r.size[0]);
        size[1] = Math.max(size[1], r.size[1]);
        jump[0] = Math.max(jump[0], r.jump[0]);
        jump[1] = Math.max(jump[1], r.jump[1]);
      }
      base = { size, jump };
    }
    const x = inputShapes[0];
    if ((op.type === 'GlobalPool' || op.type === 'Flatten') && x.length === 3) {
      return { size: [base.size[0] + (x[1] - 1) * base.jump[0], base.size[1] + (x[2] - 1) * base.jump[1]], jump: base.jump };
    }
    const w = op.window?.(params);
    if (!w) return base;
    const ekh = w.dilation[0] * (w.kernel[0] - 1) + 1;
    const ekw = w.dilation[1] * (w.kernel[1] - 1) + 1;
    return {
      size: [base.size[0] + (ekh - 1) * base.jump[0], base.size[1] + (ekw - 1) * base.jump[1]],
      jump: [base.jump[0] * w.stride[0], base.jump[1] * w.stride[1]],
    };
  }

  function finishNode(info: NodeAnalysis, out: PrimitiveNode) {
    info.outputShape = out.shape;
    info.activationBytes = numel(out.shape) * 4;
    info.receptiveField = primState.get(out.id)!.rf;
    for (const pid of info.primitives) {
      const p = primState.get(pid)!.prim;
      info.params += p.paramCount;
      info.macs += p.macs;
      info.internalActivationBytes += numel(p.shape) * 4;
    }
  }

  // ── Branches that lead nowhere ────────────────────────────────────────────────────────────
  for (const { id, output } of deadEnds(doc)) {
    const entry = byId.get(id);
    if (!entry) continue;
    const title = entry.op?.title ?? entry.node.type;
    diagnostics.push({ severity: 'warning', code: 'dead-end', ...where({ id, entry }), message: `${title} "${id}" leads nowhere: nothing reads its output (the network ends at "${output}") — connect it to the next layer, or delete it.`, params: { op: entry.node.type, output } });
  }

  // ── Quick fixes for the common mistakes ───────────────────────────────────────────────────
  for (const d of diagnostics) {
    if (d.fix || !d.nodeId) continue;
    if (d.code === 'dense-needs-flatten' && d.edgeId) d.fix = { kind: 'insert-flatten', edgeId: d.edgeId, label: 'Insert Flatten before this Dense layer' };
    if (d.code === 'add-shape-mismatch' && d.edgeId) d.fix = { kind: 'add-projection', nodeId: d.nodeId, edgeId: d.edgeId, label: 'Add a 1×1 projection on this input' };
  }

  const totals: Totals = { params: 0, macs: 0, activationBytes: 0, depth: 0 };
  for (const p of prims) {
    totals.params += p.paramCount;
    totals.macs += p.macs;
    if (p.type !== 'Input') totals.activationBytes += numel(p.shape) * 4;
    totals.depth = Math.max(totals.depth, primState.get(p.id)!.depth);
  }
  return {
    valid: !diagnostics.some((d) => d.severity === 'error'),
    diagnostics,
    nodes,
    edges,
    totals,
    primitives: { nodes: prims, outputOf },
    order,
  };
}
