/** Command-line options of browser mode: `npm run web -- [--port N] [--backend ort|reference] [--dist DIR]`. */
import path from 'node:path';
import type { BackendName } from '../engine/src/runtime/protocol';

export interface WebArgs {
  port: number;
  backend?: BackendName;
  distDir: string;
}

export function parseWebArgs(argv: readonly string[], defaultDist: string): WebArgs {
  const args: WebArgs = { port: 0, distDir: defaultDist };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i]!.split('=', 2) as [string, string | undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value.`);
      return v;
    };
    if (flag === '--port') {
      const p = Number(value());
      if (!Number.isInteger(p) || p < 0 || p > 65535) throw new Error(`--port must be an integer from 0 to 65535.`);
      args.port = p;
    } else if (flag === '--backend') {
      const b = value();
      if (b !== 'ort' && b !== 'reference') throw new Error(`--backend must be "ort" or "reference".`);
      args.backend = b;
    } else if (flag === '--dist') args.distDir = path.resolve(value());
    else throw new Error(`Unknown option ${flag}. Usage: npm run web -- [--port N] [--backend ort|reference]`);
  }
  return args;
}
