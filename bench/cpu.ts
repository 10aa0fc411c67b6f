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

/** Starts measuring; the returned function gives each group's CPU as % of one core since then. */
export function startCpu(groups: CpuGroup[]): () => CpuShares {
  const snapshot = () => new Map(allStats().map((p) => [p.pid, p]));
  const before = snapshot();
  const t0 = process.hrtime.bigint();
  return () => {
    const after = snapshot();
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    return groups.map((g) => {
      let ticks = 0;
      for (const p of after.values()) {
        if (!g.match(p)) continue;
        ticks += p.ticks - (before.get(p.pid)?.ticks ?? 0);
      }
      return { label: g.label, percent: Math.round((ticks / TICKS_PER_SECOND / seconds) * 100) };
    });
  };
}

export function formatCpu(shares: CpuShares | undefined): string {
  return shares ? shares.map((s) => `${s.label} ${s.percent}`).join(' · ') : '';
}
