/**
 * The hub's entry point. `HUB_ROLES` unset: this process serves the API and forks the worker
 * role into a child process (so HTTP load never starves case registration). `HUB_ROLES=api` or
 * `worker` runs one role; `api,worker` runs both in one process.
 */
import 'reflect-metadata';
import { ChildProcess, fork } from 'node:child_process';
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

function forkWorker(): ChildProcess {
  const child = fork(__filename, [], { env: { ...process.env, HUB_ROLES: 'worker' }, stdio: 'inherit' });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      process.stderr.write(`worker process exited (${signal ?? code}); stopping the hub\n`);
      process.exit(1);
    }
  });
  return child;
}

let stopping = false;

async function main(): Promise<void> {
  const config = readConfig();
  const roles = config.supervise ? (['api'] as const) : config.roles;
  await prepareDatabase(config);

  let worker: ChildProcess | undefined;
  if (config.supervise) {
    worker = forkWorker();
    const stop = (signal: NodeJS.Signals) => {
      stopping = true;
      worker?.kill(signal);
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  }

  if (roles.includes('api')) {
    const app = await createApiApp(config, [...roles]);
    await app.listen(config.port, '0.0.0.0');
    const url = await app.getUrl();
    process.stdout.write(`hub listening on ${url.replace('[::1]', '127.0.0.1')} (roles: ${config.supervise ? 'api + worker process' : roles.join(',')})\n`);
  } else {
    await createWorkerContext(config);
    process.stdout.write('hub worker running\n');
  }
}

main().catch((err: Error) => {
  process.stderr.write(`hub failed to start: ${err.stack ?? err.message}\n`);
  process.exit(1);
});
