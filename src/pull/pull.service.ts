import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AdapterError, ChannelAdapter, PullContext, Puller } from '../../adapters';
import { CaseRepository } from '../cases/case.repository';
import { ChannelRegistry } from '../channels/channel-registry.service';
import { ChannelEntity } from '../channels/entities/channel.entity';
import { Clock } from '../common/clock';
import { HUB_CONFIG } from '../config/config.module';
import { HubConfig } from '../config/env';
import { InboundWriter } from '../intake/inbound-writer.service';
import { politeClient } from './polite-http';
import { PullRepository } from './pull.repository';

export interface PullOptions {
  /** Asked for by an operator: runs even while the circuit is open. */
  manual?: boolean;
  backfill?: { fromDate?: string; fromId?: string };
}

export interface PullReport {
  channelId: string;
  outcome: 'ok' | 'failed' | 'skipped';
  reason?: string;
  created: number;
  updated: number;
  requests: number;
  cursors: Record<string, string>;
  durationMs: number;
  /** The newest upstream submission time among the new records (for the lag figure). */
  newestUpstreamAt?: string;
}

/** Why a record cannot be stored: stops the pull like a changed page shape would. */
class RecordRejected extends AdapterError {}

/**
 * One pull of a retained channel: new records of each scope since its committed cursor (the
 * cursor moves only after the records before it are stored), then a re-read of the channel's
 * open threads to catch later replies and state changes. One pull per channel at a time, across
 * all hub processes (a PostgreSQL advisory lock).
 */
@Injectable()
export class PullService {
  private readonly logger = new Logger(PullService.name);

  constructor(
    private readonly registry: ChannelRegistry,
    private readonly repo: PullRepository,
    private readonly writer: InboundWriter,
    private readonly cases: CaseRepository,
    private readonly clock: Clock,
    @InjectDataSource() private readonly db: DataSource,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
  ) {}

  async run(channelId: string, opts: PullOptions = {}): Promise<PullReport> {
    const started = Date.now();
    const report: PullReport = { channelId, outcome: 'ok', created: 0, updated: 0, requests: 0, cursors: {}, durationMs: 0 };
    const finish = (r: Partial<PullReport>) => Object.assign(report, r, { durationMs: Date.now() - started });

    const channel = await this.registry.get(channelId);
    if (!channel) return finish({ outcome: 'skipped', reason: 'unknown channel' });
    const resolved = this.pullable(channel);
    if (typeof resolved === 'string') return finish({ outcome: 'skipped', reason: resolved });

    const health = await this.repo.health(channelId);
    const now = this.clock.now();
    if (!opts.manual && health?.circuitOpenUntil && health.circuitOpenUntil > now) {
      return finish({ outcome: 'skipped', reason: `circuit open until ${health.circuitOpenUntil.toISOString()}` });
    }

    const runner = this.db.createQueryRunner();
    await runner.connect();
    try {
      const [{ locked }] = await runner.query(`SELECT pg_try_advisory_lock(hashtext($1)) AS locked`, [`pull:${channelId}`]);
      if (!locked) return finish({ outcome: 'skipped', reason: 'a pull of this channel is already running' });
      try {
        await this.repo.recordAttempt(channelId, now);
        await this.pull(channel, resolved.adapter, resolved.puller, resolved.config, opts, report);
        report.cursors = await this.repo.cursors(channelId);
        const newest = report.newestUpstreamAt ? new Date(report.newestUpstreamAt) : null;
        await this.repo.recordSuccess(channelId, this.clock.now(), report.created, report.updated, newest);
        return finish({ outcome: 'ok' });
      } catch (err) {
        const kind = err instanceof AdapterError ? err.kind : 'internal';
        const words = err instanceof AdapterError && err.operatorHint ? `${err.message} — ${err.operatorHint}` : (err as Error).message;
        const failures = await this.repo.recordFailure(
          channelId, this.clock.now(), kind, words, this.config.pull.circuitAfter, this.config.pull.circuitMs, report.created,
        );
        this.logger.warn({ channel: channelId, kind, failures, err: (err as Error).message }, 'pull failed; cursor not moved past unstored records');
        report.cursors = await this.repo.cursors(channelId);
        return finish({ outcome: 'failed', reason: words });
      } finally {
        await runner.query(`SELECT pg_advisory_unlock(hashtext($1))`, [`pull:${channelId}`]);
      }
    } finally {
      await runner.release();
    }
  }

  /** The channel's puller and configuration, or why it cannot be pulled. */
  private pullable(channel: ChannelEntity): { adapter: ChannelAdapter; puller: Puller; config: Record<string, unknown> } | string {
    if (channel.disposition !== 'retained') return `channel is ${channel.disposition}, not retained`;
    if (!channel.enabled) return 'channel is disabled';
    let resolved: ReturnType<ChannelRegistry['resolve']>;
    try {
      resolved = this.registry.resolve(channel);
    } catch (err) {
      return (err as Error).message;
    }
    if (!resolved.adapter.puller) return `adapter ${resolved.adapter.manifest.name} cannot pull`;
    return { ...resolved, puller: resolved.adapter.puller };
  }

  private async pull(
    channel: ChannelEntity,
    adapter: ChannelAdapter,
    puller: Puller,
    config: Record<string, unknown>,
    opts: PullOptions,
    report: PullReport,
  ): Promise<void> {
    const ctx: PullContext = { http: undefined as never, config, now: () => this.clock.now() };
    const http = politeClient(
      this.config.pull,
      typeof config.minIntervalMs === 'number' ? config.minIntervalMs : 2000,
      puller.warmUp ? () => puller.warmUp!(ctx) : undefined,
    );
    ctx.http = http;
    try {
      if (puller.warmUp) await puller.warmUp(ctx);
      const cursors = await this.repo.cursors(channel.id);
      for (const scope of puller.scopes(config)) {
        for await (const batch of puller.pull(ctx, scope, { cursor: cursors[scope] ?? null, backfill: opts.backfill })) {
          for (const record of batch.records) await this.store(channel, adapter, config, record, report);
          if (batch.commit !== undefined) await this.repo.commitCursor(channel.id, scope, batch.commit);
        }
      }
      const refreshBatch = typeof config.refreshBatch === 'number' ? config.refreshBatch : 20;
      const open = await this.repo.openExternalIds(channel.id, refreshBatch);
      if (open.length) {
        for (const record of await puller.refresh(ctx, open)) await this.store(channel, adapter, config, record, report);
        await this.repo.markChecked(channel.id, open, this.clock.now());
      }
    } finally {
      report.requests = http.sent;
    }
  }

  /** A new record becomes an inbound row (then a case); a known one updates its case's upstream view. */
  private async store(
    channel: ChannelEntity,
    adapter: ChannelAdapter,
    config: Record<string, unknown>,
    record: { externalId: string; raw: unknown },
    report: PullReport,
  ): Promise<void> {
    const mapped = adapter.map(record.raw, { channelId: channel.id, config, origin: 'pull' });
    if (!mapped.ok) {
      const fields = mapped.errors.map((e) => `${e.field} ${e.code}`).join(', ');
      throw new RecordRejected('shape', `record ${record.externalId} does not map (${fields})`,
        `上游记录 ${record.externalId} 的格式与适配器不符，拉取已停止、游标未前移；请检查该渠道的字段映射配置。`);
    }
    const written = await this.writer.write({
      channelId: channel.id,
      raw: { v: 1, via: 'pull', body: record.raw },
      externalId: record.externalId,
      requestHash: createHash('sha256').update(JSON.stringify(record.raw)).digest('hex'),
    });
    if (written.created) {
      report.created++;
      const at = mapped.message.submittedAt;
      if (at && (!report.newestUpstreamAt || at > report.newestUpstreamAt)) report.newestUpstreamAt = at;
      await this.writer.enqueue(written.row);
      return;
    }
    const changes = await this.cases.applyUpstream(channel.id, record.externalId, mapped.message.upstream ?? { final: false }, this.clock.now());
    if (changes === undefined) {
      // Not a case yet (its registration is queued): register the newer version instead. If the
      // registration is running right now, the next refresh of the open case catches the change.
      if (await this.writer.refreshPending(channel.id, record.externalId, { v: 1, via: 'pull', body: record.raw })) report.updated++;
    } else if (changes.length) report.updated++;
  }
}
