/**
 * A Korean font for the browser the tests drive: the machine running them may have no Hangul font
 * (Debian's headless Chromium then draws empty boxes in the screenshots). Nanum Gothic
 * (@fontsource/nanum-gothic, SIL Open Font License) is installed for that browser only, the way a
 * desktop with Korean fonts has it: its WOFF slices are unpacked to TrueType files in a temporary
 * font directory that a fontconfig file adds to the system's. The page itself is untouched.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inflateSync } from 'node:zlib';
import { ROOT } from './server';

const FILES = path.join(ROOT, 'node_modules/@fontsource/nanum-gothic/files');

/** WOFF 1.0 → the sfnt (TrueType) it wraps: each table inflated, the table directory rebuilt. */
export function woffToSfnt(woff: Buffer): Buffer {
  if (woff.readUInt32BE(0) !== 0x774f4646) throw new Error('not a WOFF 1.0 file');
  const flavor = woff.readUInt32BE(4);
  const n = woff.readUInt16BE(12);
  const tables = Array.from({ length: n }, (_, i) => {
    const at = 44 + i * 20;
    const [tag, offset, compLength, origLength, checksum] = [0, 4, 8, 12, 16].map((o) => woff.readUInt32BE(at + o));
    const raw = woff.subarray(offset, offset + compLength);
    return { tag, checksum, data: compLength < origLength ? inflateSync(raw) : raw };
  });
  const log2 = Math.floor(Math.log2(n));
  const head = Buffer.alloc(12 + 16 * n);
  head.writeUInt32BE(flavor, 0);
  head.writeUInt16BE(n, 4);
  head.writeUInt16BE(16 * 2 ** log2, 6);
  head.writeUInt16BE(log2, 8);
  head.writeUInt16BE(n * 16 - 16 * 2 ** log2, 10);
  const bodies: Buffer[] = [];
  let offset = head.length;
  tables.forEach((t, i) => {
    head.writeUInt32BE(t.tag, 12 + i * 16);
    head.writeUInt32BE(t.checksum, 16 + i * 16);
    head.writeUInt32BE(offset, 20 + i * 16);
    head.writeUInt32BE(t.data.length, 24 + i * 16);
    const padded = Buffer.alloc(Math.ceil(t.data.length / 4) * 4);
    t.data.copy(padded);
    bodies.push(padded);
    offset += padded.length;
  });
  return Buffer.concat([head, ...bodies]);
}

/** Environment for launchBrowser: fontconfig with the system's fonts plus Nanum Gothic (regular and bold). */
export function koreanFontEnv(): Record<string, string> {
  const dir = path.join(os.tmpdir(), 'cnn-studio-e2e-fonts');
  const fonts = path.join(dir, 'nanum-gothic');
  mkdirSync(fonts, { recursive: true });
  for (const file of readdirSync(FILES)) {
    if (!/-(400|700)-normal\.woff$/.test(file)) continue;
    const ttf = path.join(fonts, file.replace(/\.woff$/, '.ttf'));
    if (!existsSync(ttf)) writeFileSync(ttf, woffToSfnt(readFileSync(path.join(FILES, file))));
  }
  const conf = path.join(dir, 'fonts.conf');
  writeFileSync(
    conf,
    `<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <dir>${fonts}</dir>
  <cachedir>${path.join(dir, 'cache')}</cachedir>
</fontconfig>
`,
  );
  return { FONTCONFIG_FILE: conf };
}
