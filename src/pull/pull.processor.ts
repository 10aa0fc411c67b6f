import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Job, UnrecoverableError, Worker } from 'bullmq';
import { HUB_CONFIG } from '../config/config.module';
import { HubConfig } from '../config/env';
import { PULL_JOB, PULL_QUEUE, PullJobData, parsePullJob } from '../queue/queues';
import { redisOptions } from '../queue/redis-connection';
import { PullReport, PullService } from './pull.service';

/** Runs pull jobs in the worker role. A pull's own failures are in its report, not job failures. */
@Injectable()
export class PullProcessor implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(PullProcessor.name);
  private worker?: Worker<PullJobData, PullReport>;

  constructor(
    private readonly pulls: PullService,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
  ) {}

  onModuleInit(): void {
    this.worker = new Worker<PullJobData, PullReport>(PULL_QUEUE, (job) => this.process(job), {
      connection: redisOptions(this.config.redisUrl, 'worker'),
      concurrency: 2,
      lockDuration: 5 * 60_000, // a polite pull of a big board takes minutes
    });
    this.worker.on('error', (err) => this.logger.warn({ err: err.message }, 'pull worker error'));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker?.close();
  }

  async process(job: Job<PullJobData>): Promise<PullReport> {
    if (job.name !== PULL_JOB) throw new UnrecoverableError(`no handler for job "${job.name}" on ${PULL_QUEUE}`);
    const data = parsePullJob(job.data);
    if (!data) throw new UnrecoverableError(`job ${job.id} has a malformed payload`);
    const report = await this.pulls.run(data.channelId, { manual: data.manual, backfill: data.backfill });
    this.logger.log({ ...report }, `pull of ${data.channelId}: ${report.outcome}`);
    return report;
  }
}
