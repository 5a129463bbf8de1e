/**
 * A static audit of the Electron security settings in our own source (and bundles): fails on any
 * weakened webPreference, an 'unsafe-eval' CSP, ipcRenderer handed to the page, file:// loading or
 * an unchecked shell.openExternal. Used by security-audit.test.ts; runnable on any text.
 */
export interface AuditFinding {
  file: string;
  line: number;
  rule: string;
  text: string;
}

const WEAKENED: [rule: string, pattern: RegExp][] = [
  ['nodeIntegration enabled', /\bnodeIntegration(InWorker|InSubFrames)?["']?\s*:\s*(true|!0)\b/],
  ['contextIsolation disabled', /\bcontextIsolation["']?\s*:\s*(false|!1)\b/],
  ['sandbox disabled', /\bsandbox["']?\s*:\s*(false|!1)\b/],
  ['webSecurity disabled', /\bwebSecurity["']?\s*:\s*(false|!1)\b/],
  ['insecure content allowed', /\ballowRunningInsecureContent["']?\s*:\s*(true|!0)\b/],
  ['webview tag enabled', /\bwebviewTag["']?\s*:\s*(true|!0)\b/],
  ['experimental features enabled', /\bexperimentalFeatures["']?\s*:\s*(true|!0)\b/],
  ['enableBlinkFeatures used', /\benableBlinkFeatures["']?\s*:/],
  ["'unsafe-eval' in a CSP", /(script-src|default-src|Content-Security-Policy)[^\n]*unsafe-eval/i],
  ['CSP bypassed by a scheme', /\bbypassCSP["']?\s*:\s*(true|!0)\b/],
  ['renderer loaded from file://', /\bloadFile\s*\(|loadURL\s*\(\s*[`'"]file:/],
  ['certificate errors ignored', /ignore-certificate-errors|setCertificateVerifyProc\s*\(\s*\(\s*[^)]*\)\s*=>\s*\w+\s*\(\s*0\s*\)/],
  ['remote module', /@electron\/remote|enableRemoteModule/],
];

/** Findings for one source file's text. `preload` turns on the bridge rules. */
export function auditSource(file: string, text: string, options: { preload?: boolean } = {}): AuditFinding[] {
  const findings: AuditFinding[] = [];
  const lines = text.split('\n');
  lines.forEach((raw, i) => {
    const line = raw.replace(/\/\/.*$/, '').replace(/^\s*\*.*$/, ''); // ignore comments
    for (const [rule, pattern] of WEAKENED) if (pattern.test(line)) findings.push({ file, line: i + 1, rule, text: raw.trim() });
    if (/\bopenExternal\s*\(/.test(line) && !/isSafeExternalUrl|DOCUMENTATION_URL|details\.url|\(url\)/.test(line)) {
      // allowed only right after the https check (window.ts) or for our own constant URL
      findings.push({ file, line: i + 1, rule: 'shell.openExternal without a URL check', text: raw.trim() });
    }
  });
  if (options.preload) {
    const exposes = [...text.matchAll(/exposeInMainWorld\s*\(\s*['"`]([\w$]+)['"`]\s*,\s*([\w$]+)/g)];
    if (exposes.length !== 1) findings.push({ file, line: 0, rule: 'preload must expose exactly one object', text: `${exposes.length} exposeInMainWorld calls` });
    for (const m of exposes) {
      const name = m[2]!;
      const decl = new RegExp(`(?:const|let|var)\\s+${name}\\s*=\\s*\\{([\\s\\S]*?)\\n\\}`).exec(text);
      if (!decl) findings.push({ file, line: 0, rule: 'exposed object must be a literal declared in the preload', text: name });
      else if (/ipcRenderer|\bsend\s*:|\binvoke\s*:|\bon\s*:\s*\(?\s*channel/.test(decl[1]!)) {
        findings.push({ file, line: 0, rule: 'ipcRenderer or a generic send/invoke exposed through contextBridge', text: name });
      }
    }
    if (/exposeInMainWorld\s*\([^)]*ipcRenderer/.test(text)) findings.push({ file, line: 0, rule: 'ipcRenderer exposed through contextBridge', text: 'exposeInMainWorld(…ipcRenderer…)' });
    if (/\(\s*channel\s*[:,)][^)]*\)\s*=>\s*ipcRenderer\.(send|invoke|on)\s*\(\s*channel/.test(text)) {
      findings.push({ file, line: 0, rule: 'generic channel passthrough in preload', text: '(channel) => ipcRenderer.*(channel)' });
    }
  }
  return findings;
}
