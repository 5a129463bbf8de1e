/**
 * CPU time (user + system) of every process on the machine, from /proc (Linux only; empty elsewhere):
 * `cpuSnapshot()` before and after a stretch of work, `cpuSpent(before, after)` the milliseconds each
 * process group spent in between — this process, its children by name (node, chromium…), and the rest.
 */
import { readdirSync, readFileSync } from 'node:fs';

export type CpuSnapshot = Map<number, { name: string; ppid: number; ms: number }>;

const TICK_MS = 10; // USER_HZ is 100 on Linux

export function cpuSnapshot(): CpuSnapshot {
  const out: CpuSnapshot = new Map();
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  } catch {
    return out;
  }
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const name = stat.slice(stat.indexOf('(') + 1, close);
      const f = stat.slice(close + 2).split(' ');
      let label = name;
      if (/chrom/i.test(name)) {
        // Chromium's processes by role: browser, renderer, gpu-process, utility (network)…
        const type = /--type=([\w-]+)/.exec(readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' '))?.[1];
        label = `${name} ${type ?? 'browser'}`;
      }
      out.set(Number(pid), { name: label, ppid: Number(f[1]), ms: (Number(f[11]) + Number(f[12])) * TICK_MS });
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** Milliseconds of CPU per group between two snapshots: 'this process', then process names. */
export function cpuSpent(before: CpuSnapshot, after: CpuSnapshot): Record<string, number> {
  const groups: Record<string, number> = {};
  for (const [pid, a] of after) {
    const spent = a.ms - (before.get(pid)?.ms ?? 0);
    if (spent <= 0) continue;
    const group = pid === process.pid ? 'this process' : a.ppid === process.pid ? `child ${a.name}` : a.name;
    groups[group] = (groups[group] ?? 0) + spent;
  }
  return groups;
}
