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
  const app = await createApiApp(config, ['api'], { shutdownHooks: false });
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
  await app.listen(config.port, '0.0.0.0');
  process.stdout.write(`hub listening on port ${config.port} (api; worker in process ${worker.pid})\n`);
}

async function main(): Promise<void> {
  const config = readConfig();
  await prepareDatabase(config);
  if (config.supervise) return supervise(config);
  if (config.roles.includes('api')) {
    const app = await createApiApp(config, config.roles);
    await app.listen(config.port, '0.0.0.0');
    process.stdout.write(`hub listening on port ${config.port} (${config.roles.join(',')})\n`);
  } else {
    const worker = await createWorkerContext(config);
    process.stdout.write('hub worker running\n');
    // Forked by a supervisor that died without stopping us (SIGKILL): finish running jobs, exit.
    process.once('disconnect', () => void worker.close().finally(() => process.exit(0)));
  }
}

main().catch((err: Error) => {
  process.stderr.write(`hub failed to start: ${err.stack ?? err.message}\n`);
  process.exit(1);
});
