/**
 * A browser-mode server in a process of its own, for tests that must see it survive hostile input
 * (an uncaught exception would end this process, not the test runner). The engine is the recording
 * fake. Prints one JSON line, `{"port":…,"url":…}`, once it listens; runs until killed.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startWebServer } from '../web-server';
import { FakeEngine } from './fakes';

const dir = mkdtempSync(path.join(tmpdir(), 'cnn-web-proc-'));
writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>CNN Studio</title>');
const server = await startWebServer({ port: 0, rendererDir: dir, engine: new FakeEngine() });
process.stdout.write(`${JSON.stringify({ port: server.port, url: server.url })}\n`);
