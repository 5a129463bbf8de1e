import { beforeEach, describe, expect, it } from 'vitest';
import { useDocumentStore } from '../store/document-store';
import { analyze, formatBytes, formatCount, formatMetric, type ModelDocument } from '../engine';
import {
  alignSeries,
  chartData,
  chosenRuns,
  compareOutcome,
  defaultPair,
  deleteRun,
  epochsCell,
  finalAccuracy,
  formatDuration,
  formatPercent,
  formatRunDate,
  isChosen,
  optimizerSummary,
  renameRun,
  resolvePair,
  runColour,
  runRows,
  RUN_COLOURS,
  timePerEpoch,
} from './runs-model';
import { fakeRun, lenet, withParams } from './runs-fixtures';

const NONE = new Map<string, boolean>();
const runs = (n: number) => Array.from({ length: n }, (_, i) => fakeRun(lenet(), { id: `r${i + 1}`, name: `run ${i + 1}` }));
const docWith = (...names: string[]): ModelDocument => ({ ...lenet(), runs: names.map((name, i) => fakeRun(lenet(), { id: `r${i + 1}`, name })) });

describe('run edits (undoable through the document store)', () => {
  const s = () => useDocumentStore.getState();
  beforeEach(() => s().load(docWith('first', 'second')));

  it('renames a run; a blank or unchanged name is no edit', () => {
    expect(s().edit('Rename run', (d) => renameRun(d, 'r2', '  C3 with 8 filters '))).toBe(true);
    expect(s().doc.runs!.map((r) => r.name)).toEqual(['first', 'C3 with 8 filters']);
    expect(s().edit('Rename run', (d) => renameRun(d, 'r2', '   '))).toBe(false);
    expect(s().edit('Rename run', (d) => renameRun(d, 'r2', 'C3 with 8 filters'))).toBe(false);
    expect(s().edit('Rename run', (d) => renameRun(d, 'nope', 'x'))).toBe(false);
    s().undo();
    expect(s().doc.runs!.map((r) => r.name)).toEqual(['first', 'second']);
  });

  it('deletes runs; the field goes with the last one; undo brings them back', () => {
    s().edit('Delete run', (d) => deleteRun(d, 'r1'));
    expect(s().doc.runs!.map((r) => r.id)).toEqual(['r2']);
    s().edit('Delete run', (d) => deleteRun(d, 'r2'));
    expect('runs' in s().doc).toBe(false);
    expect(s().edit('Delete run', (d) => deleteRun(d, 'r2'))).toBe(false);
    s().undo();
    s().undo();
    expect(s().doc.runs!.map((r) => r.name)).toEqual(['first', 'second']);
  });
});

describe('choice, colours, pair', () => {
  it('charts the latest four runs unless the user ticks otherwise; a new run shows up by itself', () => {
    const six = runs(6);
    expect(chosenRuns(six, NONE).map((r) => r.id)).toEqual(['r3', 'r4', 'r5', 'r6']);
    const ticks = new Map([
      ['r1', true],
      ['r5', false],
    ]);
    expect(chosenRuns(six, ticks).map((r) => r.id)).toEqual(['r1', 'r3', 'r4', 'r6']);
    expect(isChosen('r7', 6, 7, ticks)).toBe(true);
  });

  it('gives each run a stable colour from a palette without near-white or near-black', () => {
    expect(runColour(0)).toBe(RUN_COLOURS[0]);
    expect(runColour(RUN_COLOURS.length + 1)).toBe(RUN_COLOURS[1]);
    expect(new Set(RUN_COLOURS).size).toBe(RUN_COLOURS.length);
    for (const c of RUN_COLOURS) {
      const [r, g, b] = [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16) / 255);
      const luma = 0.2126 * r + 0.7152 * g + 0.0722 * b;
      expect(luma, c).toBeGreaterThan(0.15);
      expect(luma, c).toBeLessThan(0.6);
    }
  });

  it('compares the last two chosen runs, or the user’s pick while both exist', () => {
    const five = runs(5);
    expect(defaultPair(runs(1), NONE)).toBeUndefined();
    expect(defaultPair(five, NONE)).toEqual(['r4', 'r5']);
    const onlyTwo = new Map(five.map((r) => [r.id, r.id === 'r1' || r.id === 'r3']));
    expect(defaultPair(five, onlyTwo)).toEqual(['r1', 'r3']);
    expect(resolvePair(five, ['r2', 'r5'], NONE)).toEqual(['r2', 'r5']);
    expect(resolvePair(five, ['gone', 'r1'], NONE)).toEqual(['r4', 'r1']);
  });
});

describe('cells', () => {
  it('formats durations, percentages and dates briefly', () => {
    expect([850, 1234, 12_345, 245_000, 3_720_000].map(formatDuration)).toEqual(['850 ms', '1.23 s', '12.3 s', '4 min 05 s', '1 h 02 min']);
    expect(formatDuration(Number.NaN)).toBe('—');
    expect(formatPercent(0.98123)).toBe('98.12%');
    const when = new Date(2025, 2, 12, 14, 5).toISOString();
    expect(formatRunDate(when, new Date(2025, 5, 1))).toBe('12 Mar 14:05');
    expect(formatRunDate(when, new Date(2026, 0, 1))).toBe('12 Mar 2025 14:05');
    expect(formatRunDate('not a date')).toBe('not a date');
  });

  it('summarises the optimizer with its learning rate and batch', () => {
    expect(optimizerSummary({ optimizer: { kind: 'adam' }, lr: 0.001, batch: 64 })).toBe('Adam · lr 0.001 · batch 64');
    expect(optimizerSummary({ optimizer: { kind: 'sgd', momentum: 0.9 }, lr: 0.1, batch: 128 })).toBe('SGD m0.9 · lr 0.1 · batch 128');
    expect(optimizerSummary({})).toBe('Adam');
  });

  it('takes the final test accuracy, or the training accuracy without a test split', () => {
    const design = lenet();
    expect(finalAccuracy(fakeRun(design))).toEqual({ value: 0.97, on: 'test' });
    expect(finalAccuracy(fakeRun(design, { accuracy: [[0.8, null]], settings: { testSplit: 0 } }))).toEqual({ value: 0.8, on: 'train' });
    const stopped = fakeRun(design, { accuracy: [], status: 'stopped', settings: { epochs: 3 } });
    expect(finalAccuracy(stopped)).toBeUndefined();
    expect(timePerEpoch(stopped)).toBeUndefined();
    expect(timePerEpoch(fakeRun(design, { epochMs: 1500 }))).toBe(1500);
    expect(epochsCell(fakeRun(design, { accuracy: [[0.5, 0.5]], settings: { epochs: 5 } }))).toBe('1/5');
  });

  it('formats the table as the status bar does (params, MACs, activation memory)', () => {
    const design = lenet();
    const t = analyze(design).totals;
    const [row] = runRows([fakeRun(design)], NONE, new Date(2025, 5, 1));
    expect(row).toMatchObject({
      name: 'LeNet-5 #1',
      chosen: true,
      date: '12 Mar 14:05',
      status: 'done',
      dataset: 'mnist · 10 classes',
      params: formatCount(t.params),
      macs: formatMetric(t.macs),
      activations: formatBytes(t.activationBytes),
      optimizer: 'Adam · lr 0.001 · batch 64',
      epochs: '2',
      accuracy: '97.00%',
      accuracyOn: 'test',
      perEpoch: '2.00 s',
      total: '4.50 s',
    });
    expect(row.params).toBe('61,706'); // LeNet-5's parameter count
  });
});

describe('comparison of two runs', () => {
  it('shows costs and results of B against A, with the change and which way is better', () => {
    const a = fakeRun(lenet(), { accuracy: [[0.97, 0.981]] });
    const b = fakeRun(withParams(lenet(), 'c3_conv_5_5', { filters: 8 }), { accuracy: [[0.96, 0.975]], epochMs: 1500 });
    const rows = compareOutcome(a, b);
    expect(rows.map((r) => r.label)).toEqual(['Parameters', 'Multiply-adds', 'Activation memory', 'Accuracy (test)', 'Time per epoch']);
    const params = rows[0];
    expect(params.a).toBe('61,706');
    expect(params.change.startsWith('−')).toBe(true);
    expect(params.better).toBe(true);
    expect(rows[3]).toMatchObject({ a: '98.10%', b: '97.50%', change: '−0.60 pt', better: false });
    expect(rows[4]).toMatchObject({ a: '2.00 s', b: '1.50 s', change: '−25%', better: true });
    expect(compareOutcome(a, a).every((r) => r.change === '' && r.better === undefined)).toBe(true);
  });

  it('does not subtract a training accuracy from a test accuracy', () => {
    const a = fakeRun(lenet());
    const b = fakeRun(lenet(), { accuracy: [[0.99, null]], settings: { testSplit: 0 } });
    expect(compareOutcome(a, b)[3]).toMatchObject({ label: 'Accuracy', a: '97.00% (test)', b: '99.00% (train)', change: '' });
  });
});

describe('chart data', () => {
  it('joins curves of different lengths on one axis, with gaps where a run has no point', () => {
    expect(
      alignSeries([
        [
          { x: 0.5, y: 2 },
          { x: 1, y: 1 },
        ],
        [
          { x: 0.25, y: 3 },
          { x: 1, y: 1.5 },
        ],
      ]),
    ).toEqual({
      xs: [0.25, 0.5, 1],
      ys: [
        [null, 2, 1],
        [3, null, 1.5],
      ],
    });
  });

  it('plots training loss against epochs (step / steps per epoch) for the chosen runs only', () => {
    const a = fakeRun(lenet(), { id: 'a', name: 'A', stepsPerEpoch: 10 });
    const b = fakeRun(lenet(), { id: 'b', name: 'B', stepsPerEpoch: 4 });
    const c = fakeRun(lenet(), { id: 'c', name: 'C' });
    const data = chartData([a, b, c], new Map([['c', false]]), 'loss');
    expect(data.series).toEqual([
      { id: 'a', label: 'A', colour: runColour(0), dashed: false },
      { id: 'b', label: 'B', colour: runColour(1), dashed: false },
    ]);
    expect(data.xs[0]).toBe(0.1);
    expect(data.xs[data.xs.length - 1]).toBe(2);
    const at = (x: number) => data.xs.indexOf(x);
    expect(data.ys[0][at(0.1)]).toBeCloseTo(2.3);
    expect(data.ys[1][at(0.1)]).toBeNull();
    expect(data.ys[1][at(0.25)]).toBeCloseTo(2.3);
    expect(data.ys[0][at(2)]).toBeCloseTo(2.3 / 20, 4);
    expect(data.ys[1][at(2)]).toBeCloseTo(2.3 / 8, 4);
  });

  it('plots test accuracy per epoch in percent; a run without a test split is dashed, on its training accuracy', () => {
    const a = fakeRun(lenet(), { id: 'a', name: 'A' });
    const b = fakeRun(lenet(), { id: 'b', name: 'B', accuracy: [[0.5, null], [0.6, null], [0.7, null]], settings: { testSplit: 0 } });
    const data = chartData([a, b], NONE, 'accuracy');
    expect(data.xs).toEqual([1, 2, 3]);
    expect(data.series.map((s) => [s.label, s.dashed])).toEqual([
      ['A', false],
      ['B (train)', true],
    ]);
    expect(data.ys[0]).toEqual([92, 97, null]);
    expect(data.ys[1].map((v) => Math.round(v! * 100) / 100)).toEqual([50, 60, 70]);
  });
});
