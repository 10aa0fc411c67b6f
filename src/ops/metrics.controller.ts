import { Controller, Get, Header } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Queue } from 'bullmq';
import { Public } from '../auth/decorators';
import { InboundRepository } from '../intake/inbound.repository';
import { PullRepository } from '../pull/pull.repository';
import { INTAKE_QUEUE } from '../queue/queues';
import { MetricsService } from './metrics.service';

/** Prometheus metrics. Counts only: no personal data, no message text. */
@ApiTags('operations')
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: MetricsService,
    private readonly inbound: InboundRepository,
    private readonly pulls: PullRepository,
    @InjectQueue(INTAKE_QUEUE) private readonly queue: Queue,
  ) {}

  @Public()
  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4')
  @ApiOperation({ summary: 'Prometheus metrics: intake by channel and outcome, queue depth, job latency' })
  async scrape(): Promise<string> {
    await Promise.all([
      this.queue
        .getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed')
        .then((counts) => {
          for (const [state, n] of Object.entries(counts)) this.metrics.queueDepth.set({ queue: INTAKE_QUEUE, state }, n);
        })
        .catch(() => undefined),
      this.inbound
        .backlog()
        .then((b) => {
          this.metrics.inboundBacklog.set({ status: 'pending' }, b.pending);
          this.metrics.inboundBacklog.set({ status: 'failed' }, b.failed);
        })
        .catch(() => undefined),
      this.pulls
        .allHealth()
        .then((rows) => {
          const now = Date.now();
          for (const h of rows) {
            const channel = h.channelId;
            this.metrics.pullItems.set({ channel }, h.pulledTotal);
            this.metrics.pullFailures.set({ channel }, h.consecutiveFailures);
            if (h.lastSuccessAt) {
              this.metrics.pullLastSuccess.set({ channel }, Math.floor(h.lastSuccessAt.getTime() / 1000));
              this.metrics.pullLag.set({ channel }, Math.round((now - h.lastSuccessAt.getTime()) / 1000));
            }
          }
        })
        .catch(() => undefined),
    ]);
    return this.metrics.registry.metrics();
  }
}
