import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The editor bundles every op (instant shapes and costs), and its CSP forbids eval: an op file
 * must not import the protobuf encoder (protobufjs generates code at load), only the plain
 * lowering helpers (onnx/lowering, onnx/data-type, train/windows).
 */
describe('op files stay bundle-safe', () => {
  const dir = __dirname;
  const files = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
  it.each(files)('%s imports no protobuf code', (file) => {
    const text = readFileSync(join(dir, file), 'utf8');
    expect(text).not.toMatch(/from '\.\.\/onnx\/(proto|builder|export|import)'/);
    expect(text).not.toMatch(/protobufjs/);
  });
  it('neither do the training lowering helpers the op files import', () => {
    for (const f of ['lowering.ts', 'windows.ts']) expect(readFileSync(join(dir, '../train', f), 'utf8')).not.toMatch(/onnx\/(proto|builder)'|protobufjs/);
  });
});
