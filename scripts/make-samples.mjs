#!/usr/bin/env node
/**
 * Makes the sample images shipped in assets/samples/ — all drawn here, so they are free of any
 * licence: handwritten-style digits (28×28, white on black like MNIST), simple shapes, a house
 * scene with strong vertical and horizontal edges, and a checkerboard. Deterministic: running it
 * again gives byte-identical files.  Usage: node scripts/make-samples.mjs [outDir]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = process.argv[2] ?? join(root, 'assets', 'samples');

function mulberry32(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An RGBA canvas with anti-aliased (4×4 supersampled) fills of any shape given by an inside test. */
class Canvas {
  constructor(width, height, background = [0, 0, 0]) {
    this.width = width;
    this.height = height;
    this.rgba = new Uint8Array(width * height * 4);
    for (let i = 0; i < width * height; i++) this.rgba.set([...background, 255], i * 4);
  }
  fill(inside, color, bounds = [0, 0, this.width, this.height]) {
    const [x0, y0, x1, y1] = bounds.map((v, i) => (i < 2 ? Math.max(0, Math.floor(v)) : Math.min(i === 2 ? this.width : this.height, Math.ceil(v))));
    const S = 4;
    for (let y = y0; y < y1; y++) {
      for (let x = x0; x < x1; x++) {
        let hits = 0;
        for (let sy = 0; sy < S; sy++) for (let sx = 0; sx < S; sx++) if (inside(x + (sx + 0.5) / S, y + (sy + 0.5) / S)) hits++;
        if (!hits) continue;
        const a = hits / (S * S);
        const i = (y * this.width + x) * 4;
        for (let c = 0; c < 3; c++) this.rgba[i + c] = Math.round(this.rgba[i + c] * (1 - a) + color[c] * a);
      }
    }
  }
  rect(x0, y0, x1, y1, color) {
    this.fill((x, y) => x >= x0 && x < x1 && y >= y0 && y < y1, color, [x0, y0, x1, y1]);
  }
  circle(cx, cy, r, color) {
    this.fill((x, y) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r, color, [cx - r, cy - r, cx + r + 1, cy + r + 1]);
  }
  polygon(points, color) {
    const inside = (x, y) => {
      let odd = false;
      for (let i = 0, j = points.length - 1; i < points.length; j = i++) {
        const [xi, yi] = points[i];
        const [xj, yj] = points[j];
        if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) odd = !odd;
      }
      return odd;
    };
    const xs = points.map((p) => p[0]);
    const ys = points.map((p) => p[1]);
    this.fill(inside, color, [Math.min(...xs), Math.min(...ys), Math.max(...xs) + 1, Math.max(...ys) + 1]);
  }
  /** A pen stroke of the given radius along a polyline. */
  stroke(points, radius, color) {
    const dist2 = (x, y, [ax, ay], [bx, by]) => {
      const dx = bx - ax;
      const dy = by - ay;
      const len = dx * dx + dy * dy;
      const t = len ? Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / len)) : 0;
      return (x - ax - t * dx) ** 2 + (y - ay - t * dy) ** 2;
    };
    const r2 = radius * radius;
    this.fill((x, y) => {
      for (let i = 1; i < points.length; i++) if (dist2(x, y, points[i - 1], points[i]) <= r2) return true;
      return points.length === 1 && dist2(x, y, points[0], points[0]) <= r2;
    }, color);
  }
  save(name) {
    const png = new PNG({ width: this.width, height: this.height });
    png.data = Buffer.from(this.rgba);
    writeFileSync(join(outDir, name), PNG.sync.write(png));
  }
}

// ── Digits: strokes in a unit box (y down), made handwritten-looking with a slant and a little jitter ──
const arc = (cx, cy, rx, ry, from, to, n = 24) =>
  Array.from({ length: n + 1 }, (_, i) => {
    const t = ((from + ((to - from) * i) / n) * Math.PI) / 180;
    return [cx + rx * Math.cos(t), cy + ry * Math.sin(t)];
  });
const DIGITS = {
  0: [arc(0.5, 0.5, 0.34, 0.47, 0, 360, 40)],
  1: [[[0.3, 0.22], [0.56, 0.03], [0.56, 0.97]]],
  2: [[...arc(0.5, 0.3, 0.34, 0.27, 200, 380), [0.14, 0.97], [0.9, 0.97]]],
  3: [[...arc(0.5, 0.27, 0.3, 0.24, 210, 450), ...arc(0.5, 0.74, 0.34, 0.23, -90, 160)]],
  4: [[[0.66, 0.97], [0.66, 0.03], [0.1, 0.68], [0.92, 0.68]]],
  5: [[[0.84, 0.03], [0.26, 0.03], [0.22, 0.45], ...arc(0.5, 0.67, 0.34, 0.3, -140, 150)]],
  6: [[[0.74, 0.04], [0.3, 0.52]], arc(0.5, 0.7, 0.28, 0.27, 0, 360, 36)],
  7: [[[0.1, 0.04], [0.9, 0.04], [0.42, 0.97]]],
  8: [arc(0.5, 0.26, 0.25, 0.23, 0, 360, 32), arc(0.5, 0.73, 0.3, 0.25, 0, 360, 32)],
  9: [arc(0.48, 0.3, 0.28, 0.27, 0, 360, 36), [[0.76, 0.3], [0.62, 0.97]]],
};

function drawDigit(d) {
  const rand = mulberry32(1000 + d);
  const slant = 0.12 + rand() * 0.12;
  const c = new Canvas(28, 28, [0, 0, 0]);
  const place = ([x, y]) => [8 + x * 12 + slant * (0.5 - y) * 20 + (rand() - 0.5) * 0.6, 4 + y * 20 + (rand() - 0.5) * 0.6];
  for (const stroke of DIGITS[d]) c.stroke(stroke.map(place), 1.35, [255, 255, 255]);
  return c;
}

const samples = [];
function add(canvas, file, title, description, use) {
  canvas.save(file);
  samples.push({ file, title, width: canvas.width, height: canvas.height, description, use });
}

mkdirSync(outDir, { recursive: true });
for (let d = 0; d <= 9; d++) add(drawDigit(d), `digit-${d}.png`, `Digit ${d}`, `A handwritten-style ${d}, white on black, 28×28 like MNIST.`, 'digits');

{
  const c = new Canvas(128, 128, [245, 245, 240]);
  c.circle(36, 38, 24, [220, 50, 47]);
  c.rect(72, 14, 116, 58, [38, 110, 200]);
  c.polygon([[34, 74], [62, 118], [6, 118]], [40, 160, 70]);
  c.polygon([[92, 70], [118, 96], [92, 122], [66, 96]], [240, 180, 30]);
  add(c, 'shapes.png', 'Shapes', 'A red circle, a blue square, a green triangle and a yellow diamond on white.', 'shapes');
}
{
  const c = new Canvas(224, 224, [135, 190, 235]);
  c.rect(0, 160, 224, 224, [70, 140, 60]);
  c.circle(184, 40, 18, [255, 220, 80]);
  c.rect(48, 96, 160, 176, [225, 200, 160]);
  c.polygon([[38, 98], [104, 44], [170, 98]], [150, 50, 40]);
  c.rect(90, 124, 116, 176, [100, 60, 30]);
  c.rect(60, 112, 82, 134, [60, 90, 140]);
  c.rect(126, 112, 148, 134, [60, 90, 140]);
  c.rect(14, 128, 22, 176, [110, 75, 40]);
  c.circle(18, 118, 14, [40, 110, 45]);
  add(c, 'house.png', 'House', 'A simple scene: walls, door and windows make strong vertical and horizontal edges.', 'edges');
}
{
  const c = new Canvas(64, 64, [255, 255, 255]);
  for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) if ((x + y) % 2) c.rect(x * 8, y * 8, x * 8 + 8, y * 8 + 8, [0, 0, 0]);
  add(c, 'checkerboard.png', 'Checkerboard', '8×8 black and white squares of 8 pixels: edges in both directions.', 'edges');
}
{
  const c = new Canvas(64, 64, [0, 0, 0]);
  c.rect(32, 0, 64, 64, [255, 255, 255]);
  add(c, 'vertical-edge.png', 'Vertical edge', 'Black on the left, white on the right: one vertical edge for Sobel x.', 'edges');
}

writeFileSync(join(outDir, 'samples.json'), JSON.stringify({ note: 'Generated by scripts/make-samples.mjs; drawn by the project, no third-party content.', samples }, null, 2) + '\n');
console.log(`wrote ${samples.length} samples to ${outDir}`);
