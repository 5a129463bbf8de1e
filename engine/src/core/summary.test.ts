import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyze } from './graph/analyze';
import { getPreset } from './presets';
import { buildSummary, formatBytes, formatCount, formatMetric, summaryToCsv, summaryToJson, summaryToMarkdown, summaryToText } from './summary';
import { model, chain } from './graph/test-helpers';

const summaryOf = (name: string, expand = false) => {
  const doc = getPreset(name);
  return buildSummary(doc, analyze(doc), { expand });
};

describe('summary', () => {
  it('one row per document node in topological order; composites once, with their totals', () => {
    const s = summaryOf('resnet50');
    expect(s.rows.filter((r) => r.type === 'ResidualUnit')).toHaveLength(16);
    expect(s.rows.every((r) => r.depth === 0)).toBe(true);
    expect(s.rows[0].id).toBe('input');
    expect(s.rows.reduce((n, r) => n + r.params, 0)).toBe(25_557_032);
    expect(s.rows.reduce((n, r) => n + r.macs, 0)).toBe(s.totals.macs);
    expect(s.rows.find((r) => r.id === 'conv2_1')).toMatchObject({ label: 'conv2_x unit 1', outputShape: [256, 56, 56], params: 75_008 });
  });

  it('--expand lists each composite’s primitives right after it, adding up to its totals', () => {
    const s = summaryOf('googlenet', true);
    const i = s.rows.findIndex((r) => r.id === 'inception_3a');
    const inside = s.rows.slice(i + 1, i + 15);
    expect(inside.every((r) => r.depth === 1 && r.owner === 'inception_3a')).toBe(true);
    expect(inside.map((r) => r.id)).toContain('inception_3a/b3_conv');
    expect(inside.reduce((n, r) => n + r.params, 0)).toBe(s.rows[i].params);
    expect(s.rows[i + 15].depth).toBe(0);
    expect(s.rows.filter((r) => r.depth === 0).reduce((n, r) => n + r.params, 0)).toBe(6_998_552);
  });

  it('the JSON form has the public contract fields', () => {
    const j = summaryToJson(summaryOf('lenet5'));
    expect(Object.keys(j)).toEqual(expect.arrayContaining(['valid', 'totals', 'nodes', 'diagnostics']));
    expect(Object.keys(j.totals).sort()).toEqual(['activationBytes', 'macs', 'params']);
    for (const n of j.nodes) expect(Object.keys(n)).toEqual(expect.arrayContaining(['id', 'type', 'outputShape', 'params', 'macs']));
    expect(j.totals.params).toBe(61_706);
  });

  it('invalid models: rows without shapes, diagnostics listed', () => {
    const doc = model([['x', 'Input', { channels: 3, height: 8, width: 8 }], ['d', 'Dense', { units: 4 }], ['r', 'Activation']], chain('x', 'd', 'r'));
    const s = buildSummary(doc, analyze(doc));
    expect(s.valid).toBe(false);
    expect(s.rows.find((r) => r.id === 'd')).toMatchObject({ outputShape: null, status: 'error' });
    expect(s.rows.find((r) => r.id === 'r')?.status).toBe('blocked');
    const text = summaryToText(s);
    expect(text).toMatch(/error \[dense-needs-flatten\] \(node d, edge e0/);
    expect(text).toMatch(/— \(blocked\)/);
    expect(summaryToJson(s).diagnostics[0]).toMatchObject({ severity: 'error', code: 'dense-needs-flatten', nodeId: 'd', edgeId: 'e0' });
  });

  it('text table: aligned columns and totals', () => {
    const text = summaryToText(summaryOf('alexnet'));
    const lines = text.split('\n');
    expect(lines[0]).toBe('AlexNet');
    expect(text).toMatch(/Total params: 61,100,840/);
    expect(text).toMatch(/Total MACs: 714,188,480 \(714\.19 M\)/);
    const header = lines.find((l) => l.startsWith('Layer'))!;
    const conv1 = lines.find((l) => l.startsWith('conv1 '))!;
    expect(conv1.indexOf('64×55×55')).toBe(header.indexOf('Output shape'));
    expect(conv1.trimEnd().endsWith('70,276,800')).toBe(true);
  });

  it('Markdown and CSV', () => {
    const s = summaryOf('lenet5');
    const md = summaryToMarkdown(s);
    expect(md).toMatch(/^### LeNet-5\n\n\| Layer \| Type \| Details \| Output shape \| Params \| MACs \|/);
    expect(md.split('\n').filter((l) => l.startsWith('| ')).length).toBe(s.rows.length + 1);
    const csv = summaryToCsv(s).trim().split('\n');
    expect(csv[0]).toBe('id,label,type,summary,owner,output_shape,params,macs,activation_bytes,status');
    expect(csv).toHaveLength(s.rows.length + 1);
    expect(csv.find((l) => l.startsWith('c5_conv_5_5,') || l.includes('C5 conv'))).toMatch(/,120×1×1,48120,/);
    // Quoting: a label with a comma and a quote survives.
    s.rows[0].label = 'in, "raw"';
    expect(summaryToCsv(s).split('\n')[1]).toMatch(/^input,"in, ""raw""",Input,/);
  });

  it('formats metric numbers and bytes', () => {
    expect(formatMetric(4_089_184_256)).toBe('4.09 G');
    expect(formatMetric(999)).toBe('999');
    expect(formatBytes(1024 ** 2 * 98)).toBe('98.00 MiB');
    expect(formatBytes(12)).toBe('12 B');
  });

  it('groups counts exactly as en-US toLocaleString does (Intl is the reference)', () => {
    const reference = (n: number) => Math.round(n).toLocaleString('en-US');
    for (const n of [0, -0, 7, 999, 1000, -1000, 61_100_840, 2 ** 53 - 1, 2 ** 53, 1e21, -1e25, 0.5, -0.4, NaN, Infinity, -Infinity]) {
      expect(formatCount(n), String(n)).toBe(reference(n));
    }
    fc.assert(fc.property(fc.oneof(fc.integer({ min: -(2 ** 53), max: 2 ** 53 }), fc.double()), (n) => formatCount(n) === reference(n)), { numRuns: 2000 });
  });
});
