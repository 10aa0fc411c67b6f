import { Controller, Get, Header, Headers, Inject, UnauthorizedException } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import { InjectQueue } from '@nestjs/bullmq';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Queue } from 'bullmq';
import { AuthService } from '../auth/auth.service';
import { Public } from '../auth/decorators';
import { HUB_CONFIG } from '../config/config.module';
import { HubConfig } from '../config/env';
import { InboundRepository } from '../intake/inbound.repository';
import { PullRepository } from '../pull/pull.repository';
import { INTAKE_QUEUE } from '../queue/queues';
import { MetricsService } from './metrics.service';

/**
 * Prometheus metrics. Counts only: no personal data, no message text. Not a public route (the
 * contract's public list does not name it): Prometheus scrapes with HUB_METRICS_TOKEN as its
 * bearer token; administrators and staff may read it with their sign-in.
 */
@ApiTags('operations')
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: MetricsService,
    private readonly inbound: InboundRepository,
    private readonly pulls: PullRepository,
    @InjectQueue(INTAKE_QUEUE) private readonly queue: Queue,
    private readonly auth: AuthService,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
  ) {}

  private async allowed(authorization: string | undefined): Promise<boolean> {
    const token = authorization?.startsWith('Bearer ') ? authorization.slice(7).trim() : '';
    if (!token) return false;
    const expected = this.config.metricsToken;
    if (expected && token.length === expected.length && timingSafeEqual(Buffer.from(token), Buffer.from(expected))) return true;
    const principal = await this.auth.principalOf(token);
    return principal?.role === 'admin' || principal?.role === 'staff';
  }

  @Public() // checked here: a static scrape token or a staff sign-in
  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4')
  @ApiOperation({ summary: 'Prometheus metrics: intake by channel and outcome, queue depth, job latency' })
  async scrape(@Headers('authorization') authorization: string | undefined): Promise<string> {
    if (!(await this.allowed(authorization))) throw new UnauthorizedException('metrics need HUB_METRICS_TOKEN or an administrator’s sign-in');
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
