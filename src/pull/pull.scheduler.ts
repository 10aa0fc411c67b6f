import { Injectable, Logger } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { Cron, CronExpression } from '@nestjs/schedule';
import { Queue } from 'bullmq';
import { CronTime } from 'cron';
import { ChannelRegistry } from '../channels/channel-registry.service';
import { Clock } from '../common/clock';
import { PULL_JOB, PULL_JOB_OPTIONS, PULL_QUEUE, PullJobData, scheduledPullJobId } from '../queue/queues';

const TICK_MS = 60_000;

/**
 * Once a minute: for each enabled retained channel whose schedule (its config's cron, Asia/Shanghai)
 * fired since the last tick, enqueue one pull job. The job id is the channel and the slot, so
 * however many hub instances tick, the slot is pulled once. Pulls themselves run in the worker.
 */
@Injectable()
export class PullScheduler {
  private readonly logger = new Logger(PullScheduler.name);

  constructor(
    private readonly registry: ChannelRegistry,
    @InjectQueue(PULL_QUEUE) private readonly queue: Queue<PullJobData>,
    private readonly clock: Clock,
  ) {}

  @Cron(CronExpression.EVERY_MINUTE)
  async onTick(): Promise<void> {
    await this.tick().catch((err: Error) => this.logger.warn({ err: err.message }, 'pull schedule tick failed'));
  }

  /** Enqueues the slots due in (now - 1 minute, now]; returns the job ids added or found. */
  async tick(now = this.clock.now()): Promise<string[]> {
    const ids: string[] = [];
    for (const channel of await this.registry.all()) {
      if (channel.disposition !== 'retained' || !channel.enabled) continue;
      const schedule = typeof channel.config.schedule === 'string' ? channel.config.schedule : undefined;
      if (!schedule) continue;
      const slot = dueSlot(schedule, now);
      if (!slot) continue;
      const jobId = scheduledPullJobId(channel.id, slot);
      await this.queue.add(PULL_JOB, { channelId: channel.id }, { ...PULL_JOB_OPTIONS, jobId });
      ids.push(jobId);
    }
    return ids;
  }
}

/** The schedule's fire time within the last tick, if any. */
export function dueSlot(schedule: string, now: Date, timeZone = 'Asia/Shanghai'): Date | undefined {
  let next: Date;
  try {
    next = new CronTime(schedule, timeZone).getNextDateFrom(new Date(now.getTime() - TICK_MS), timeZone).toJSDate();
  } catch {
    return undefined;
  }
  return next.getTime() <= now.getTime() ? next : undefined;
}
