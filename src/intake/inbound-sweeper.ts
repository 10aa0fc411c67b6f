import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { Clock } from '../common/clock';
import { HUB_CONFIG } from '../config/config.module';
import { HubConfig } from '../config/env';
import { INTAKE_JOB, INTAKE_JOB_OPTIONS, INTAKE_QUEUE, IntakeJobData, intakeJobId } from '../queue/queues';
import { InboundRepository } from './inbound.repository';

const BATCH = 500;

/**
 * Keeps the 202's promise when Redis was away: inbound rows still pending after a while are
 * queued again (same job id, so a job that still exists is not doubled; a failed one is retried).
 * Runs in the worker role, every HUB_SWEEP_INTERVAL_MS.
 */
@Injectable()
export class InboundSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(InboundSweeper.name);
  private timer?: NodeJS.Timeout;
  private running: Promise<unknown> | null = null;

  constructor(
    private readonly inbound: InboundRepository,
    @InjectQueue(INTAKE_QUEUE) private readonly queue: Queue<IntakeJobData>,
    private readonly clock: Clock,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.tick(), this.config.sweepIntervalMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  private async tick(): Promise<void> {
    if (this.running) return;
    this.running = this.sweep().catch((err: Error) => this.logger.warn({ err: err.message }, 'sweep failed; next tick retries'));
    await this.running;
    this.running = null;
  }

  /** One pass; returns how many rows were queued again. */
  async sweep(): Promise<number> {
    const before = new Date(this.clock.now().getTime() - this.config.sweepAfterMs);
    let requeued = 0;
    for (const { id, receivedAt } of await this.inbound.pendingBefore(before, BATCH)) {
      const jobId = intakeJobId(id, receivedAt);
      const job = await this.queue.getJob(jobId);
      const state = job ? await job.getState() : 'missing';
      if (state === 'failed') {
        await job!.retry('failed');
        requeued++;
      } else if (state === 'missing' || state === 'completed' || state === 'unknown') {
        // A completed job whose row is still pending did not register it: run it again.
        // Registration is idempotent, so this cannot double a case.
        if (job && state !== 'unknown') await job.remove().catch(() => undefined);
        await this.queue.add(INTAKE_JOB, { inboundId: id }, { ...INTAKE_JOB_OPTIONS, jobId });
        requeued++;
      }
    }
    if (requeued > 0) this.logger.log({ requeued }, 'pending inbound messages queued again');
    return requeued;
  }
}
