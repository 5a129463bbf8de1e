import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PNG } from 'pngjs';
// @ts-expect-error — plain ESM script without type declarations
import { SIZES, downscale } from './make-icons.mjs';

const ROOT = path.resolve(__dirname, '..');
const load = (p: string) => PNG.sync.read(readFileSync(path.join(ROOT, p)));

describe('app icons (scripts/make-icons.mjs)', () => {
  const master = load('assets/icon.png');

  it('has a 512×512 master with a transparent outside and an opaque tile', () => {
    expect([master.width, master.height]).toEqual([512, 512]);
    const alpha = (x: number, y: number) => master.data[(y * 512 + x) * 4 + 3];
    expect(alpha(0, 0)).toBe(0);
    expect(alpha(511, 511)).toBe(0);
    expect(alpha(256, 256)).toBe(255);
    expect(alpha(256, 30)).toBe(255);
  });

  it.each(SIZES as number[])('assets/icons/%ix%i.png is that size and derived from the master', (size) => {
    const icon = load(`assets/icons/${size}x${size}.png`);
    expect([icon.width, icon.height]).toEqual([size, size]);
    const expected = size === 512 ? master : downscale(master, size);
    expect(Buffer.compare(icon.data, expected.data)).toBe(0);
  });
});
