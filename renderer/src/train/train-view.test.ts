import { describe, expect, it } from 'vitest';
import { chartData, chwToRgba, filterGrid, formatDuration } from './train-view';
import type { TrainCurves } from './train-store';

describe('train views', () => {
  it('filter grid: each filter normalised to its own range, channels averaged, 1-px gutters', () => {
    // 2 filters × 2 channels × 1×2: filter 0 means (0, 1), filter 1 means (−5, −7).
    const data = Float32Array.of(0, 2, 0, 0, -4, -8, -6, -6);
    const g = filterGrid([2, 2, 1, 2], data, 2);
    expect([g.width, g.height, g.cols, g.rows]).toEqual([5, 1, 2, 1]);
    const grey = (x: number) => g.rgba[x * 4];
    expect([grey(0), grey(1)]).toEqual([0, 255]);
    expect(g.rgba[2 * 4 + 3]).toBe(0); // gutter: transparent
    expect([grey(3), grey(4)]).toEqual([255, 0]);
  });

  it('filter grid: three channels are RGB', () => {
    const g = filterGrid([1, 3, 1, 1], Float32Array.of(1, 0, 0.5), 4);
    expect(Array.from(g.rgba)).toEqual([255, 0, 128, 255]); // 127.5 rounds to even in a clamped array
  });

  it('chart data merges per-step points and per-epoch points on one x axis', () => {
    const c: TrainCurves = { steps: [1, 2, 3, 4], loss: [2, 1.5, 1.2, 1], accuracy: [0.1, 0.2, 0.3, 0.4], epochStep: [2, 4], epochLoss: [1.4, 0.9], epochAccuracy: [0.5, 0.6], epochIsTest: true };
    expect(chartData(c, 'loss')).toEqual([
      [1, 2, 3, 4],
      [2, 1.5, 1.2, 1],
      [null, 1.4, null, 0.9],
    ]);
    const gap: TrainCurves = { ...c, steps: [1, 3], loss: [2, NaN], epochStep: [2], epochLoss: [1.4] };
    expect(chartData(gap, 'loss')).toEqual([
      [1, 2, 3],
      [2, null, null],
      [null, 1.4, null],
    ]);
  });

  it('samples: grey and RGB to RGBA', () => {
    expect(Array.from(chwToRgba(Uint8Array.of(7), 1, 1, 1))).toEqual([7, 7, 7, 255]);
    expect(Array.from(chwToRgba(Uint8Array.of(1, 2, 3), 3, 1, 1))).toEqual([1, 2, 3, 255]);
  });

  it('durations read as people say them', () => {
    expect(formatDuration(45_000)).toBe('45 s');
    expect(formatDuration(185_000)).toBe('3 min 05 s');
    expect(formatDuration(7_620_000)).toBe('2 h 07 min');
  });
});
