/**
 * Where the CPU went during a run: CPU time of the server processes, PostgreSQL, Redis and the
 * load generator (this process), read from /proc before and after. On a 2-core machine the sum
 * is at most 200 %; the split shows which component the shared cores were spent on.
 */
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

interface ProcStat {
  pid: number;
  comm: string;
  ppid: number;
  pgrp: number;
  /** utime + stime, in ticks. */
  ticks: number;
}

function readStat(pid: number): ProcStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const open = text.indexOf('(');
    const close = text.lastIndexOf(')');
    const rest = text.slice(close + 2).split(' ');
    return { pid, comm: text.slice(open + 1, close), ppid: Number(rest[1]), pgrp: Number(rest[2]), ticks: Number(rest[11]) + Number(rest[12]) };
  } catch {
    return undefined; // gone meanwhile
  }
}

function allStats(): ProcStat[] {
  const out: ProcStat[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const s = readStat(Number(name));
    if (s) out.push(s);
  }
  return out;
}

/** A named group of processes whose CPU time is summed. */
export interface CpuGroup {
  label: string;
  match: (p: ProcStat) => boolean;
}

export const byPid = (pid: number | undefined) => (p: ProcStat) => p.pid === pid;
/** The processes a leader forked into its group (the hub's worker), not the leader itself. */
export const forkedBy = (leaderPid: number | undefined) => (p: ProcStat) => p.pgrp === leaderPid && p.pid !== leaderPid;

/** The servers under test, then PostgreSQL, Redis and the load generator (this process). */
export function cpuGroups(servers: CpuGroup[]): CpuGroup[] {
  return [
    ...servers,
    { label: 'pg', match: (p) => p.comm === 'postgres' },
    { label: 'redis', match: (p) => p.comm.startsWith('redis-server') },
    { label: 'gen', match: (p) => p.pid === process.pid },
  ];
}

export type CpuShares = { label: string; percent: number }[];

/** Busy (non-idle, non-iowait) ticks of the whole machine, from the first line of /proc/stat. */
function machineBusyTicks(): number {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1, 9).map(Number);
  const [user, nice, system, , , irq, softirq, steal] = fields;
  return user + nice + system + irq + softirq + steal;
}

/**
 * Starts measuring; the returned function gives each group's CPU as % of one core since then,
 * then `other` (every other process: anything else running on the machine distorts the figures)
 * and `all` (the whole machine; 100 × cores when the cores were saturated).
 */
export function startCpu(groups: CpuGroup[]): () => CpuShares {
  const snapshot = () => new Map(allStats().map((p) => [p.pid, p]));
  const before = snapshot();
  const busy0 = machineBusyTicks();
  const t0 = process.hrtime.bigint();
  return () => {
    const after = snapshot();
    const busy = machineBusyTicks() - busy0;
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const pct = (ticks: number) => Math.round((ticks / TICKS_PER_SECOND / seconds) * 100);
    let grouped = 0;
    const shares = groups.map((g) => {
      let ticks = 0;
      for (const p of after.values()) {
        if (!g.match(p)) continue;
        ticks += p.ticks - (before.get(p.pid)?.ticks ?? 0);
      }
      grouped += ticks;
      return { label: g.label, percent: pct(ticks) };
    });
    return [...shares, { label: 'other', percent: Math.max(0, pct(busy - grouped)) }, { label: 'all', percent: pct(busy) }];
  };
}

export function formatCpu(shares: CpuShares | undefined): string {
  return shares ? shares.map((s) => `${s.label} ${s.percent}`).join(' · ') : '';
}
