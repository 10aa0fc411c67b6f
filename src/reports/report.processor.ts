import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { Job, UnrecoverableError, Worker } from 'bullmq';
import { HUB_CONFIG } from '../config/config.module';
import { HubConfig } from '../config/env';
import { parseReportJob, REPORT_JOB, REPORT_QUEUE, ReportJobData } from '../queue/queues';
import { redisOptions } from '../queue/redis-connection';
import { ReportGenerator } from './report-generator';

/** Generates reports in the worker role, one at a time (a report reads a month of timelines). */
@Injectable()
export class ReportProcessor implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(ReportProcessor.name);
  private worker?: Worker<ReportJobData, string>;

  constructor(
    private readonly generator: ReportGenerator,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
  ) {}

  onModuleInit(): void {
    this.worker = new Worker<ReportJobData, string>(REPORT_QUEUE, (job) => this.process(job), {
      connection: redisOptions(this.config.redisUrl, 'worker'),
      concurrency: 1,
      lockDuration: 10 * 60_000,
    });
    this.worker.on('error', (err) => this.logger.warn({ err: err.message }, 'report worker error'));
  }

  /** Before the generator closes its browser: a running report finishes first (shutdown hooks of one phase run together). */
  async beforeApplicationShutdown(): Promise<void> {
    await this.worker?.close();
  }

  async process(job: Job<ReportJobData>): Promise<string> {
    if (job.name !== REPORT_JOB) throw new UnrecoverableError(`no handler for job "${job.name}" on ${REPORT_QUEUE}`);
    const data = parseReportJob(job.data);
    if (!data) throw new UnrecoverableError(`job ${job.id} has a malformed payload`);
    const final = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    return this.generator.generate(data.reportId, final);
  }
}
