import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Job, UnrecoverableError, Worker } from 'bullmq';
import { Clock } from '../common/clock';
import { HUB_CONFIG } from '../config/config.module';
import { HubConfig } from '../config/env';
import { INTAKE_JOB, INTAKE_QUEUE, IntakeJobData, parseIntakeJob } from '../queue/queues';
import { redisOptions } from '../queue/redis-connection';
import { CaseRegistrationService } from './case-registration.service';
import { InboundRepository } from './inbound.repository';

export interface IntakeJobResult {
  caseNo: string;
  created: boolean;
  /** Milliseconds from receipt to the case, for the latency histogram. */
  latencyMs: number;
}

/**
 * The intake worker: turns queued inbound rows into cases. On shutdown it stops taking jobs and
 * waits for the running ones; a job cut off harder (SIGKILL) is retried, and registration is
 * idempotent, so nothing is lost or doubled.
 */
@Injectable()
export class IntakeProcessor implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(IntakeProcessor.name);
  private worker?: Worker<IntakeJobData, IntakeJobResult>;

  constructor(
    private readonly registration: CaseRegistrationService,
    private readonly inbound: InboundRepository,
    private readonly clock: Clock,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
  ) {}

  onModuleInit(): void {
    this.worker = new Worker<IntakeJobData, IntakeJobResult>(INTAKE_QUEUE, (job) => this.process(job), {
      connection: redisOptions(this.config.redisUrl, 'worker'),
      concurrency: this.config.workerConcurrency,
      // Registering a case takes milliseconds: a job whose worker died (SIGKILL, Redis cut) is
      // taken back after ~10–20 s instead of BullMQ's default 30–60 s.
      lockDuration: 10_000,
      stalledInterval: 10_000,
    });
    this.worker.on('failed', (job, err) => void this.onFailed(job, err));
    this.worker.on('error', (err) => this.logger.warn({ err: err.message }, 'intake worker error'));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker?.close();
  }

  async process(job: Job<IntakeJobData>): Promise<IntakeJobResult> {
    if (job.name !== INTAKE_JOB) throw new UnrecoverableError(`no handler for job "${job.name}" on ${INTAKE_QUEUE}`);
    const data = parseIntakeJob(job.data);
    if (!data) throw new UnrecoverableError(`job ${job.id} has a malformed payload`);
    const r = await this.registration.register(data.inboundId);
    return { caseNo: r.caseNo, created: r.created, latencyMs: this.clock.now().getTime() - new Date(r.receivedAt).getTime() };
  }

  /** After the last attempt the inbound row is marked failed: operators see it, the sweeper leaves it. */
  private async onFailed(job: Job<IntakeJobData> | undefined, err: Error): Promise<void> {
    if (!job) return;
    const final = err instanceof UnrecoverableError || job.attemptsMade >= (job.opts.attempts ?? 1);
    this.logger.warn({ jobId: job.id, attempt: job.attemptsMade, final, err: err.message }, 'case registration failed');
    const data = parseIntakeJob(job.data);
    if (final && data) await this.inbound.markFailed(data.inboundId, err.message, job.attemptsMade).catch(() => undefined);
  }
}
