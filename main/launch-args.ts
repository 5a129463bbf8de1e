/** Model files handed to the app by the OS: command line (first launch or a second instance). */
import path from 'node:path';

export const MODEL_EXTENSION = '.cnn.json';

/**
 * The model file named on a command line, resolved against cwd, or null. Skips the executable,
 * the app path (in development `electron .`) and Chromium switches.
 */
export function modelPathFromArgv(argv: readonly string[], cwd: string): string | null {
  for (const arg of argv.slice(1)) {
    if (!arg || arg.startsWith('-')) continue;
    if (arg.toLowerCase().endsWith(MODEL_EXTENSION)) return path.resolve(cwd, arg);
  }
  return null;
}
