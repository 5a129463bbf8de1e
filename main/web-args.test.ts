import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { parseWebArgs } from './web-args';

describe('browser-mode options', () => {
  it('defaults to a free port and the given dist folder', () => {
    expect(parseWebArgs([], '/app/dist')).toEqual({ port: 0, distDir: '/app/dist' });
  });
  it('reads --port, --backend and --dist in both spellings', () => {
    expect(parseWebArgs(['--port', '8080', '--backend=reference', '--dist', 'out'], '/d')).toEqual({ port: 8080, backend: 'reference', distDir: path.resolve('out') });
    expect(parseWebArgs(['--port=0'], '/d').port).toBe(0);
  });
  it.each([
    [['--port', 'x'], /--port must be an integer/],
    [['--port', '70000'], /--port must be an integer/],
    [['--port'], /--port needs a value/],
    [['--backend', 'gpu'], /--backend must be "ort" or "reference"/],
    [['--verbose'], /Unknown option --verbose/],
  ])('rejects %j with a clear message', (argv, message) => {
    expect(() => parseWebArgs(argv, '/d')).toThrow(message);
  });
});
