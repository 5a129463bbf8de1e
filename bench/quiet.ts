/**
 * Benchmarks share this 2-core machine with whatever else runs (tests, builds). A timed round is
 * only kept when the rest of the system stayed idle meanwhile: CPU time of the whole machine
 * (/proc/stat) minus that of this process and the given child processes (/proc/<pid>/stat), in
 * clock ticks (10 ms). Elsewhere than Linux every round is kept.
 */
import { readFileSync } from 'node:fs';

const TICK_MS = 10;

function machineBusyTicks(): number | undefined {
  try {
    const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
    const [user, nice, system, , , irq, softirq, steal] = fields.map(Number);
    return user + nice + system + irq + softirq + (steal || 0);
  } catch {
    return undefined;
  }
}

function processTicks(pid: number | 'self'): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]); // utime, stime
  } catch {
    return 0;
  }
}

export interface QuietProbe {
  /** CPU time others used since start(), ms (0 when unknown). */
  othersMs(): number;
}

/** Starts counting the CPU time used by processes other than this one and `pids`. */
export function quietProbe(pids: () => (number | undefined)[] = () => []): QuietProbe {
  const own = () => processTicks('self') + pids().reduce<number>((n, p) => n + (p === undefined ? 0 : processTicks(p)), 0);
  const busy0 = machineBusyTicks();
  const own0 = own();
  return {
    othersMs() {
      const busy1 = machineBusyTicks();
      if (busy0 === undefined || busy1 === undefined) return 0;
      return Math.max(0, busy1 - busy0 - (own() - own0)) * TICK_MS;
    },
  };
}

/**
 * Runs `fn` until a round finishes with others using at most `maxOthersMs` of CPU (at most
 * `tries` times); returns its wall time and how many rounds were dropped. `prepare` runs before
 * each try, untimed (a new input, so that a re-run round is not served from a cache).
 */
export async function quietRound(fn: () => Promise<unknown>, options: { maxOthersMs?: number; tries?: number; pids?: () => (number | undefined)[]; prepare?: () => void } = {}): Promise<{ ms: number; dropped: number; cpuMs: number }> {
  const max = options.maxOthersMs ?? 10;
  const tries = options.tries ?? 20;
  let dropped = 0;
  for (;;) {
    options.prepare?.();
    const probe = quietProbe(options.pids);
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await fn();
    const ms = performance.now() - t0;
    const c = process.cpuUsage(c0);
    if (probe.othersMs() <= max || dropped + 1 >= tries) return { ms, dropped, cpuMs: (c.user + c.system) / 1000 };
    dropped++;
    await new Promise((r) => setTimeout(r, 50));
  }
}
