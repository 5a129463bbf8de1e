import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';

const committed = join(__dirname, '..', 'assets', 'samples');

describe('make-samples', () => {
  it('regenerates exactly the committed sample images', () => {
    const out = mkdtempSync(join(tmpdir(), 'samples-'));
    execFileSync(process.execPath, [join(__dirname, 'make-samples.mjs'), out]);
    const files = readdirSync(out).sort();
    expect(files).toEqual(readdirSync(committed).sort());
    for (const f of files) expect(readFileSync(join(out, f)).equals(readFileSync(join(committed, f))), f).toBe(true);
  });

  it('lists every image in samples.json with its real size; digits are 28×28 white-on-black', () => {
    const { samples } = JSON.parse(readFileSync(join(committed, 'samples.json'), 'utf8')) as { samples: { file: string; width: number; height: number }[] };
    expect(samples.length).toBeGreaterThanOrEqual(12);
    for (const s of samples) {
      const png = PNG.sync.read(readFileSync(join(committed, s.file)));
      expect([png.width, png.height]).toEqual([s.width, s.height]);
      if (s.file.startsWith('digit-')) {
        expect([png.width, png.height]).toEqual([28, 28]);
        expect(png.data[0]).toBe(0); // black corner
        expect(Math.max(...png.data.filter((_, i) => i % 4 === 0))).toBe(255); // a white stroke
      }
    }
  });
});
