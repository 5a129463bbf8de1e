#!/usr/bin/env node
/**
 * Draws the app icon and derives every size the installers need:
 *   assets/icon.png             master, 512×512 (electron-builder makes .icns / .ico from it)
 *   assets/icons/NxN.png        16…512 for Linux (AppImage, deb) and the window icon
 *
 * The picture: a rounded tile with three stacked feature maps shrinking left to right, joined by
 * converging lines — a CNN at a glance. Drawn with signed distance functions and 4×4 supersampling;
 * smaller sizes are area-averaged from the master. Deterministic: same bytes every run.
 */
import { PNG } from 'pngjs';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const SIZES = [16, 24, 32, 48, 64, 128, 256, 512];
const N = 512;

const clamp = (x, a = 0, b = 1) => Math.min(b, Math.max(a, x));
const mix = (a, b, t) => a.map((v, i) => v + (b[i] - v) * t);

/** Signed distance to a rounded box centred at (cx, cy) with half-size (hx, hy) and radius r. */
function roundedBox(x, y, cx, cy, hx, hy, r) {
  const qx = Math.abs(x - cx) - hx + r;
  const qy = Math.abs(y - cy) - hy + r;
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - r;
}

/** Distance to the segment (ax, ay)–(bx, by). */
function segment(x, y, ax, ay, bx, by) {
  const px = x - ax, py = y - ay, dx = bx - ax, dy = by - ay;
  const t = clamp((px * dx + py * dy) / (dx * dx + dy * dy));
  return Math.hypot(px - dx * t, py - dy * t);
}

// Feature maps: [centre x, centre y, half width, half height, colour]
const MAPS = [
  [148, 268, 66, 124, [255, 183, 77]],
  [270, 268, 50, 92, [255, 138, 101]],
  [370, 268, 33, 60, [240, 98, 146]],
];
const OUT = [440, 268];

/** Colour (premultiplied RGBA 0..1) of one sample point. */
function sample(x, y) {
  let rgba = [0, 0, 0, 0];
  const over = (color, alpha) => {
    const a = clamp(alpha);
    rgba = [color[0] / 255 * a + rgba[0] * (1 - a), color[1] / 255 * a + rgba[1] * (1 - a), color[2] / 255 * a + rgba[2] * (1 - a), a + rgba[3] * (1 - a)];
  };
  // Tile: diagonal gradient, deep navy to indigo.
  const tile = roundedBox(x, y, 256, 256, 240, 240, 96);
  if (tile > 0) return rgba;
  over(mix([22, 32, 74], [63, 43, 150], clamp((x + y) / 1024)), 1);
  // Connections from each map's corners to the next map's corners.
  const stops = [...MAPS.map(([cx, cy, hx, hy]) => [cx + hx * 0.15, cy, hx, hy]), [OUT[0], OUT[1], 0, 0]];
  for (let i = 0; i < stops.length - 1; i++) {
    const [ax, ay, , ahy] = stops[i];
    const [bx, by, , bhy] = stops[i + 1];
    for (const s of [-1, 1]) {
      const d = segment(x, y, ax, ay + s * ahy * 0.8, bx, by + s * bhy * 0.8);
      if (d < 3) over([200, 210, 255], 0.55 * (1 - d / 3));
    }
  }
  // Maps: each a stack of three offset sheets (channels).
  for (const [cx, cy, hx, hy, color] of MAPS) {
    for (let k = 2; k >= 0; k--) {
      const ox = cx - k * 12, oy = cy - k * 12;
      const d = roundedBox(x, y, ox, oy, hx, hy, 10);
      if (d < 0) {
        const shade = k === 0 ? 1 : 0.72 - k * 0.1;
        over(color.map((c) => c * shade), 1);
        const edge = -d < 3 ? 1 - -d / 3 : 0; // thin light rim
        if (edge > 0) over([255, 255, 255], 0.35 * edge);
      }
    }
  }
  // Output node.
  const dOut = Math.hypot(x - OUT[0], y - OUT[1]) - 18;
  if (dOut < 0) over([255, 255, 255], 1);
  return rgba;
}

export function drawMaster() {
  const png = new PNG({ width: N, height: N });
  const SS = 4;
  for (let py = 0; py < N; py++) {
    for (let px = 0; px < N; px++) {
      const acc = [0, 0, 0, 0];
      for (let sy = 0; sy < SS; sy++) {
        for (let sx = 0; sx < SS; sx++) {
          const c = sample(px + (sx + 0.5) / SS, py + (sy + 0.5) / SS);
          for (let i = 0; i < 4; i++) acc[i] += c[i];
        }
      }
      const a = acc[3] / (SS * SS);
      const o = (py * N + px) * 4;
      png.data[o] = a > 0 ? Math.round((acc[0] / acc[3]) * 255) : 0;
      png.data[o + 1] = a > 0 ? Math.round((acc[1] / acc[3]) * 255) : 0;
      png.data[o + 2] = a > 0 ? Math.round((acc[2] / acc[3]) * 255) : 0;
      png.data[o + 3] = Math.round(a * 255);
    }
  }
  return png;
}

/** Area-average downscale by an integer-free box filter (premultiplied, so edges stay clean). */
export function downscale(src, size) {
  const dst = new PNG({ width: size, height: size });
  const f = src.width / size;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const acc = [0, 0, 0, 0];
      let n = 0;
      for (let sy = Math.floor(y * f); sy < Math.floor((y + 1) * f); sy++) {
        for (let sx = Math.floor(x * f); sx < Math.floor((x + 1) * f); sx++) {
          const o = (sy * src.width + sx) * 4;
          const a = src.data[o + 3] / 255;
          acc[0] += src.data[o] * a;
          acc[1] += src.data[o + 1] * a;
          acc[2] += src.data[o + 2] * a;
          acc[3] += a;
          n++;
        }
      }
      const o = (y * size + x) * 4;
      dst.data[o] = acc[3] ? Math.round(acc[0] / acc[3]) : 0;
      dst.data[o + 1] = acc[3] ? Math.round(acc[1] / acc[3]) : 0;
      dst.data[o + 2] = acc[3] ? Math.round(acc[2] / acc[3]) : 0;
      dst.data[o + 3] = Math.round((acc[3] / n) * 255);
    }
  }
  return dst;
}

export function makeIcons(outRoot = path.join(ROOT, 'assets')) {
  const master = drawMaster();
  mkdirSync(path.join(outRoot, 'icons'), { recursive: true });
  writeFileSync(path.join(outRoot, 'icon.png'), PNG.sync.write(master));
  for (const size of SIZES) {
    const img = size === N ? master : downscale(master, size);
    writeFileSync(path.join(outRoot, 'icons', `${size}x${size}.png`), PNG.sync.write(img));
  }
  return [path.join(outRoot, 'icon.png'), ...SIZES.map((s) => path.join(outRoot, 'icons', `${s}x${s}.png`))];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const t0 = performance.now();
  const files = makeIcons();
  console.log(`wrote ${files.length} icons in ${(performance.now() - t0).toFixed(0)} ms`);
}
