import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { InjectDataSource } from '@nestjs/typeorm';
import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { findAdapter } from '../../adapters';
import { AuditService } from '../audit/audit.service';
import { Principal } from '../auth/decorators';
import { ChannelRegistry } from '../channels/channel-registry.service';
import { channelView, ChannelView } from '../channels/channels.controller';
import { redactSecrets, validateConfig } from '../channels/domain/config-validation';
import { ChannelEntity, DISPOSITIONS } from '../channels/entities/channel.entity';
import { Clock } from '../common/clock';
import { PullRepository } from '../pull/pull.repository';
import { PULL_JOB, PULL_JOB_OPTIONS, PULL_QUEUE, PullJobData } from '../queue/queues';

export const SECRET_PLACEHOLDER = '********';

export interface ChannelAdminView extends ChannelView {
  adapter: string | null;
  config: Record<string, unknown>;
  version: number;
  updatedAt: Date;
  health?: {
    lastAttemptAt: Date | null;
    lastSuccessAt: Date | null;
    lastErrorAt: Date | null;
    lastError: string | null;
    lastErrorKind: string | null;
    consecutiveFailures: number;
    circuitOpenUntil: Date | null;
    cursor: Record<string, string>;
    pulled: number;
    lastPull: { created: number; updated: number };
    lagSeconds: number | null;
  };
}

const EDITABLE = ['disposition', 'name', 'unit', 'guidance', 'referTo', 'enabled', 'config'] as const;

/** Administrators' edits of the channel registry: validated, versioned, audited, applied at once. */
@Injectable()
export class ChannelAdminService {
  constructor(
    private readonly registry: ChannelRegistry,
    private readonly pulls: PullRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    @InjectDataSource() private readonly db: DataSource,
    @InjectQueue(PULL_QUEUE) private readonly pullQueue: Queue<PullJobData>,
  ) {}

  async view(id: string): Promise<ChannelAdminView> {
    this.registry.invalidate();
    const channel = await this.registry.get(id);
    if (!channel) throw new NotFoundException(`unknown channel "${id}"`);
    const adapter = channel.adapter ? findAdapter(channel.adapter) : undefined;
    const view: ChannelAdminView = {
      ...channelView(channel),
      adapter: channel.adapter,
      config: adapter ? redactSecrets(adapter.manifest, channel.config) : channel.config,
      version: channel.version,
      updatedAt: channel.updatedAt,
    };
    if (channel.disposition === 'retained') {
      const h = await this.pulls.health(id);
      const cursor = await this.pulls.cursors(id);
      const now = this.clock.now().getTime();
      view.health = {
        lastAttemptAt: h?.lastAttemptAt ?? null,
        lastSuccessAt: h?.lastSuccessAt ?? null,
        lastErrorAt: h?.lastErrorAt ?? null,
        lastError: h?.lastError ?? null,
        lastErrorKind: h?.lastErrorKind ?? null,
        consecutiveFailures: h?.consecutiveFailures ?? 0,
        circuitOpenUntil: h?.circuitOpenUntil ?? null,
        cursor,
        pulled: h?.pulledTotal ?? 0,
        lastPull: { created: h?.lastPullNew ?? 0, updated: h?.lastPullUpdated ?? 0 },
        lagSeconds: h?.lastSuccessAt ? Math.round((now - h.lastSuccessAt.getTime()) / 1000) : null,
      };
    }
    return view;
  }

  async history(id: string) {
    if (!(await this.registry.get(id))) throw new NotFoundException(`unknown channel "${id}"`);
    const rows: { version: number; at: Date; actor: string; reason: string | null; changes: unknown }[] = await this.db.query(
      `SELECT version, at, actor, reason, changes FROM channel_version WHERE channel_id = $1 ORDER BY version DESC`,
      [id],
    );
    return rows;
  }

  async update(id: string, patch: unknown, user: Principal): Promise<ChannelAdminView> {
    if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) throw new BadRequestException('the body must be an object');
    const body = patch as Record<string, unknown>;
    const unknownKeys = Object.keys(body).filter((k) => !(EDITABLE as readonly string[]).includes(k) && k !== 'reason');
    if (unknownKeys.length) throw new BadRequestException(`not editable: ${unknownKeys.join(', ')}`);

    return this.db.transaction(async (tx) => {
      const [current]: ChannelEntity[] = await tx.getRepository(ChannelEntity).find({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!current) throw new NotFoundException(`unknown channel "${id}"`);
      const next: ChannelEntity = { ...current, config: { ...current.config } };
      const problems: string[] = [];

      if (body.disposition !== undefined) {
        if (current.disposition === 'own') problems.push('disposition: the mailbox’s own channel keeps disposition own');
        else if (!(DISPOSITIONS as readonly unknown[]).includes(body.disposition)) problems.push(`disposition must be one of ${DISPOSITIONS.join(', ')}`);
        else next.disposition = body.disposition as ChannelEntity['disposition'];
      }
      for (const field of ['name', 'unit', 'guidance'] as const) {
        if (body[field] === undefined) continue;
        if (typeof body[field] !== 'string' || !(body[field] as string).trim() || (body[field] as string).length > 500) problems.push(`${field} must be a non-empty string of at most 500 characters`);
        else next[field] = (body[field] as string).trim();
      }
      if (body.enabled !== undefined) {
        if (typeof body.enabled !== 'boolean') problems.push('enabled must be true or false');
        else next.enabled = body.enabled;
      }
      if (body.referTo !== undefined) {
        const r = body.referTo as Record<string, unknown> | null;
        if (r === null) next.referTo = null;
        else if (typeof r !== 'object' || ['unit', 'channel', 'matter'].some((k) => typeof r[k] !== 'string' || !(r[k] as string).trim())) {
          problems.push('referTo must be {unit, channel, matter} of non-empty strings');
        } else next.referTo = { unit: String(r.unit), channel: String(r.channel), matter: String(r.matter) };
      }
      if (next.disposition === 'excluded' && !next.referTo) problems.push('referTo: an excluded channel must say where citizens go instead');
      if (next.disposition === 'redirected' && !next.adapter) next.adapter = 'portal';

      const adapter = next.adapter ? findAdapter(next.adapter) : undefined;
      if (body.config !== undefined) {
        if (typeof body.config !== 'object' || body.config === null || Array.isArray(body.config)) problems.push('config must be an object');
        else {
          for (const [k, v] of Object.entries(body.config as Record<string, unknown>)) {
            if (v === null) delete next.config[k];
            else if (v === SECRET_PLACEHOLDER && adapter?.manifest.config[k]?.secret) continue; // unchanged secret
            else next.config[k] = v;
          }
        }
      }
      const accepting = next.enabled && (next.disposition === 'redirected' || next.disposition === 'retained' || next.disposition === 'own');
      if (accepting) {
        if (!adapter) problems.push(`adapter "${next.adapter ?? ''}" does not exist`);
        else {
          const checked = validateConfig(adapter.manifest, next.config);
          if (!checked.ok) problems.push(...checked.problems.map((p) => `config.${p.field} ${p.message}`));
        }
      }
      if (problems.length) throw new BadRequestException({ statusCode: 400, error: 'Bad Request', message: 'the channel change is invalid', problems });

      const changes = EDITABLE.filter((k) => JSON.stringify(current[k]) !== JSON.stringify(next[k])).map((k) => ({
        field: k,
        from: k === 'config' && adapter ? redactSecrets(adapter.manifest, current.config) : current[k],
        to: k === 'config' && adapter ? redactSecrets(adapter.manifest, next.config) : next[k],
      }));
      if (changes.length === 0) return this.view(id);
      const at = this.clock.now();
      next.version = current.version + 1;
      await tx.query(
        `UPDATE channel SET disposition = $2, name = $3, unit = $4, guidance = $5, refer_to = $6, enabled = $7, config = $8,
                            adapter = $9, version = $10, updated_at = $11 WHERE id = $1`,
        [id, next.disposition, next.name, next.unit, next.guidance, next.referTo ? JSON.stringify(next.referTo) : null, next.enabled,
         JSON.stringify(next.config), next.adapter, next.version, at],
      );
      const snapshot = { unit: next.unit, name: next.name, disposition: next.disposition, guidance: next.guidance, referTo: next.referTo, enabled: next.enabled, config: adapter ? redactSecrets(adapter.manifest, next.config) : next.config, adapter: next.adapter };
      await tx.query(
        `INSERT INTO channel_version (channel_id, version, at, actor, reason, snapshot, changes) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [id, next.version, at, user.username, typeof body.reason === 'string' ? body.reason.slice(0, 500) : null, JSON.stringify(snapshot), JSON.stringify(changes)],
      );
      await this.audit.record(user.username, 'channel.update', id, { version: next.version, fields: changes.map((c) => c.field) });
      this.registry.invalidate();
      return undefined;
    }).then(async (early) => early ?? this.view(id));
  }

  async pullNow(id: string, body: unknown, user: Principal): Promise<{ jobId: string; channelId: string }> {
    const channel = await this.registry.get(id);
    if (!channel) throw new NotFoundException(`unknown channel "${id}"`);
    if (channel.disposition !== 'retained') throw new BadRequestException(`channel ${id} is ${channel.disposition}: only retained channels are pulled`);
    const b = (body ?? {}) as Record<string, unknown>;
    const backfill = b.backfill as { fromDate?: unknown; fromId?: unknown } | undefined;
    if (backfill !== undefined) {
      if (typeof backfill !== 'object' || backfill === null) throw new BadRequestException('backfill must be {fromDate} or {fromId}');
      if (backfill.fromDate !== undefined && (typeof backfill.fromDate !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(backfill.fromDate))) throw new BadRequestException('backfill.fromDate must be YYYY-MM-DD');
      if (backfill.fromId !== undefined && (typeof backfill.fromId !== 'string' || !/^[\w-]{1,64}$/.test(backfill.fromId))) throw new BadRequestException('backfill.fromId must be an upstream id');
    }
    const jobId = `pull-${id}-manual-${this.clock.now().getTime()}`;
    await this.pullQueue.add(PULL_JOB, { channelId: id, manual: true, backfill: backfill as PullJobData['backfill'] }, { ...PULL_JOB_OPTIONS, jobId });
    await this.audit.record(user.username, 'channel.pull', id, { backfill: backfill ?? null });
    return { jobId, channelId: id };
  }
}
