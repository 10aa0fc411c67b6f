/**
 * The hub's entry point. `HUB_ROLES` unset: this process serves the API and forks the worker
 * role into a child process (so HTTP load never starves case registration). `HUB_ROLES=api` or
 * `worker` runs one role; `api,worker` runs both in one process.
 *
 * On SIGTERM/SIGINT: the HTTP server stops taking requests and finishes those in flight, the
 * worker finishes its running jobs (queued ones stay queued), then the process exits.
 */
// Days and deadlines are Asia/Shanghai's; the holiday data (chinese-days) reads dates in local time.
process.env.TZ = 'Asia/Shanghai';
import 'reflect-metadata';
import { ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { createApiApp, createWorkerContext, prepareDatabase } from './app';
import { ConfigError, HubConfig, loadConfig } from './config/env';

function readConfig(): HubConfig {
  try {
    return loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
}

/** API here, worker in a child process; stops both on a signal, the child first. */
async function supervise(config: HubConfig): Promise<void> {
  let stopping = false;
  const worker: ChildProcess = fork(__filename, [], { env: { ...process.env, HUB_ROLES: 'worker' }, stdio: 'inherit' });
  worker.on('exit', (code, signal) => {
    if (stopping) return;
    process.stderr.write(`worker process exited (${signal ?? code}); stopping the hub\n`);
    process.exit(1);
  });
  let app: Awaited<ReturnType<typeof createApiApp>>;
  try {
    app = await createApiApp(config, ['api'], { shutdownHooks: false });
  } catch (err) {
    stopping = true;
    worker.kill('SIGTERM'); // the API could not start: take the worker down with it
    throw err;
  }
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    const workerDone = worker.exitCode === null ? once(worker, 'exit') : Promise.resolve();
    worker.kill(signal);
    await app.close();
    await workerDone;
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  try {
    await app.listen(config.port, '0.0.0.0');
  } catch (err) {
    stopping = true;
    worker.kill('SIGTERM');
    throw err;
  }
  process.stdout.write(`hub listening on port ${config.port} (api; worker in process ${worker.pid})\n`);
}

async function main(): Promise<void> {
  // A forked worker whose supervisor goes away — even while this process is still booting —
  // finishes what it runs and exits; it never lives on as an orphan.
  let workerContext: { close(): Promise<void> } | undefined;
  let orphaned = false;
  if (process.send) {
    process.once('disconnect', () => {
      orphaned = true;
      if (workerContext) void workerContext.close().finally(() => process.exit(0));
    });
  }
  const config = readConfig();
  await prepareDatabase(config);
  if (config.supervise) return supervise(config);
  if (config.roles.includes('api')) {
    const app = await createApiApp(config, config.roles);
    await app.listen(config.port, '0.0.0.0');
    process.stdout.write(`hub listening on port ${config.port} (${config.roles.join(',')})\n`);
  } else {
    workerContext = await createWorkerContext(config);
    if (orphaned) {
      await workerContext.close();
      process.exit(0);
    }
    process.stdout.write('hub worker running\n');
  }
}

main().catch((err: Error) => {
  process.stderr.write(`hub failed to start: ${err.stack ?? err.message}\n`);
  process.exit(1);
});
