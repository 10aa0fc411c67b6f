/**
 * The servers under test run as child processes. Each is started as the leader of its own
 * process group, so stopping it also stops whatever it forked (the hub forks its worker), and
 * every child still alive is killed when the bench exits for any reason.
 */
import { ChildProcess, fork } from 'node:child_process';
import { createServer } from 'node:net';

const LOG_LINES = 60;

export class Child {
  private readonly lines: string[] = [];
  private exited: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  readonly exitPromise: Promise<void>;

  constructor(
    readonly name: string,
    readonly proc: ChildProcess,
  ) {
    const keep = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.trim() === '') continue;
        this.lines.push(line);
        if (this.lines.length > LOG_LINES) this.lines.shift();
      }
    };
    // Always drain the pipes: a child blocked on a full pipe would distort the figures.
    proc.stdout?.on('data', keep);
    proc.stderr?.on('data', keep);
    this.exitPromise = new Promise((resolve) => {
      proc.once('exit', (code, signal) => {
        this.exited = { code, signal };
        resolve();
      });
    });
  }

  get running(): boolean {
    return this.exited === null;
  }

  /** The last lines the child (and its own children) wrote, for error reports. */
  recentOutput(): string {
    return this.lines.map((l) => `  [${this.name}] ${l}`).join('\n');
  }

  exitDescription(): string {
    return this.exited ? `exited (${this.exited.signal ?? this.exited.code})` : 'running';
  }

  /** Resolves when the child sends `{ ready: true }` over IPC; rejects if it exits first or takes too long. */
  async readyMessage(timeoutMs: number): Promise<void> {
    await this.within(timeoutMs, new Promise<void>((resolve) => {
      const onMessage = (m: unknown) => {
        if (typeof m === 'object' && m !== null && (m as { ready?: unknown }).ready === true) {
          this.proc.off('message', onMessage);
          resolve();
        }
      };
      this.proc.on('message', onMessage);
    }), 'to report ready');
  }

  /** Polls `url` until it answers 200; rejects if the child exits first or takes too long. */
  async readyHttp(url: string, timeoutMs: number): Promise<void> {
    const poll = async () => {
      for (;;) {
        try {
          const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
          await res.arrayBuffer();
          if (res.status === 200) return;
        } catch {
          // not listening yet
        }
        if (!this.running) return;
        await sleep(200);
      }
    };
    await this.within(timeoutMs, poll(), `to answer 200 on ${url}`);
  }

  private async within(timeoutMs: number, ready: Promise<void>, what: string): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
    const outcome = await Promise.race([ready.then(() => 'ready' as const), this.exitPromise.then(() => 'exited' as const), timeout]);
    clearTimeout(timer);
    if (outcome === 'ready' && this.running) return;
    throw new Error(`${this.name} failed ${what}: ${outcome === 'timeout' ? `no answer within ${timeoutMs} ms` : this.exitDescription()}\n${this.recentOutput()}`);
  }

  /** SIGTERM to the whole group, then SIGKILL after `graceMs`. */
  async stop(graceMs = 5000): Promise<void> {
    if (!this.running) {
      killGroup(this.proc.pid, 'SIGKILL'); // grandchildren may outlive the leader
      return;
    }
    killGroup(this.proc.pid, 'SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.exitPromise, new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))]);
    clearTimeout(timer);
    killGroup(this.proc.pid, 'SIGKILL');
    if (this.running) await Promise.race([this.exitPromise, sleep(2000)]);
  }
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (!pid) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is already gone
  }
}

const children = new Set<Child>();

/** Starts `node <script>` in its own process group with an IPC channel. */
export function startChild(name: string, script: string, env: Record<string, string>): Child {
  const proc = fork(script, [], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    detached: true,
  });
  const child = new Child(name, proc);
  children.add(child);
  void child.exitPromise.then(() => children.delete(child));
  return child;
}

export async function stopAll(): Promise<void> {
  await Promise.all([...children].map((c) => c.stop()));
}

/** Last resort, synchronous: on process exit nothing async runs any more. */
function killAllNow(): void {
  for (const c of children) killGroup(c.proc.pid, 'SIGKILL');
}

let installed = false;

/**
 * Make sure no child outlives the bench, whatever ends it. On a signal the servers are stopped,
 * then `cleanUp` runs (bounded to 10 s) before the bench exits.
 */
export function installExitHandlers(cleanUp: () => Promise<void>): void {
  if (installed) return;
  installed = true;
  process.on('exit', killAllNow);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      process.stderr.write(`\nbench: ${signal}, stopping the servers\n`);
      setTimeout(() => process.exit(130), 10_000).unref();
      void stopAll()
        .then(cleanUp)
        .finally(() => process.exit(130));
    });
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A TCP port nobody listens on right now (for a child server to take). */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolvePort(port));
    });
  });
}
