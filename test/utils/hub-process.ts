/**
 * The built hub (`node dist/src/main.js`, as `npm start` runs it) as child processes of a test:
 * start, wait until ready, stop or kill. Used by the scale-out and fault tests.
 */
import IORedis from 'ioredis';
import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Client } from 'pg';
import { eventually } from './hub';

export const MAIN = join(__dirname, '../../dist/src/main.js');

/**
 * A process test's own database gone (the hub creates and migrates it at boot) and, when given,
 * its Redis database emptied: before the test, and after it.
 */
export async function dropTestStore(database: string, redisUrl?: string): Promise<void> {
  const admin = new Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${database.replace(/"/g, '""')}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
  if (redisUrl) {
    const redis = new IORedis(redisUrl);
    await redis.flushdb();
    await redis.quit();
  }
}

export interface Proc {
  name: string;
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: string | null }>;
}

/** Starts the built hub with exactly this environment (plus PATH); keeps the last ~100–200 kB of its output. */
export function spawnBuiltHub(name: string, env: Record<string, string>): Proc {
  const child = spawn(process.execPath, [MAIN], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const keep = (d: Buffer) => {
    out += d;
    if (out.length > 200_000) out = out.slice(-100_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  return { name, child, output: () => out, exited };
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

/** Waits until `ready` says so; fails at once, with the process's output, if it exits meanwhile. */
export async function booted(p: Proc, ready: () => Promise<boolean>): Promise<void> {
  let exit: { code: number | null } | undefined;
  void p.exited.then((e) => (exit = e));
  await eventually(async () => {
    if (exit) throw new Error(`${p.name} exited (${exit.code}) while booting:\n${p.output().slice(-3000)}`);
    return (await ready()) ? true : undefined;
  }, 60_000, `${p.name} to boot`).catch((err: Error) => {
    throw new Error(`${err.message}\n--- ${p.name} output ---\n${p.output().slice(-3000)}`);
  });
}

/** SIGTERM, then SIGKILL after 15 s. */
export async function stop(p: Proc): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  p.child.kill('SIGTERM');
  const timer = setTimeout(() => p.child.kill('SIGKILL'), 15_000);
  await p.exited;
  clearTimeout(timer);
}

export async function kill(p: Proc): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  p.child.kill('SIGKILL');
  await p.exited;
}
