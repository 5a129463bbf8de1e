import { describe, expect, it } from 'vitest';
import { fitViewport, READABLE_ZOOM } from './fit-viewport';

const view = { width: 1000, height: 800 };

describe('Fit: the whole model when readable, else its start at a readable zoom', () => {
  it('a small model is centred whole, no larger than the maximum zoom', () => {
    const v = fitViewport({ x: 0, y: 0, width: 400, height: 100 }, view, { padding: 0.1, maxZoom: 1.2 });
    expect(v.zoom).toBe(1.2);
    // Centred: the model's middle (200, 50) lands on the view's middle (500, 400).
    expect(v.x + 200 * v.zoom).toBeCloseTo(500);
    expect(v.y + 50 * v.zoom).toBeCloseTo(400);
  });

  it('a model that fits above the readable zoom is shown whole at the zoom that fits it', () => {
    const v = fitViewport({ x: 100, y: 50, width: 1200, height: 400 }, view, { padding: 0.1 });
    expect(v.zoom).toBeCloseTo((1000 * 0.8) / 1200); // 0.667: width decides
    expect(v.x + 100 * v.zoom).toBeCloseTo(100); // left edge at the padding
    expect(v.x + 1300 * v.zoom).toBeCloseTo(900); // right edge at the other padding
  });

  it('a model too big to read whole (ResNet-152 in rows) stays at the readable zoom from its top-left corner', () => {
    const v = fitViewport({ x: -40, y: 20, width: 6000, height: 3000 }, view, { padding: 0.1 });
    expect(v.zoom).toBe(READABLE_ZOOM);
    expect(v.x + -40 * v.zoom).toBeCloseTo(100);
    expect(v.y + 20 * v.zoom).toBeCloseTo(80);
  });

  it('a long thin model too long to read whole keeps its start at the left and is centred across', () => {
    const v = fitViewport({ x: 0, y: 0, width: 10000, height: 100 }, view, { padding: 0.1 });
    expect(v.zoom).toBe(READABLE_ZOOM);
    expect(v.x).toBeCloseTo(100);
    expect(v.y + 50 * v.zoom).toBeCloseTo(400);
  });
});
