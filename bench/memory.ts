import { readFileSync } from 'node:fs';

/**
 * This process's peak resident memory: VmHWM of /proc/self/status where there is one. Not
 * `resourceUsage().maxRSS`: Linux carries it over from before exec, so a child forked from a big
 * process (this benchmark, holding a dozen sessions) reports its parent's size (measured: 1.5–1.95
 * GiB here against 1.0 GiB from VmHWM).
 */
export function peakRssBytes(): number {
  try {
    const line = readFileSync('/proc/self/status', 'utf8').split('\n').find((l) => l.startsWith('VmHWM:'));
    if (line) return Number(line.split(/\s+/)[1]) * 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS * 1024;
}
