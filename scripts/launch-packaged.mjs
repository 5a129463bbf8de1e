#!/usr/bin/env node
// Launches the app electron-builder --dir left in <release folder> once, through Playwright's
// Electron support: the window opens, the editor appears, a preset loads, and a model runs through
// the engine — its worker loaded from inside app.asar, onnxruntime's native binaries from
// app.asar.unpacked (electron-builder.yml unpacks only those); then it quits.
// Usage: node scripts/launch-packaged.mjs release   (CI: .github/workflows/ci.yml)
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { _electron } from 'playwright-core';

const release = path.resolve(process.argv[2] ?? 'release');
const product = 'CNN Studio';

/** The packaged executable for this platform, or undefined. */
function executable() {
  for (const dir of readdirSync(release)) {
    const base = path.join(release, dir);
    const candidates = [
      path.join(base, 'cnn-studio'), // linux-unpacked
      path.join(base, `${product}.exe`), // win-unpacked
      path.join(base, `${product}.app`, 'Contents', 'MacOS', product), // mac, mac-arm64
    ];
    const found = candidates.find((c) => existsSync(c));
    if (found) return found;
  }
  return undefined;
}

const exe = executable();
if (!exe) {
  console.error(`launch-packaged: no packaged app under ${release} — run "npx electron-builder --dir" first.`);
  process.exit(2);
}
const app = await _electron.launch({ executablePath: exe, args: [], timeout: 60_000 });
try {
  const page = await app.firstWindow();
  await page.getByTestId('palette').waitFor({ timeout: 60_000 });
  await page.getByTestId('preset-select').selectOption('lenet5');
  await page.locator('.react-flow__node').first().waitFor({ timeout: 30_000 });
  const ran = await page.evaluate(async () => {
    const doc = {
      format: 'cnn-studio.model', version: 1, name: 'packaged',
      nodes: [{ id: 'in', type: 'Input', params: { channels: 1, height: 2, width: 2 } }, { id: 'f', type: 'Flatten', params: {} }],
      edges: [{ id: 'e0', source: 'in', target: 'f' }],
    };
    const r = await globalThis.cnnStudio.engineRun({ docId: 'packaged', document: doc, inputs: { kind: 'tensor', shape: [1, 2, 2], data: new Float32Array([1, 2, 3, 4]) }, tensors: 'all' });
    return r.ok ? { data: Array.from(r.value.tensors.f.data) } : { error: r.error };
  });
  if (JSON.stringify(ran.data) !== '[1,2,3,4]') throw new Error(`launch-packaged: the engine did not run in the packaged app: ${JSON.stringify(ran)}`);
  console.log(`launch-packaged: ${exe} opened "${await page.title()}", loaded a preset and ran a model through the engine.`);
} finally {
  await app.close();
}
