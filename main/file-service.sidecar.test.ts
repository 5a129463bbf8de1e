/** The file service with weights sidecars: open reads them into the store, save keeps the document whole. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, writeFile, mkdir, stat, readdir } from 'node:fs/promises';
import { promises as realFs } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FileService, type FileDialogs, type FileServiceFs } from './file-service';
import type { HostError } from './contract';
import { serializeDocument } from '../engine/src/core/document/load';
import { WeightsStore } from '../engine/src/runtime/weights-store';
import { lenetSidecarPair } from '../engine/src/runtime/testing/sidecar-docs';

const pair = lenetSidecarPair('lenet.weights.bin');
const JSON_TEXT = serializeDocument(pair.withSidecar);

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'cnn-sidecar-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function dialogs(answers: (string | null)[]): FileDialogs {
  return { showOpen: async () => answers.shift() ?? null, showSave: async () => answers.shift() ?? null };
}

/** Real fs that records every file it opens for writing (the temporary files of atomic writes). */
function recordingFs(writes: string[], failFor?: string): FileServiceFs {
  return {
    ...(realFs as unknown as FileServiceFs),
    open: async (p: string, flags: string | number, mode?: number) => {
      if (typeof flags === 'number' && !path.basename(p).startsWith('.recent-files')) {
        writes.push(p);
        if (failFor && path.basename(p).startsWith(`.${failFor}.`)) throw Object.assign(new Error('ENOSPC'), { code: 'ENOSPC' });
      }
      return realFs.open(p, flags, mode);
    },
  };
}

async function modelFolder(sidecar: Uint8Array | null = pair.sidecar, name = 'lenet.cnn.json', text = JSON_TEXT): Promise<string> {
  const folder = path.join(dir, 'models');
  await mkdir(folder, { recursive: true });
  await writeFile(path.join(folder, name), text);
  if (sidecar) await writeFile(path.join(folder, 'lenet.weights.bin'), sidecar);
  return path.join(folder, name);
}

const rejection = (p: Promise<unknown>) => p.then(() => { throw new Error('expected a rejection'); }, (e: unknown) => e as HostError);

describe('file service: documents with a weights sidecar', () => {
  it('open reads the sidecar next to the JSON into the store; the editor gets only a token', async () => {
    const json = await modelFolder();
    const weights = new WeightsStore();
    const svc = new FileService({ dataDir: path.join(dir, 'data'), dialogs: dialogs([json]), weights });
    const opened = await svc.open();
    expect(opened?.text).toBe(JSON_TEXT);
    expect(opened?.weights).toEqual({ state: 'loaded', token: expect.stringMatching(/^[0-9a-f-]{36}$/), file: 'lenet.weights.bin', byteLength: pair.sidecar.byteLength });
    const held = weights.get((opened!.weights as { token: string }).token)!;
    expect(Buffer.from(held.bytes).equals(Buffer.from(pair.sidecar))).toBe(true);
    expect(held.origin).toBe(path.join(path.dirname(json), 'lenet.weights.bin'));
  });

  it('a weightsFile naming any other sibling (tax-return.pdf) is not read, nor copied by Save As: only *.weights.bin files', async () => {
    const folder = path.join(dir, 'taxes');
    await mkdir(folder, { recursive: true });
    const json = path.join(folder, 'model.cnn.json');
    await writeFile(json, serializeDocument({ ...pair.withSidecar, weightsFile: 'tax-return.pdf' }));
    await writeFile(path.join(folder, 'tax-return.pdf'), pair.sidecar);
    const weights = new WeightsStore();
    const elsewhere = path.join(dir, 'elsewhere', 'copy.cnn.json');
    await mkdir(path.dirname(elsewhere), { recursive: true });
    const svc = new FileService({ dataDir: path.join(dir, 'data'), dialogs: dialogs([json, elsewhere]), weights });
    const opened = await svc.open();
    expect(opened?.weights).toEqual({ state: 'missing', file: 'tax-return.pdf', message: expect.stringContaining('is not a CNN Studio weights file (*.weights.bin), so it is not read') });
    expect(weights.size).toBe(0);
    await svc.save(opened!.text);
    expect(await readdir(path.dirname(elsewhere))).toEqual(['copy.cnn.json']);
  });

  it('a missing, short or badly named sidecar still opens the model, with a message naming the file and the problem', async () => {
    const weights = new WeightsStore();
    const missingJson = await modelFolder(null);
    let svc = new FileService({ dataDir: path.join(dir, 'data'), dialogs: dialogs([missingJson]), weights });
    let opened = await svc.open();
    expect(opened?.text).toBe(JSON_TEXT);
    expect(opened?.weights).toEqual({ state: 'missing', file: 'lenet.weights.bin', message: expect.stringMatching(/^lenet\.weights\.bin was not found next to lenet\.cnn\.json \(in .*models\)/) });

    await writeFile(path.join(path.dirname(missingJson), 'lenet.weights.bin'), pair.sidecar.subarray(0, 1000));
    svc = new FileService({ dataDir: path.join(dir, 'data'), dialogs: dialogs([missingJson]), weights });
    opened = await svc.open();
    expect(opened?.weights).toMatchObject({ state: 'missing', message: expect.stringMatching(/^lenet\.weights\.bin is 1000 bytes but the model needs 240\.9 KiB/) });

    const secret = path.join(dir, 'secret.bin');
    await writeFile(secret, pair.sidecar);
    const evil = await modelFolder(null, 'evil.cnn.json', serializeDocument({ ...pair.withSidecar, weightsFile: '../secret.bin' }));
    svc = new FileService({ dataDir: path.join(dir, 'data'), dialogs: dialogs([evil]), weights });
    opened = await svc.open();
    expect(opened?.weights).toMatchObject({ state: 'missing', file: '../secret.bin', message: expect.stringContaining('is not a plain file name') });
    expect(weights.size).toBe(0);
  });

  it('Save As in the same folder leaves the sidecar as it is; in another folder writes it beside the new JSON, once', async () => {
    const json = await modelFolder();
    const elsewhere = path.join(dir, 'elsewhere');
    await mkdir(elsewhere);
    const writes: string[] = [];
    const weights = new WeightsStore();
    const sameFolder = path.join(path.dirname(json), 'copy.cnn.json');
    const other = path.join(elsewhere, 'moved.cnn.json');
    const svc = new FileService({ dataDir: path.join(dir, 'data'), dialogs: dialogs([json, sameFolder, other]), weights, fs: recordingFs(writes) });
    const { token } = (await svc.open())!.weights as { token: string };
    const before = await stat(path.join(path.dirname(json), 'lenet.weights.bin'));

    expect(await svc.save(JSON_TEXT, undefined, 'copy.cnn.json', token)).toEqual({ path: sameFolder });
    expect(writes.map((w) => path.basename(w))).toEqual([expect.stringMatching(/^\.copy\.cnn\.json\..*\.tmp$/)]);
    expect((await stat(path.join(path.dirname(json), 'lenet.weights.bin'))).mtimeMs).toBe(before.mtimeMs);

    writes.length = 0;
    expect(await svc.save(JSON_TEXT, undefined, 'moved.cnn.json', token)).toEqual({ path: other });
    expect(writes.map((w) => path.basename(w).replace(/\.[^.]*\.[^.]*\.[^.]*\.tmp$/, ''))).toEqual(['.lenet', '.moved']); // sidecar first, then the JSON
    expect((await readFile(path.join(elsewhere, 'lenet.weights.bin'))).equals(Buffer.from(pair.sidecar))).toBe(true);
    expect(await readFile(other, 'utf8')).toBe(JSON_TEXT);
    expect((await readFile(path.join(path.dirname(json), 'lenet.weights.bin'))).equals(Buffer.from(pair.sidecar))).toBe(true); // the original stays

    writes.length = 0;
    await svc.save(JSON_TEXT, other, undefined, token); // Save again there: the sidecar is already beside it
    expect(writes.map((w) => path.basename(w).replace(/\.[^.]*\.[^.]*\.[^.]*\.tmp$/, ''))).toEqual(['.moved']);
  });

  it('a sidecar that cannot be written stops the save: neither file changes', async () => {
    const json = await modelFolder();
    const elsewhere = path.join(dir, 'elsewhere');
    await mkdir(elsewhere);
    const target = path.join(elsewhere, 'moved.cnn.json');
    await writeFile(target, 'old contents');
    const weights = new WeightsStore();
    const svc = new FileService({ dataDir: path.join(dir, 'data'), dialogs: dialogs([json, target]), weights, fs: recordingFs([], 'lenet.weights.bin') });
    const { token } = (await svc.open())!.weights as { token: string };
    const err = await rejection(svc.save(JSON_TEXT, undefined, undefined, token));
    expect(err.code).toBe('write-failed');
    expect(err.message).toMatch(/^Could not save the weights file lenet\.weights\.bin next to moved\.cnn\.json, so the model was not saved either: .*disk is full/);
    expect(await readFile(target, 'utf8')).toBe('old contents');
    expect(await readdir(elsewhere)).toEqual(['moved.cnn.json']);
  });

  it('an imported model’s sidecar (held only in memory) is written next to the JSON at its first save', async () => {
    const weights = new WeightsStore();
    const { token } = weights.add(pair.sidecar.slice(), 'lenet.weights.bin');
    const target = path.join(dir, 'imported.cnn.json');
    const svc = new FileService({ dataDir: path.join(dir, 'data'), dialogs: dialogs([target]), weights });
    expect(await svc.save(JSON_TEXT, undefined, 'imported.cnn.json', token)).toEqual({ path: target });
    expect((await readFile(path.join(dir, 'lenet.weights.bin'))).equals(Buffer.from(pair.sidecar))).toBe(true);
    expect(weights.get(token)?.origin).toBe(path.join(dir, 'lenet.weights.bin'));
  });

  it('saving a document whose sidecar was not loaded says so (and writes the JSON)', async () => {
    const target = path.join(dir, 'lonely.cnn.json');
    const svc = new FileService({ dataDir: path.join(dir, 'data'), dialogs: dialogs([target]), weights: new WeightsStore() });
    const r = await svc.save(JSON_TEXT);
    expect(r).toEqual({ path: target, warning: expect.stringMatching(/^lonely\.cnn\.json was saved without its weights: lenet\.weights\.bin was not loaded/) });
    expect(await readFile(target, 'utf8')).toBe(JSON_TEXT);
    // A weightsFile that is not a plain name is never written anywhere.
    const evil = serializeDocument({ ...pair.withSidecar, weightsFile: '../../x.bin' });
    expect((await rejection(svc.save(evil, target))).code).toBe('write-failed');
  });
});
