/**
 * Building the hub: the Nest application for a set of roles, and the boot steps that must run
 * before it serves (database, schema, channel seed, first administrator).
 */
import { INestApplication, INestApplicationContext, Module, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { ApiModule } from './api.module';
import { AuthService } from './auth/auth.service';
import { ChannelRegistry } from './channels/channel-registry.service';
import { Clock } from './common/clock';
import { CoreModule } from './core.module';
import { HubConfig, HubRole } from './config/env';
import { migrate } from './database/bootstrap';
import { bodyMiddleware } from './http/body.middleware';
import { mountQueueBoard } from './ops/queue-board';
import { WorkerModule } from './worker.module';

export interface BuildOptions {
  /** Replace the clock (tests). */
  clock?: Clock;
  /** Let Nest close the app on SIGTERM/SIGINT (default); off when the caller handles signals. */
  shutdownHooks?: boolean;
}

function rootModule(config: HubConfig, roles: HubRole[], opts: BuildOptions): Type {
  const imports = [CoreModule.forRoot(config, roles.join('+'), opts.clock ?? new Clock())];
  if (roles.includes('api')) imports.push(ApiModule as never);
  if (roles.includes('worker')) imports.push(WorkerModule as never);
  @Module({ imports })
  class HubModule {}
  return HubModule;
}

/** Schema, seed and first administrator: safe to run from several processes at once. */
export async function prepareDatabase(config: HubConfig): Promise<string[]> {
  return migrate(config);
}

async function seed(app: INestApplicationContext, roles: HubRole[]): Promise<void> {
  const registry = app.get(ChannelRegistry);
  await registry.seedIfEmpty();
  await registry.sealClearSecrets();
  await registry.assertAdapters();
  if (roles.includes('api')) await app.get(AuthService).ensureBootstrapAdmin();
}

/** A registry that cannot be served stops the boot; the half-built app lets go of its connections. */
async function seedOrClose(app: INestApplicationContext, roles: HubRole[]): Promise<void> {
  try {
    await seed(app, roles);
  } catch (err) {
    await app.close().catch(() => undefined);
    throw err;
  }
}

/** The HTTP application (roles include api), configured but not listening. */
export async function createApiApp(config: HubConfig, roles: HubRole[], opts: BuildOptions = {}): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(rootModule(config, roles, opts), { bodyParser: false, bufferLogs: true });
  app.useLogger(app.get(Logger));
  if (opts.shutdownHooks !== false) app.enableShutdownHooks();
  if (config.trustProxy) app.set('trust proxy', config.trustProxy);
  app.disable('x-powered-by');
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: { 'default-src': ["'self'"], 'style-src': ["'self'", "'unsafe-inline'"], 'script-src': ["'self'", "'unsafe-inline'"], 'img-src': ["'self'", 'data:'] },
      },
    }),
  );
  app.use(bodyMiddleware(config.bodyLimitBytes));
  mountQueueBoard(app);
  mountDocs(app);
  await seedOrClose(app, roles);
  return app;
}

/** The worker role alone: no HTTP server. */
export async function createWorkerContext(config: HubConfig, opts: BuildOptions = {}): Promise<INestApplicationContext> {
  const app = await NestFactory.createApplicationContext(rootModule(config, ['worker'], opts), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  await seedOrClose(app, ['worker']);
  return app;
}

function mountDocs(app: INestApplication): void {
  const doc = new DocumentBuilder()
    .setTitle('运城市长信箱集中受理平台 API')
    .setDescription('The hub behind Yuncheng’s 市长信箱: channel table, intake, citizen lookup (一键查询), staff case reading.')
    .setVersion('1')
    .addBearerAuth()
    .build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, doc));
}
