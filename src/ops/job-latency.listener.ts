import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { QueueEvents } from 'bullmq';
import { HUB_CONFIG } from '../config/config.module';
import { HubConfig } from '../config/env';
import { INTAKE_QUEUE } from '../queue/queues';
import { redisOptions } from '../queue/redis-connection';
import { MetricsService } from './metrics.service';

/**
 * Feeds the job-latency histogram of the API's /metrics from the queue's completion events, so
 * the figure is scraped where the intake counters are even when workers run in other processes.
 */
@Injectable()
export class JobLatencyListener implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(JobLatencyListener.name);
  private events?: QueueEvents;

  constructor(
    private readonly metrics: MetricsService,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
  ) {}

  onModuleInit(): void {
    this.events = new QueueEvents(INTAKE_QUEUE, { connection: redisOptions(this.config.redisUrl, 'worker') });
    this.events.on('error', (err) => this.logger.debug({ err: err.message }, 'queue events connection error'));
    this.events.on('completed', ({ returnvalue }) => {
      const value = (typeof returnvalue === 'string' ? safeParse(returnvalue) : returnvalue) as { latencyMs?: unknown } | undefined;
      if (value && typeof value.latencyMs === 'number' && value.latencyMs >= 0) this.metrics.jobLatency.observe(value.latencyMs / 1000);
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.events?.close();
  }
}

function safeParse(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}
