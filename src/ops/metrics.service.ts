import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export type IntakeOutcome = 'accepted' | 'replayed' | 'invalid' | 'closed' | 'excluded' | 'unknown' | 'pulled' | 'unavailable' | 'forbidden';

/** The hub's Prometheus metrics. One registry per process (and per test app). */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  readonly intake = new Counter({
    name: 'hub_intake_total',
    help: 'Intake requests by channel and outcome',
    labelNames: ['channel', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly enqueueFailures = new Counter({
    name: 'hub_intake_enqueue_failures_total',
    help: 'Accepted messages whose job could not be queued at once (the sweeper re-queues them)',
    registers: [this.registry],
  });

  readonly jobLatency = new Histogram({
    name: 'hub_intake_job_latency_seconds',
    help: 'Time from the 202 until the case exists',
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [this.registry],
  });

  readonly queueDepth = new Gauge({
    name: 'hub_queue_jobs',
    help: 'Jobs in a queue by state',
    labelNames: ['queue', 'state'] as const,
    registers: [this.registry],
  });

  readonly inboundBacklog = new Gauge({
    name: 'hub_inbound_backlog',
    help: 'Inbound rows that are not cases yet, by status',
    labelNames: ['status'] as const,
    registers: [this.registry],
  });

  // Pulled channels, read from their health rows at scrape time (pulls run in worker processes).
  readonly pullItems = new Gauge({ name: 'hub_pull_items_total', help: 'Records pulled from a retained channel, all time', labelNames: ['channel'] as const, registers: [this.registry] });
  readonly pullLastSuccess = new Gauge({ name: 'hub_pull_last_success_timestamp_seconds', help: 'When a pull last succeeded', labelNames: ['channel'] as const, registers: [this.registry] });
  readonly pullFailures = new Gauge({ name: 'hub_pull_consecutive_failures', help: 'Failed pulls in a row (the circuit opens at HUB_PULL_CIRCUIT_AFTER)', labelNames: ['channel'] as const, registers: [this.registry] });
  readonly pullLag = new Gauge({ name: 'hub_pull_lag_seconds', help: 'Seconds since the last successful pull', labelNames: ['channel'] as const, registers: [this.registry] });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'hub_' });
  }
}
