/** Mapping request URLs to files of the built renderer, for both hosts (app:// and browser mode). */
import { promises as fsp } from 'node:fs';
import path from 'node:path';

export const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

export function contentTypeOf(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/** Resolve a URL path to a file inside root, or null if it would escape root. */
export function resolveInside(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath.split('?')[0]!.split('#')[0]!);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const rel = decoded === '/' || decoded === '' ? 'index.html' : decoded.replace(/^\/+/, '');
  const full = path.resolve(root, rel);
  const rootWithSep = root.endsWith(path.sep) ? root : root + path.sep;
  return full.startsWith(rootWithSep) ? full : null;
}


/**
 * Read the file a URL path names inside root (root must already be a real path). Null when it is
 * outside root — also through symlinks — or not a regular file.
 */
export async function readStaticFile(root: string, urlPath: string): Promise<{ file: string; body: Buffer; contentType: string } | null> {
  const file = resolveInside(root, urlPath);
  if (!file) return null;
  try {
    const real = await fsp.realpath(file);
    if (!real.startsWith(root + path.sep) || !(await fsp.stat(real)).isFile()) return null;
    return { file: real, body: await fsp.readFile(real), contentType: contentTypeOf(real) };
  } catch {
    return null;
  }
}
