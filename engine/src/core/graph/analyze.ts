import type { ModelDocument, ModelNode } from '../document/schema';
import type { Diagnostic, DiagnosticCode, QuickFix } from '../diagnostics';
import { ops as defaultOps } from '../ops';
import type { OpRegistry } from '../ops/registry';
import type { InferContext, OpDef, WeightSpec } from '../ops/op';
import { LIMITS } from '../ops/common';
import { formatShape, numel, type Shape } from '../shape';
import type { Analysis, NodeAnalysis, PrimitiveNode, ReceptiveField, Totals } from './types';
import { formatPath } from '../document/load';

interface Incoming {
  edgeId: string;
  source: string;
}

/**
 * Validate a document and infer every shape and cost. Works on partly wrong graphs: each problem is
 * a diagnostic pinned to its node, edge or parameter, and everything not downstream of an error
 * still gets its shape. Never throws on user input.
 */
export function analyze(doc: ModelDocument, registry: OpRegistry = defaultOps): Analysis {
  const diagnostics: Diagnostic[] = [];
  const nodes: Record<string, NodeAnalysis> = {};
  const edges: Record<string, { shape?: Shape }> = {};
  const prims: PrimitiveNode[] = [];
  const primById = new Map<string, PrimitiveNode>();
  const outputOf: Record<string, string> = {};
  const rf = new Map<string, ReceptiveField>();
  const depthOf = new Map<string, number>();

  // ── Nodes, ops and params ────────────────────────────────────────────────────────────────
  const byId = new Map<string, { node: ModelNode; index: number; op?: OpDef; params?: unknown }>();
  doc.nodes.forEach((node, index) => {
    if (byId.has(node.id)) {
      diagnostics.push({ severity: 'error', code: 'duplicate-node-id', nodeId: node.id, path: `nodes[${index}].id`, message: `Two nodes are called "${node.id}" — node ids must be unique; rename one.` });
      return;
    }
    const entry: { node: ModelNode; index: number; op?: OpDef; params?: unknown } = { node, index };
    byId.set(node.id, entry);
    nodes[node.id] = { id: node.id, type: node.type, status: 'ok', summary: node.type, inputShapes: [], params: 0, macs: 0, activationBytes: 0, internalActivationBytes: 0, primitives: [] };
    const op = registry.get(node.type);
    if (!op) {
      diagnostics.push({ severity: 'error', code: 'unknown-node-type', nodeId: node.id, path: `nodes[${index}].type`, message: `Unknown node type "${node.type}" — known types: ${registry.list().map((o) => o.type).join(', ')}.` });
      nodes[node.id].status = 'error';
      return;
    }
    entry.op = op;
    const parsed = op.params.safeParse(node.params ?? {});
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const param = issue.path.length ? String(issue.path[0]) : undefined;
        const path = formatPath([ 'nodes', index, 'params', ...issue.path ] as PropertyKey[]);
        diagnostics.push({ severity: 'error', code: 'invalid-param', nodeId: node.id, param, path, message: `${op.title} "${node.id}": ${param ? `parameter "${issue.path.join('.')}"` : 'parameters'} — ${issue.message}.` });
      }
      nodes[node.id].status = 'error';
      return;
    }
    entry.params = parsed.data;
    try {
      nodes[node.id].summary = op.summary(parsed.data);
    } catch {
      nodes[node.id].summary = op.title;
    }
  });

  // ── Edges ────────────────────────────────────────────────────────────────────────────────
  const incoming = new Map<string, (Incoming & { port: number; order: number })[]>();
  const outgoing = new Map<string, string[]>();
  doc.edges.forEach((edge, index) => {
    edges[edge.id] = {};
    for (const end of ['source', 'target'] as const) {
      if (!byId.has(edge[end])) {
        diagnostics.push({ severity: 'error', code: 'dangling-edge', edgeId: edge.id, path: `edges[${index}].${end}`, message: `Edge ${edge.id} ${end === 'source' ? 'starts at' : 'ends at'} "${edge[end]}", which is not a node in this model — delete the edge.` });
      }
    }
    if (!byId.has(edge.source) || !byId.has(edge.target)) return;
    const list = incoming.get(edge.target) ?? [];
    list.push({ edgeId: edge.id, source: edge.source, port: edge.targetPort ?? Number.MAX_SAFE_INTEGER, order: index });
    incoming.set(edge.target, list);
    outgoing.set(edge.source, [...(outgoing.get(edge.source) ?? []), edge.target]);
  });
  for (const [target, list] of incoming) {
    list.sort((a, b) => a.port - b.port || a.order - b.order);
    for (let i = 1; i < list.length; i++) {
      if (list[i].port !== Number.MAX_SAFE_INTEGER && list[i].port === list[i - 1].port) {
        diagnostics.push({ severity: 'error', code: 'port-conflict', nodeId: target, edgeId: list[i].edgeId, message: `Two edges go into input port ${list[i].port} of "${target}" — give each its own port.` });
      }
    }
  }

  // ── Topological order; cycles ──────────────────────────────────────────────────────────────
  const indeg = new Map<string, number>();
  for (const id of byId.keys()) indeg.set(id, incoming.get(id)?.length ?? 0);
  const queue = [...byId.keys()].filter((id) => indeg.get(id) === 0);
  const order: string[] = [];
  for (let q = 0; q < queue.length; q++) {
    const id = queue[q];
    order.push(id);
    for (const t of outgoing.get(id) ?? []) {
      const d = indeg.get(t)! - 1;
      indeg.set(t, d);
      if (d === 0) queue.push(t);
    }
  }
  if (order.length < byId.size) {
    const left = new Set([...byId.keys()].filter((id) => indeg.get(id)! > 0));
    // Peel off nodes that are only downstream of a cycle; what remains lies on cycles.
    let changed = true;
    while (changed) {
      changed = false;
      for (const id of left) {
        if (!(outgoing.get(id) ?? []).some((t) => left.has(t))) {
          left.delete(id);
          changed = true;
        }
      }
    }
    const names = [...left].slice(0, 6).join(' → ');
    for (const id of left) {
      diagnostics.push({ severity: 'error', code: 'cycle', nodeId: id, path: `nodes[${byId.get(id)!.index}]`, message: `"${id}" is part of a cycle (${names}${left.size > 6 ? ' …' : ''}) — data must flow one way; remove one of the edges that loops back.` });
      nodes[id].status = 'error';
    }
    for (const id of byId.keys()) if (indeg.get(id)! > 0 && !left.has(id)) nodes[id].status = nodes[id].status === 'ok' ? 'blocked' : nodes[id].status;
  }

  if (!doc.nodes.some((n) => n.type === 'Input')) {
    diagnostics.push({ severity: 'error', code: 'no-input-node', message: 'The model has no Input node — add one (Input sets the image size the network reads).' });
  }

  // ── Shapes and costs, in order ─────────────────────────────────────────────────────────────
  for (const id of order) {
    const entry = byId.get(id)!;
    const info = nodes[id];
    const ins = incoming.get(id) ?? [];
    const outs = outgoing.get(id) ?? [];
    const where = { nodeId: id, path: `nodes[${entry.index}]` };
    if (!entry.op || entry.params === undefined) continue;
    const op = entry.op;
    if (op.arity.min > 0 && ins.length === 0 && outs.length === 0) {
      info.status = 'unconnected';
      diagnostics.push({ severity: 'warning', code: 'unconnected', ...where, message: `${op.title} "${id}" is not connected — connect it or delete it.` });
      continue;
    }
    if (op.arity.max === 0 && ins.length > 0) {
      info.status = 'error';
      diagnostics.push({ severity: 'error', code: 'input-has-incoming', ...where, edgeId: ins[0].edgeId, message: `Input "${id}" cannot have incoming edges — an Input node is where data enters.` });
      continue;
    }
    if (ins.length < op.arity.min) {
      info.status = 'error';
      const need = op.arity.min === 1 ? 'an input' : `at least ${op.arity.min} inputs`;
      diagnostics.push({ severity: 'error', code: 'missing-input', ...where, message: `${op.title} "${id}" needs ${need} but has ${ins.length} — connect ${op.arity.min - ins.length === 1 ? 'one more node' : 'more nodes'} to it.` });
      continue;
    }
    if (ins.length > op.arity.max) {
      info.status = 'error';
      for (const extra of ins.slice(op.arity.max)) {
        diagnostics.push({ severity: 'error', code: 'extra-input', ...where, edgeId: extra.edgeId, message: `${op.title} "${id}" takes ${op.arity.max === 1 ? 'one input' : `at most ${op.arity.max} inputs`} but has ${ins.length} — to merge branches, feed them into a Concat or Add first.` });
      }
      continue;
    }
    if (op.type === 'Input' && outs.length === 0) {
      diagnostics.push({ severity: 'warning', code: 'unconnected', ...where, message: `Input "${id}" is not connected to anything.` });
    }
    const inputShapes = ins.map((e) => nodes[e.source]?.outputShape);
    info.inputShapes = inputShapes;
    if (inputShapes.some((s) => !s)) {
      info.status = 'blocked';
      continue;
    }
    const shapes = inputShapes as Shape[];
    const inPrims = ins.map((e) => outputOf[e.source]);
    let hadError = false;
    const ctxFor = (prefix: string): InferContext => ({
      error(code, message, extra) {
        hadError = true;
        diagnostics.push(pin('error', code, prefix + message, extra));
      },
      warn(code, message, extra) {
        diagnostics.push(pin('warning', code, prefix + message, extra));
      },
    });
    const pin = (severity: 'error' | 'warning', code: DiagnosticCode, message: string, extra?: { param?: string; inputIndex?: number; fix?: QuickFix }): Diagnostic => {
      const d: Diagnostic = { severity, code, message, ...where };
      if (extra?.param && !op.expand) {
        d.param = extra.param;
        d.path = `nodes[${entry.index}].params.${extra.param}`;
      }
      if (extra?.inputIndex !== undefined && ins[extra.inputIndex] && !op.expand) d.edgeId = ins[extra.inputIndex].edgeId;
      if (extra?.fix) d.fix = extra.fix;
      return d;
    };

    if (op.expand) {
      // Check the composite's own input first, then expand and infer its inside.
      op.infer?.(shapes, entry.params, ctxFor(''));
      if (hadError) {
        info.status = 'error';
        continue;
      }
      const sub = op.expand(entry.params, shapes);
      const local = new Map<string, string>();
      let ok = true;
      for (const sn of sub.nodes) {
        const subOp = registry.get(sn.type)!;
        const parsed = subOp.params.safeParse(sn.params);
        const primId = `${id}/${sn.id}`;
        const primInputs = sn.inputs.map((r) => (typeof r === 'number' ? inPrims[r] : local.get(r)!));
        if (!parsed.success) {
          diagnostics.push({ severity: 'error', code: 'invalid-param', ...where, message: `Inside ${op.title} "${id}" (${sn.role ?? sn.id}): ${parsed.error.issues[0]?.message}.` });
          ok = false;
          break;
        }
        const prim = inferPrimitive(primId, subOp, parsed.data, primInputs, id, sn.role, ctxFor(`Inside ${op.title.toLowerCase()} "${id}" (${sn.role ?? sn.id}): `));
        if (!prim) {
          ok = false;
          break;
        }
        local.set(sn.id, primId);
        info.primitives.push(primId);
      }
      if (!ok) {
        info.status = 'error';
        continue;
      }
      const outPrim = primById.get(local.get(sub.output)!)!;
      outputOf[id] = outPrim.id;
      finishNode(info, outPrim);
    } else {
      const prim = inferPrimitive(id, op, entry.params, inPrims, id, undefined, ctxFor(''));
      if (!prim) {
        info.status = 'error';
        continue;
      }
      outputOf[id] = id;
      info.primitives.push(id);
      finishNode(info, prim);
    }
    for (const e of doc.edges) if (e.source === id && edges[e.id]) edges[e.id].shape = info.outputShape;
  }

  function inferPrimitive(primId: string, op: OpDef, params: any, inputIds: string[], owner: string, role: string | undefined, ctx: InferContext): PrimitiveNode | undefined {
    const inputShapes = inputIds.map((i) => primById.get(i)!.shape);
    let shape: Shape | undefined;
    let failed = false;
    const guarded: InferContext = {
      error: (...a) => {
        failed = true;
        ctx.error(...a);
      },
      warn: ctx.warn,
    };
    shape = op.infer?.(inputShapes, params, guarded);
    if (!shape || failed) return undefined;
    if ((shape.length === 3 && shape[0] > LIMITS.channels) || numel(shape) * 4 > LIMITS.activationBytes) {
      ctx.error('too-large', `${op.title}: the output ${formatShape(shape)} is absurdly large (over ${shape.length === 3 && shape[0] > LIMITS.channels ? `${LIMITS.channels.toLocaleString('en-US')} channels` : '16 GiB of activations'}) — reduce the channels or the image size.`);
      return undefined;
    }
    const weights: WeightSpec[] = op.weights?.(inputShapes, params) ?? [];
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
      paramCount: weights.reduce((n, w) => n + (w.trainable ? numel(w.shape) : 0), 0),
      macs: op.macs?.(inputShapes, shape, params) ?? 0,
    };
    prims.push(prim);
    primById.set(primId, prim);
    rf.set(primId, receptiveField(op, params, inputIds, inputShapes));
    const isLayer = op.type === 'Conv2D' || op.type === 'Dense' ? 1 : 0;
    depthOf.set(primId, Math.max(0, ...inputIds.map((i) => depthOf.get(i) ?? 0)) + isLayer);
    return prim;
  }

  function receptiveField(op: OpDef, params: any, inputIds: string[], inputShapes: Shape[]): ReceptiveField {
    if (inputIds.length === 0) return { size: [1, 1], jump: [1, 1] };
    const ins = inputIds.map((i) => rf.get(i)!);
    const base: ReceptiveField = {
      size: [Math.max(...ins.map((r) => r.size[0])), Math.max(...ins.map((r) => r.size[1]))],
      jump: [Math.max(...ins.map((r) => r.jump[0])), Math.max(...ins.map((r) => r.jump[1]))],
    };
    const x = inputShapes[0];
    if ((op.type === 'GlobalPool' || op.type === 'Flatten') && x.length === 3) {
      return { size: [base.size[0] + (x[1] - 1) * base.jump[0], base.size[1] + (x[2] - 1) * base.jump[1]], jump: base.jump };
    }
    const w = op.window?.(params);
    if (!w) return base;
    const ek = [w.dilation[0] * (w.kernel[0] - 1) + 1, w.dilation[1] * (w.kernel[1] - 1) + 1];
    return {
      size: [base.size[0] + (ek[0] - 1) * base.jump[0], base.size[1] + (ek[1] - 1) * base.jump[1]],
      jump: [base.jump[0] * w.stride[0], base.jump[1] * w.stride[1]],
    };
  }

  function finishNode(info: NodeAnalysis, out: PrimitiveNode) {
    info.outputShape = out.shape;
    info.activationBytes = numel(out.shape) * 4;
    info.receptiveField = rf.get(out.id);
    for (const pid of info.primitives) {
      const p = primById.get(pid)!;
      info.params += p.paramCount;
      info.macs += p.macs;
      info.internalActivationBytes += numel(p.shape) * 4;
    }
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
    totals.depth = Math.max(totals.depth, depthOf.get(p.id) ?? 0);
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
