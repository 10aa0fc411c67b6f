/**
 * Memory of the servers under test, read from /proc: the peak resident set of a group of
 * processes over a run (sampled), the kernel's own lifetime peak (VmHWM), and a process's
 * descendants (the hub's forked worker, Chromium under the report worker).
 */
import { readdirSync, readFileSync } from 'node:fs';

export function statusKb(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0; // gone meanwhile
  }
}

export const mibOfKb = (kb: number) => Math.round(kb / 1024);

/** Every process below `pid` (children, grandchildren …), with its command name. */
export function descendants(pid: number): { pid: number; comm: string }[] {
  const parent = new Map<number, number>();
  const comm = new Map<number, string>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const text = readFileSync(`/proc/${name}/stat`, 'utf8');
      const close = text.lastIndexOf(')');
      parent.set(Number(name), Number(text.slice(close + 2).split(' ')[1]));
      comm.set(Number(name), text.slice(text.indexOf('(') + 1, close));
    } catch {
      // gone meanwhile
    }
  }
  const out: { pid: number; comm: string }[] = [];
  const walk = (p: number) => {
    for (const [child, pp] of parent) {
      if (pp !== p) continue;
      out.push({ pid: child, comm: comm.get(child) ?? '?' });
      walk(child);
    }
  };
  walk(pid);
  return out;
}

/** The processes a server forked (the hub's worker child), Chromium apart. */
export function forkedNodes(pid: number | undefined): number[] {
  if (!pid) return [];
  return descendants(pid)
    .filter((d) => !/chrom/i.test(d.comm))
    .map((d) => d.pid);
}

/** A named set of processes whose resident memory is summed (looked up again at every sample). */
export interface MemoryGroup {
  label: string;
  pids: () => number[];
}

export type PeakRss = Record<string, number>;

/**
 * Samples the resident set of each group every `intervalMs` until the returned function is
 * called; that gives each group's peak in MiB over the interval (0 if no process was found).
 * Sampling, not VmHWM: VmHWM is the peak over a process's whole life, not over one run.
 */
export function startRssSampler(groups: MemoryGroup[], intervalMs = 100): () => PeakRss {
  const peak = new Map<string, number>(groups.map((g) => [g.label, 0]));
  const sample = () => {
    for (const g of groups) {
      const kb = g.pids().reduce((s, pid) => s + statusKb(pid, 'VmRSS'), 0);
      if (kb > (peak.get(g.label) ?? 0)) peak.set(g.label, kb);
    }
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return () => {
    clearInterval(timer);
    sample();
    return Object.fromEntries([...peak].map(([label, kb]) => [label, mibOfKb(kb)]));
  };
}
