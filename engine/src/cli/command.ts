/** What every CLI command is: a name, its usage, its flags, and a run function returning the exit code. */
import type { ReadLimits } from '../runtime/file-read';

export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  /** A regular file's bytes, refused (runtime/file-read.ts FileReadError) when it is anything else or over `limits.maxBytes`. */
  readFile(path: string, limits?: ReadLimits): Promise<Uint8Array>;
}

/** A `--name` flag; `short` also accepts `-x` (e.g. `-o` for `--output`). */
export type FlagSpec = ({ type: 'boolean'; description: string } | { type: 'string'; description: string; valueName: string }) & { short?: string };

export interface ParsedArgs {
  positionals: string[];
  flags: Record<string, string | boolean | undefined>;
}

export interface CliCommand {
  name: string;
  /** "summary <file.json | preset:NAME> [--json] [--expand]" */
  usage: string;
  description: string;
  flags: Record<string, FlagSpec>;
  positionals: { min: number; max: number };
  run(args: ParsedArgs, io: CliIO): Promise<number>;
}

/** Exit codes shared by all commands. */
export const EXIT = { ok: 0, invalid: 1, unreadable: 2, usage: 2 } as const;

/** A failure that ends the command with a clear one-line message (no stack trace). */
export class CliError extends Error {
  constructor(
    readonly exitCode: number,
    message: string,
    /** Typed code for --json output ("bad-json", "not-a-model", "usage", …). */
    readonly code = 'error',
    readonly details: unknown[] = [],
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/**
 * Parse `argv` against a command's flags: `--flag`, `--flag=value`, `--flag value` (string flags),
 * `-x value` for flags with a short name, `--` ends the flags. Unknown flags and wrong counts are usage errors.
 */
export function parseArgs(argv: readonly string[], cmd: Pick<CliCommand, 'name' | 'usage' | 'flags' | 'positionals'>): ParsedArgs {
  const positionals: string[] = [];
  const flags: ParsedArgs['flags'] = {};
  const usage = `usage: cnn-studio ${cmd.usage}`;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    const shortName = /^-[a-zA-Z]$/.test(a) ? Object.keys(cmd.flags).find((n) => cmd.flags[n].short === a.slice(1)) : undefined;
    if (/^-[a-zA-Z]$/.test(a) && !shortName) throw new CliError(EXIT.usage, `${cmd.name}: unknown option ${a}. ${usage}`, 'usage');
    if (shortName || (a.startsWith('--') && a.length > 2)) {
      const eq = shortName ? -1 : a.indexOf('=');
      const name = shortName ?? (eq < 0 ? a.slice(2) : a.slice(2, eq));
      const spec = cmd.flags[name];
      if (!spec) throw new CliError(EXIT.usage, `${cmd.name}: unknown option --${name}. ${usage}`, 'usage');
      if (spec.type === 'boolean') {
        if (eq >= 0) throw new CliError(EXIT.usage, `${cmd.name}: --${name} takes no value. ${usage}`, 'usage');
        flags[name] = true;
      } else {
        const value = eq >= 0 ? a.slice(eq + 1) : argv[++i];
        if (value === undefined) throw new CliError(EXIT.usage, `${cmd.name}: --${name} needs a value (${spec.valueName}). ${usage}`, 'usage');
        flags[name] = value;
      }
      continue;
    }
    positionals.push(a);
  }
  const { min, max } = cmd.positionals;
  if (positionals.length < min) throw new CliError(EXIT.usage, `${cmd.name}: missing argument. ${usage}`, 'usage');
  if (positionals.length > max) throw new CliError(EXIT.usage, `${cmd.name}: unexpected argument "${positionals[max]}". ${usage}`, 'usage');
  return { positionals, flags };
}
