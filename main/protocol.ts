/**
 * The app:// protocol: serves the built renderer (dist/renderer) and nothing else, with the app's
 * CSP as a header. Registered privileged as standard + secure so the renderer gets a proper origin
 * (app://cnn-studio), ES modules and fetch — instead of file://, which would expose the whole disk.
 */
import type { CustomScheme, Protocol } from 'electron';
import { contentSecurityPolicy } from './csp';
import { readStaticFile } from './static-files';
import { APP_HOST, APP_SCHEME } from './window';

/** For protocol.registerSchemesAsPrivileged, before app ready. */
export const APP_SCHEME_PRIVILEGES: CustomScheme = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true, stream: false, bypassCSP: false, allowServiceWorkers: false },
};

/** Answer one app:// request from rendererDir (a real path). Exported for tests. */
export async function respondToAppRequest(request: { url: string; method: string }, rendererDir: string): Promise<Response> {
  const csp = contentSecurityPolicy();
  const headers = { 'Content-Security-Policy': csp, 'X-Content-Type-Options': 'nosniff' };
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return new Response('Bad request', { status: 400, headers });
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return new Response('Not found', { status: 404, headers });
  if (request.method !== 'GET' && request.method !== 'HEAD') return new Response('Method not allowed', { status: 405, headers });
  const found = await readStaticFile(rendererDir, url.pathname);
  if (!found) return new Response('Not found', { status: 404, headers });
  return new Response(request.method === 'HEAD' ? null : new Uint8Array(found.body), { status: 200, headers: { ...headers, 'Content-Type': found.contentType } });
}

export function registerAppProtocol(protocol: Pick<Protocol, 'handle'>, rendererDir: string): void {
  protocol.handle(APP_SCHEME, (request) => respondToAppRequest(request, rendererDir));
}
