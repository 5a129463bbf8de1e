/**
 * cnn-studio — the engine in a terminal. `runCli(argv, io)` returns the exit code and never throws:
 * bad input ends with a one-line message (exit 2), not a stack trace. main.ts (the bin, built to dist/cli) calls it.
 */
import { readRegularFile } from '../runtime/file-read';
import * as registered from './commands';
import { CliError, EXIT, parseArgs, type CliCommand, type CliIO } from './command';
import { MAX_MODEL_BYTES } from './load-model';

export const COMMANDS: readonly CliCommand[] = Object.values(registered);

/** Reads only regular files, within a size cap (a FIFO, a device or a folder is refused unread). */
export const readCliFile: CliIO['readFile'] = (p, limits) => readRegularFile(p, limits ?? { maxBytes: MAX_MODEL_BYTES });

export const nodeIO: CliIO = {
  stdout: (t) => void process.stdout.write(t),
  stderr: (t) => void process.stderr.write(t),
  readFile: readCliFile,
};

let pipesGuarded = false;

/**
 * A reader that goes away (`… | head -1`) ends the command quietly with exit 0, as the reader
 * asked for no more: no "Unhandled 'error' event … EPIPE" stack trace. A closed stderr is ignored.
 */
export function endQuietlyOnBrokenPipe(): void {
  if (pipesGuarded) return;
  pipesGuarded = true;
  const broken = (e: NodeJS.ErrnoException) => e?.code === 'EPIPE' || e?.code === 'ERR_STREAM_DESTROYED';
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (!broken(e)) throw e;
    process.exit(0);
  });
  process.stderr.on('error', (e: NodeJS.ErrnoException) => {
    if (!broken(e)) throw e;
  });
}

export function helpText(): string {
  const w = Math.max(...COMMANDS.map((c) => c.usage.length));
  return [
    'cnn-studio — design convolutional networks: shapes, parameters and costs from the terminal.',
    '',
    'Usage:',
    ...COMMANDS.map((c) => `  cnn-studio ${c.usage.padEnd(w)}  ${c.description}`),
    '',
    'A model is a CNN Studio JSON file or preset:NAME (see "cnn-studio presets").',
    'Exit codes: 0 ok/valid, 1 invalid model, 2 unreadable input or bad usage, 3 internal error.',
  ].join('\n') + '\n';
}

function commandHelp(c: CliCommand): string {
  const flags = Object.entries(c.flags).map(([n, f]) => `  --${n}${f.type === 'string' ? ` <${f.valueName}>` : ''}  ${f.description}`);
  return [`usage: cnn-studio ${c.usage}`, '', c.description, ...(flags.length ? ['', 'Options:', ...flags] : [])].join('\n') + '\n';
}

export async function runCli(argv: readonly string[], io: CliIO = nodeIO): Promise<number> {
  if (io === nodeIO) endQuietlyOnBrokenPipe();
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    const which = name === 'help' ? COMMANDS.find((c) => c.name === rest[0]) : undefined;
    io.stdout(which ? commandHelp(which) : helpText());
    return name ? EXIT.ok : EXIT.usage;
  }
  const cmd = COMMANDS.find((c) => c.name === name);
  if (!cmd) {
    io.stderr(`cnn-studio: unknown command "${name}" — commands: ${COMMANDS.map((c) => c.name).join(', ')}. Run "cnn-studio --help".\n`);
    return EXIT.usage;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(commandHelp(cmd));
    return EXIT.ok;
  }
  try {
    const args = parseArgs(rest, cmd);
    try {
      return await cmd.run(args, io);
    } catch (e) {
      if (e instanceof CliError && args.flags.json) {
        io.stdout(JSON.stringify({ valid: false, error: { code: e.code, message: e.message }, diagnostics: e.details }, null, 2) + '\n');
      }
      throw e;
    }
  } catch (e) {
    if (e instanceof CliError) {
      io.stderr(`cnn-studio ${cmd.name}: ${e.message}\n`);
      return e.exitCode;
    }
    // A bug, not bad input: still one line (set CNN_STUDIO_DEBUG=1 for the stack).
    const err = e as Error;
    io.stderr(`cnn-studio ${cmd.name}: internal error: ${err?.message ?? String(e)}\n`);
    if (typeof process !== 'undefined' && process.env.CNN_STUDIO_DEBUG) io.stderr(`${err?.stack}\n`);
    return 3;
  }
}
