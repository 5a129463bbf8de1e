import { spawnSync } from 'node:child_process';

/**
 * A Python interpreter that can import every module named, or undefined. Debian's python3-torch,
 * python3-torchvision and python3-onnx install into /usr/bin/python3, which may not be the first
 * python3 on PATH (pyenv), so that one is tried first.
 */
export function findPython(modules: string[]): string | undefined {
  for (const exe of ['/usr/bin/python3', 'python3']) {
    const r = spawnSync(exe, ['-c', modules.map((m) => `import ${m}`).join('; ') || 'pass'], { encoding: 'utf8', timeout: 60_000 });
    if (r.status === 0) return exe;
  }
  return undefined;
}
