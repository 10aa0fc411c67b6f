import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Job, UnrecoverableError, Worker } from 'bullmq';
import { HUB_CONFIG } from '../config/config.module';
import { HubConfig } from '../config/env';
import { ImportRunView, ImportService } from '../imports/import.service';
import { IMPORT_JOB, ImportJobData, PULL_JOB, PULL_QUEUE, PullJobData, parseImportJob, parsePullJob } from '../queue/queues';
import { redisOptions } from '../queue/redis-connection';
import { PullReport, PullService } from './pull.service';

/**
 * Runs the channel jobs of the worker role: pulls and switch-over imports. Their own failures are
 * in their reports (channel health, import run), not job failures.
 */
@Injectable()
export class PullProcessor implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(PullProcessor.name);
  private worker?: Worker<PullJobData | ImportJobData, PullReport | ImportRunView>;

  constructor(
    private readonly pulls: PullService,
    private readonly imports: ImportService,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
  ) {}

  onModuleInit(): void {
    this.worker = new Worker<PullJobData | ImportJobData, PullReport | ImportRunView>(PULL_QUEUE, (job) => this.process(job), {
      connection: redisOptions(this.config.redisUrl, 'worker'),
      concurrency: 2,
      lockDuration: 5 * 60_000, // a polite pull of a big board takes minutes
    });
    this.worker.on('error', (err) => this.logger.warn({ err: err.message }, 'pull worker error'));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker?.close();
  }

  async process(job: Job<PullJobData | ImportJobData>): Promise<PullReport | ImportRunView> {
    if (job.name === IMPORT_JOB) {
      const run = parseImportJob(job.data);
      if (!run) throw new UnrecoverableError(`job ${job.id} has a malformed payload`);
      return this.imports.run(run.runId);
    }
    if (job.name !== PULL_JOB) throw new UnrecoverableError(`no handler for job "${job.name}" on ${PULL_QUEUE}`);
    const data = parsePullJob(job.data);
    if (!data) throw new UnrecoverableError(`job ${job.id} has a malformed payload`);
    const report = await this.pulls.run(data.channelId, { manual: data.manual, backfill: data.backfill });
    this.logger.log({ ...report }, `pull of ${data.channelId}: ${report.outcome}`);
    return report;
  }
}
