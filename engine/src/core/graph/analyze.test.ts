import { describe, expect, it } from 'vitest';
import { analyze } from './analyze';
import { chain, model, pathResolves, type E, type N } from './test-helpers';
import { OpRegistry } from '../ops/registry';
import { ALL_OPS } from '../ops';
import { z } from 'zod';
import type { Diagnostic } from '../diagnostics';

const INPUT: N = ['x', 'Input', { channels: 3, height: 32, width: 32 }];
/** An unrelated healthy branch: every test checks it still gets its shapes. */
const HEALTHY: N[] = [
  ['ok_conv', 'Conv2D', { filters: 8, kernel: 3, padding: 'same' }],
  ['ok_pool', 'Pool2D', { mode: 'max', kernel: 2 }],
];
const HEALTHY_EDGES: E[] = [['x', 'ok_conv'], ['ok_conv', 'ok_pool']];

function run(nodes: N[], edges: E[]) {
  const doc = model([INPUT, ...HEALTHY, ...nodes], [...HEALTHY_EDGES, ...edges]);
  const a = analyze(doc);
  // Invariants for every case: the healthy branch has its shapes; every diagnostic points at something real.
  expect(a.nodes.ok_conv.outputShape).toEqual([8, 32, 32]);
  expect(a.nodes.ok_pool.outputShape).toEqual([8, 16, 16]);
  for (const d of a.diagnostics) {
    if (d.nodeId) expect(doc.nodes.some((n) => n.id === d.nodeId)).toBe(true);
    if (d.edgeId) expect(doc.edges.some((e) => e.id === d.edgeId)).toBe(true);
    if (d.path) expect(pathResolves(doc, d.path), d.path).toBe(true);
  }
  return { doc, a, only: (code: string) => onlyOne(a.diagnostics, code) };
}

function onlyOne(ds: Diagnostic[], code: string): Diagnostic {
  const hits = ds.filter((d) => d.code === code);
  expect(hits, `${code} in ${JSON.stringify(ds.map((d) => d.code))}`).toHaveLength(1);
  return hits[0];
}

const edgeId = (doc: { edges: { id: string; source: string; target: string }[] }, s: string, t: string) => doc.edges.find((e) => e.source === s && e.target === t)!.id;

describe('lecture example (192×28×28 input)', () => {
  it('32 filters 5×5 "same": 32×28×28 and 120,422,400 MACs', () => {
    const a = analyze(model([['x', 'Input', { channels: 192, height: 28, width: 28 }], ['c', 'Conv2D', { filters: 32, kernel: 5, padding: 'same' }]], chain('x', 'c')));
    expect(a.nodes.c.outputShape).toEqual([32, 28, 28]);
    expect(a.nodes.c.macs).toBe(120_422_400);
    expect(a.totals.macs).toBe(120_422_400);
  });
  it('with a 16-filter 1×1 reduction first: 2,408,448 + 10,035,200 = 12,443,648 MACs', () => {
    const a = analyze(
      model(
        [['x', 'Input', { channels: 192, height: 28, width: 28 }], ['r', 'Conv2D', { filters: 16, kernel: 1 }], ['c', 'Conv2D', { filters: 32, kernel: 5, padding: 'same' }]],
        chain('x', 'r', 'c'),
      ),
    );
    expect(a.nodes.r.macs).toBe(2_408_448);
    expect(a.nodes.c.macs).toBe(10_035_200);
    expect(a.totals.macs).toBe(12_443_648);
    expect(a.nodes.c.outputShape).toEqual([32, 28, 28]);
  });
  it('the issue’s pooling example: min pool 2×2/2 of 1×4×4 is 1×2×2', () => {
    const a = analyze(model([['x', 'Input', { channels: 1, height: 4, width: 4 }], ['p', 'Pool2D', { mode: 'min', kernel: 2, stride: 2 }]], chain('x', 'p')));
    expect(a.valid).toBe(true);
    expect(a.nodes.p.outputShape).toEqual([1, 2, 2]);
  });
});

describe('costs', () => {
  it('counts params as PyTorch: conv weights + bias, BN γ and β (not running stats), dense', () => {
    const a = analyze(
      model(
        [INPUT, ['c', 'Conv2D', { filters: 16, kernel: 3, groups: 1 }], ['bn', 'BatchNorm'], ['g', 'GlobalPool'], ['d', 'Dense', { units: 10 }], ['cn', 'Conv2D', { filters: 16, kernel: 3, bias: false, groups: 1 }]],
        [...chain('x', 'c', 'bn', 'g', 'd'), ['x', 'cn']],
      ),
    );
    expect(a.nodes.c.params).toBe(16 * 3 * 9 + 16);
    expect(a.nodes.cn.params).toBe(16 * 3 * 9);
    expect(a.nodes.bn.params).toBe(32);
    expect(a.nodes.d.params).toBe(16 * 10 + 10);
    expect(a.nodes.d.macs).toBe(160);
    expect(a.nodes.c.activationBytes).toBe(16 * 30 * 30 * 4);
  });
  it('grouped convolutions divide params and MACs by the group count', () => {
    const a = analyze(model([['x', 'Input', { channels: 32, height: 8, width: 8 }], ['c', 'Conv2D', { filters: 64, kernel: 3, padding: 1, groups: 4, bias: false }]], chain('x', 'c')));
    expect(a.nodes.c.params).toBe(64 * 8 * 9);
    expect(a.nodes.c.macs).toBe(64 * 8 * 8 * 8 * 9);
  });
  it('receptive field and jump: two 3×3 convs see 5×5; a 2×2/2 pool doubles the jump', () => {
    const a = analyze(
      model([INPUT, ['c1', 'Conv2D', { filters: 4, kernel: 3 }], ['c2', 'Conv2D', { filters: 4, kernel: 3 }], ['p', 'Pool2D', { mode: 'max', kernel: 2 }], ['c3', 'Conv2D', { filters: 4, kernel: 3 }]], chain('x', 'c1', 'c2', 'p', 'c3')),
    );
    expect(a.nodes.c2.receptiveField).toEqual({ size: [5, 5], jump: [1, 1] });
    expect(a.nodes.p.receptiveField).toEqual({ size: [6, 6], jump: [2, 2] });
    expect(a.nodes.c3.receptiveField).toEqual({ size: [10, 10], jump: [2, 2] });
  });
  it('edges carry the shape of their source', () => {
    const doc = model([INPUT, ['c', 'Conv2D', { filters: 4, kernel: 3 }], ['r', 'Activation']], chain('x', 'c', 'r'));
    const a = analyze(doc);
    expect(a.edges[edgeId(doc, 'c', 'r')].shape).toEqual([4, 30, 30]);
    expect(a.edges[edgeId(doc, 'x', 'c')].shape).toEqual([3, 32, 32]);
  });
});

describe('diagnostics', () => {
  it('cycle: each node on the loop, pinned by node and path; downstream nodes blocked', () => {
    const { a, doc } = run(
      [['a', 'Conv2D', { filters: 3, kernel: 1 }], ['b', 'Activation'], ['add', 'Add'], ['after', 'Activation']],
      [['x', 'add', 0], ['b', 'add', 1], ['add', 'a'], ['a', 'b'], ['b', 'after']],
    );
    const cycles = a.diagnostics.filter((d) => d.code === 'cycle');
    expect(cycles.map((d) => d.nodeId).sort()).toEqual(['a', 'add', 'b']);
    for (const d of cycles) expect(d.path).toBe(`nodes[${doc.nodes.findIndex((n) => n.id === d.nodeId)}]`);
    // Each offers to delete the edge into it that closes the loop; either one breaks it.
    const fixes = Object.fromEntries(cycles.map((d) => [d.nodeId, d.fix]));
    expect(fixes).toEqual({
      add: { kind: 'delete-edge', edgeId: edgeId(doc, 'b', 'add'), label: 'Delete the edge b → add' },
      a: { kind: 'delete-edge', edgeId: edgeId(doc, 'add', 'a'), label: 'Delete the edge add → a' },
      b: { kind: 'delete-edge', edgeId: edgeId(doc, 'a', 'b'), label: 'Delete the edge a → b' },
    });
    for (const d of cycles) {
      const fixed = analyze({ ...doc, edges: doc.edges.filter((e) => e.id !== d.fix!.edgeId) });
      expect(fixed.diagnostics.filter((x) => x.code === 'cycle')).toEqual([]);
    }
    expect(a.nodes.after.status).toBe('blocked');
    expect(a.nodes.after.outputShape).toBeUndefined();
    expect(a.valid).toBe(false);
  });

  it('a self-loop is a cycle', () => {
    const { a, doc } = run([['s', 'Activation']], [['s', 's']]);
    expect(a.diagnostics.find((d) => d.code === 'cycle')).toMatchObject({ nodeId: 's', fix: { kind: 'delete-edge', edgeId: edgeId(doc, 's', 's') } });
  });

  it('missing input: a Conv fed by nothing but feeding something; a Concat with one input', () => {
    const { a } = run([['c', 'Conv2D', { filters: 4, kernel: 3 }], ['r', 'Activation'], ['cat', 'Concat']], [['c', 'r'], ['x', 'cat']]);
    const missing = a.diagnostics.filter((d) => d.code === 'missing-input');
    expect(missing.map((d) => d.nodeId).sort()).toEqual(['c', 'cat']);
    expect(a.nodes.r.status).toBe('blocked');
  });

  it('extra input: pinned to the surplus edge, with a hint to merge first', () => {
    const { a, doc } = run([['c', 'Conv2D', { filters: 4, kernel: 3 }]], [['x', 'c'], ['ok_conv', 'c']]);
    const d = a.diagnostics.find((x) => x.code === 'extra-input')!;
    expect(d.nodeId).toBe('c');
    expect(d.edgeId).toBe(edgeId(doc, 'ok_conv', 'c'));
    expect(d.message).toMatch(/Concat or Add/);
  });

  it('no Input node: a document-level error; the other nodes are reported unconnected or missing input', () => {
    const a = analyze(model([['c', 'Conv2D', { filters: 4, kernel: 3 }], ['r', 'Activation']], chain('c', 'r')));
    const d = onlyOne(a.diagnostics, 'no-input-node');
    expect(d.nodeId).toBeUndefined();
    expect(d.severity).toBe('error');
    expect(onlyOne(a.diagnostics, 'missing-input').nodeId).toBe('c');
  });

  it('an empty model is not an error: the missing Input is an info hint, and the model counts as valid', () => {
    const a = analyze(model([], []));
    const d = onlyOne(a.diagnostics, 'no-input-node');
    expect(d.severity).toBe('info');
    expect(d.message).toMatch(/start with an Input node/);
    expect(a.diagnostics.filter((x) => x.severity !== 'info')).toEqual([]);
    expect(a.valid).toBe(true);
  });

  it('an Input with an incoming edge', () => {
    const { a, doc } = run([['x2', 'Input', { channels: 1, height: 4, width: 4 }]], [['ok_pool', 'x2']]);
    const d = onlyOne(a.diagnostics, 'input-has-incoming');
    expect(d.nodeId).toBe('x2');
    expect(d.edgeId).toBe(edgeId(doc, 'ok_pool', 'x2'));
  });

  it('kernel larger than its padded input: pinned to params.kernel, downstream blocked', () => {
    const { a, doc } = run(
      [['p', 'Pool2D', { mode: 'max', kernel: 8 }], ['big', 'Conv2D', { filters: 4, kernel: 7, padding: 1 }], ['after', 'Activation']],
      [['ok_pool', 'p'], ['p', 'big'], ['big', 'after']],
    );
    expect(a.nodes.p.outputShape).toEqual([8, 2, 2]);
    const d = only(a, 'kernel-too-large');
    expect(d.nodeId).toBe('big');
    expect(d.param).toBe('kernel');
    expect(d.path).toBe(`nodes[${doc.nodes.findIndex((n) => n.id === 'big')}].params.kernel`);
    expect(d.message).toMatch(/7×7 kernel is larger than its 2×2 input padded to 4×4/);
    expect(a.nodes.big.status).toBe('error');
    expect(a.nodes.after.status).toBe('blocked');
  });

  it('kernel too large because of dilation', () => {
    const { a } = run([['d', 'Conv2D', { filters: 4, kernel: 3, dilation: 20 }]], [['x', 'd']]);
    expect(only(a, 'kernel-too-large').message).toMatch(/41×41 with dilation/);
  });

  it('non-positive output size: caught for any op whose rule yields a size ≤ 0 (or not a whole number)', () => {
    const registry = new OpRegistry();
    for (const op of ALL_OPS) registry.register(op);
    registry.register({
      type: 'Crop',
      title: 'Crop',
      category: 'convolution',
      doc: 'Removes a border.',
      params: z.object({ border: z.number().int().nonnegative() }),
      example: { border: 1 },
      arity: { min: 1, max: 1 },
      summary: (p: { border: number }) => `crop ${p.border}`,
      infer: (inputs: readonly (readonly number[])[], p: { border: number }) => [inputs[0][0], inputs[0][1] - 2 * p.border, inputs[0][2] - 2 * p.border],
    });
    const doc = model([INPUT, ...HEALTHY, ['crop', 'Crop', { border: 16 }], ['half', 'Crop', { border: 1.5 }]], [...HEALTHY_EDGES, ['x', 'crop']]);
    doc.edges.push({ id: 'xh', source: 'x', target: 'half' });
    const a = analyze(doc, registry);
    const d = a.diagnostics.filter((x) => x.code === 'non-positive-output');
    expect(d.map((x) => x.nodeId)).toEqual(['crop']);
    expect(d[0].message).toMatch(/3×0×0/);
    expect(a.diagnostics.find((x) => x.nodeId === 'half')?.code).toBe('invalid-param');
    expect(a.nodes.ok_pool.outputShape).toEqual([8, 16, 16]);
  });

  it('group mismatch: groups must divide the input channels and the filters', () => {
    const { a, doc } = run([['g', 'Conv2D', { filters: 8, kernel: 3, groups: 2 }], ['g2', 'Conv2D', { filters: 6, kernel: 3, groups: 4 }]], [['x', 'g'], ['ok_conv', 'g2']]);
    const ds = a.diagnostics.filter((d) => d.code === 'group-mismatch');
    expect(ds.map((d) => d.nodeId).sort()).toEqual(['g', 'g2']);
    const g = ds.find((d) => d.nodeId === 'g')!;
    expect(g.path).toBe(`nodes[${doc.nodes.findIndex((n) => n.id === 'g')}].params.groups`);
    expect(g.message).toMatch(/3 input channels cannot be split into 2 groups/);
    expect(ds.find((d) => d.nodeId === 'g2')!.message).toMatch(/6 filters/);
  });

  it('stride and dilation both above 1 is refused; a stride beyond the kernel is a warning', () => {
    const { a, doc } = run([['sd', 'Conv2D', { filters: 4, kernel: 3, stride: 2, dilation: 2 }], ['skip', 'Pool2D', { mode: 'max', kernel: 2, stride: 3 }]], [['x', 'sd'], ['x', 'skip']]);
    const d = only(a, 'bad-dilation');
    expect(d.nodeId).toBe('sd');
    expect(d.path).toBe(`nodes[${doc.nodes.findIndex((n) => n.id === 'sd')}].params.dilation`);
    const w = only(a, 'bad-stride');
    expect(w.severity).toBe('warning');
    expect(w.nodeId).toBe('skip');
    expect(w.param).toBe('stride');
    expect(a.nodes.skip.outputShape).toEqual([3, 11, 11]);
  });

  it('invalid parameters are pinned to their JSON path', () => {
    const { a, doc } = run([['c', 'Conv2D', { filters: -4, kernel: [3, 0] }], ['m', 'Pool2D', { mode: 'median', kernel: 2 }]], [['x', 'c'], ['x', 'm']]);
    const paths = a.diagnostics.filter((d) => d.code === 'invalid-param').map((d) => d.path);
    const ci = doc.nodes.findIndex((n) => n.id === 'c');
    const mi = doc.nodes.findIndex((n) => n.id === 'm');
    expect(paths).toContain(`nodes[${ci}].params.filters`);
    expect(paths.some((p) => p?.startsWith(`nodes[${ci}].params.kernel`))).toBe(true);
    expect(paths).toContain(`nodes[${mi}].params.mode`);
  });

  it('Add with unequal shapes: pinned to the mismatching edge, suggests a 1×1 projection', () => {
    const { a, doc } = run([['wide', 'Conv2D', { filters: 16, kernel: 3, padding: 1 }], ['sum', 'Add'], ['after', 'Activation']], [['x', 'wide'], ['wide', 'sum', 0], ['x', 'sum', 1], ['sum', 'after']]);
    const d = only(a, 'add-shape-mismatch');
    expect(d.nodeId).toBe('sum');
    expect(d.edgeId).toBe(edgeId(doc, 'x', 'sum'));
    expect(d.message).toMatch(/16×32×32 and 3×32×32/);
    expect(d.message).toMatch(/1×1 projection/);
    expect(d.fix).toEqual({ kind: 'add-projection', nodeId: 'sum', edgeId: edgeId(doc, 'x', 'sum'), label: expect.any(String) });
    expect(a.nodes.wide.outputShape).toEqual([16, 32, 32]);
    expect(a.nodes.after.status).toBe('blocked');
  });

  it('Concat with unequal H×W: pinned to the edge; channel counts may differ', () => {
    const { a, doc } = run([['half', 'Pool2D', { mode: 'avg', kernel: 2 }], ['cat', 'Concat'], ['cat_ok', 'Concat']], [['x', 'cat', 0], ['half', 'cat', 1], ['x', 'half'], ['x', 'cat_ok', 0], ['ok_conv', 'cat_ok', 1]]);
    const d = only(a, 'concat-hw-mismatch');
    expect(d.nodeId).toBe('cat');
    expect(d.edgeId).toBe(edgeId(doc, 'half', 'cat'));
    expect(d.message).toMatch(/32×32 vs 16×16/);
    expect(a.nodes.cat_ok.outputShape).toEqual([11, 32, 32]);
  });

  it('Concat follows targetPort order, not edge order', () => {
    const doc = model([INPUT, ['a', 'Conv2D', { filters: 5, kernel: 1 }], ['cat', 'Concat']], [['x', 'a'], ['a', 'cat', 1], ['x', 'cat', 0]]);
    const a = analyze(doc);
    const cat = a.primitives.nodes.find((p) => p.id === 'cat')!;
    expect(cat.inputs).toEqual(['x', 'a']);
  });

  it('two edges into the same port conflict', () => {
    const { a } = run([['cat', 'Concat']], [['x', 'cat', 0], ['ok_conv', 'cat', 0]]);
    expect(only(a, 'port-conflict').nodeId).toBe('cat');
  });

  it('Dense on a C×H×W map: suggests Flatten, with a fix on the edge; C×1×1 is accepted', () => {
    const { a, doc } = run([['d', 'Dense', { units: 10 }], ['g', 'GlobalPool'], ['d2', 'Dense', { units: 10 }]], [['ok_pool', 'd'], ['ok_pool', 'g'], ['g', 'd2']]);
    const d = only(a, 'dense-needs-flatten');
    expect(d.nodeId).toBe('d');
    expect(d.edgeId).toBe(edgeId(doc, 'ok_pool', 'd'));
    expect(d.message).toMatch(/8×16×16.*Flatten/);
    expect(d.fix).toMatchObject({ kind: 'insert-flatten', edgeId: edgeId(doc, 'ok_pool', 'd') });
    expect(a.nodes.d2.outputShape).toEqual([10]);
  });

  it('a 2-D op on a flat vector is a rank mismatch', () => {
    const { a } = run([['f', 'Flatten'], ['c', 'Conv2D', { filters: 2, kernel: 1 }]], [['x', 'f'], ['f', 'c']]);
    expect(only(a, 'rank-mismatch').nodeId).toBe('c');
  });

  it('unconnected node: a warning only; the model stays valid', () => {
    const { a } = run([['lonely', 'Conv2D', { filters: 2, kernel: 1 }]], []);
    const d = only(a, 'unconnected');
    expect(d.severity).toBe('warning');
    expect(d.nodeId).toBe('lonely');
    expect(a.nodes.lonely.status).toBe('unconnected');
    expect(a.valid).toBe(true);
  });

  it('an Input connected to nothing is a warning', () => {
    const { a } = run([['x2', 'Input', { channels: 1, height: 2, width: 2 }]], []);
    expect(only(a, 'unconnected').nodeId).toBe('x2');
  });

  it('dangling edges, duplicate ids and unknown types are pinned to their paths', () => {
    const doc = model([INPUT, ...HEALTHY, ['x', 'Activation'], ['weird', 'Conv3D']], [...HEALTHY_EDGES, ['x', 'ghost']]);
    const a = analyze(doc);
    expect(onlyOne(a.diagnostics, 'dangling-edge')).toMatchObject({ edgeId: doc.edges[2].id, path: 'edges[2].target' });
    expect(onlyOne(a.diagnostics, 'duplicate-node-id')).toMatchObject({ nodeId: 'x', path: 'nodes[3].id' });
    expect(onlyOne(a.diagnostics, 'unknown-node-type')).toMatchObject({ nodeId: 'weird', path: 'nodes[4].type' });
    expect(a.nodes.ok_pool.outputShape).toEqual([8, 16, 16]);
  });

  it('errors inside a composite are pinned to the composite node', () => {
    const { a } = run(
      [['tiny', 'Input', { channels: 3, height: 1, width: 1 }], ['inc', 'Inception', { c1x1: 4, c3x3reduce: 4, c3x3: 4, c5x5reduce: 4, c5x5: 4, poolProj: 4 }], ['res', 'ResidualUnit', { filters: 4 }]],
      [['tiny', 'inc'], ['ok_pool', 'res']],
    );
    expect(a.nodes.inc.outputShape).toEqual([16, 1, 1]);
    expect(a.nodes.res.outputShape).toEqual([4, 16, 16]);
    // A 1×1 input still works with padding; a Flatten before a residual unit does not.
    const bad = analyze(model([INPUT, ['f', 'Flatten'], ['res', 'ResidualUnit', { filters: 4 }]], chain('x', 'f', 'res')));
    expect(onlyOne(bad.diagnostics, 'rank-mismatch').nodeId).toBe('res');
  });

  it('composites remember which primitive belongs to them', () => {
    const a = analyze(model([INPUT, ['res', 'ResidualUnit', { block: 'bottleneck', filters: 4, stride: 2 }]], chain('x', 'res')));
    expect(a.nodes.res.primitives).toContain('res/proj');
    expect(a.primitives.nodes.filter((p) => p.owner === 'res').map((p) => p.id)).toEqual(a.nodes.res.primitives);
    expect(a.nodes.res.outputShape).toEqual([16, 16, 16]);
    expect(a.primitives.outputOf.res).toBe('res/relu_out');
  });

  it('node ids that are Object.prototype names are ordinary ids; "__proto__", which no object can hold as a key, is refused with why', () => {
    const a = analyze(model([['hasOwnProperty', 'Input', { channels: 1, height: 4, width: 4 }], ['constructor', 'Activation'], ['toString', 'Flatten']], chain('hasOwnProperty', 'constructor', 'toString')));
    expect(a.valid).toBe(true);
    expect(a.nodes['toString' as string].outputShape).toEqual([16]);
    expect(Object.keys(a.nodes)).toEqual(['hasOwnProperty', 'constructor', 'toString']);
    expect(() => model([['__proto__', 'Input', { channels: 1, height: 4, width: 4 }]], [])).toThrow('node id "__proto__" is reserved');
  });
});

function only(a: ReturnType<typeof analyze>, code: string) {
  return onlyOne(a.diagnostics, code);
}
