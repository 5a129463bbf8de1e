/**
 * The Content-Security-Policy of the app, sent as a header by both hosts (app:// protocol on the
 * desktop, the HTTP server in browser mode) on top of the meta tag in renderer/index.html.
 * Scripts only from the app itself — no inline script, no eval, no remote code. Inline *styles*
 * are allowed because React Flow positions nodes with style attributes.
 */
export interface CspOptions {
  /** Extra connect-src entries (browser mode: its own ws:// origin). */
  connect?: string[];
}

export function contentSecurityPolicy(options: CspOptions = {}): string {
  const directives: [string, string[]][] = [
    ['default-src', ["'self'"]],
    ['script-src', ["'self'"]],
    ['style-src', ["'self'", "'unsafe-inline'"]],
    ['img-src', ["'self'", 'data:', 'blob:']],
    ['font-src', ["'self'", 'data:']],
    ['connect-src', ["'self'", ...(options.connect ?? [])]],
    ['worker-src', ["'self'", 'blob:']],
    ['object-src', ["'none'"]],
    ['base-uri', ["'none'"]],
    ['form-action', ["'none'"]],
    ['frame-src', ["'none'"]],
    ['frame-ancestors', ["'none'"]],
  ];
  return directives.map(([k, v]) => `${k} ${v.join(' ')}`).join('; ');
}

/** Reasons a CSP string is weaker than we allow (empty when it is fine). */
export function cspWeaknesses(csp: string): string[] {
  const problems: string[] = [];
  const directives = new Map(
    csp
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((p) => p[0])
      .map((p) => [p[0]!.toLowerCase(), p.slice(1)] as const),
  );
  const script = directives.get('script-src') ?? directives.get('default-src');
  if (!script) problems.push('no script-src (or default-src) directive');
  else {
    for (const bad of ["'unsafe-eval'", "'unsafe-inline'", "'wasm-unsafe-eval'", '*', 'http:', 'https:', 'data:']) {
      if (script.includes(bad)) problems.push(`script-src allows ${bad}`);
    }
    if (!script.includes("'self'") && !script.includes("'none'")) problems.push("script-src is not limited to 'self'");
  }
  if (csp.includes("'unsafe-eval'")) problems.push("'unsafe-eval' appears in the policy");
  const object = directives.get('object-src') ?? directives.get('default-src');
  if (!object || !(object.includes("'none'") || (object.length === 1 && object[0] === "'self'"))) problems.push('object-src is not restricted');
  return problems;
}
