import { BadRequestException, ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { InjectDataSource } from '@nestjs/typeorm';
import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { AdapterError, AdapterManifest, ChannelAdapter, findAdapter, HttpPort, PullBatch, PullContext } from '../../adapters';
import { AuditService } from '../audit/audit.service';
import { Principal } from '../auth/decorators';
import { ChannelRegistry } from '../channels/channel-registry.service';
import { channelView, ChannelView } from '../channels/channels.controller';
import { redactSecrets, validateConfig } from '../channels/domain/config-validation';
import { ChannelEntity, DISPOSITIONS } from '../channels/entities/channel.entity';
import { Clock } from '../common/clock';
import { HUB_CONFIG } from '../config/config.module';
import { HubConfig } from '../config/env';
import { redactText } from '../crypto/masking';
import { PiiCipher } from '../crypto/pii-cipher';
import { politeClient } from '../pull/polite-http';
import { PullRepository } from '../pull/pull.repository';
import { PULL_JOB, PULL_JOB_OPTIONS, PULL_QUEUE, PullJobData } from '../queue/queues';
import { sealChannelSecrets, unopenedSecrets } from '../channels/domain/channel-secrets';

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

/** What is wrong with a proposed change, and the field it is about ('config.baseUrl', 'referTo' ...). */
export interface ChannelProblem {
  field: string;
  text: string;
}

export interface ChannelChange {
  field: (typeof EDITABLE)[number];
  from: unknown;
  to: unknown;
}

interface ChangePlan {
  next: ChannelEntity;
  adapter?: ChannelAdapter;
  problems: ChannelProblem[];
  changes: ChannelChange[];
  /** Secret settings whose value the change replaces or removes (named, never shown). */
  secretsChanged: string[];
}

/** A channel as one version left it; secrets redacted in `config`, sealed in `sealedSecrets` when known. */
export interface ChannelState {
  unit: string;
  name: string;
  disposition: string;
  guidance: string;
  referTo: ChannelEntity['referTo'];
  enabled: boolean;
  config: Record<string, unknown>;
  adapter: string | null;
  sealedSecrets?: Record<string, string>;
}

export interface ChannelVersion {
  version: number;
  at: Date | null;
  actor: string;
  reason: string | null;
  /** Against the version before (secrets redacted); empty when that version is unknown. */
  changes: ChannelChange[];
  /** Secret settings this version changed; null when the record does not say. */
  secretsChanged: string[] | null;
  /** The channel as this version left it, or null when it cannot be told. */
  state: ChannelState | null;
  /** Not a stored row: the version before the first stored one, told from that one's changes. */
  derived: boolean;
}

/** The console's preview of a change: what would be saved, or what is wrong, without saving. */
export interface ChangePreview {
  current: ChannelAdminView;
  proposed: ChannelState;
  problems: ChannelProblem[];
  changes: ChannelChange[];
  secretsChanged: string[];
}

/** A dry run of a pulled channel's first upstream page: nothing stored, no cursor moved. */
export interface ConnectionTest {
  ok: boolean;
  channelId: string;
  /** Tested with a proposed (previewed) configuration rather than the saved one. */
  proposed: boolean;
  scope?: string;
  records: number;
  samples: { externalId: string; title: string | null; problem?: string }[];
  /** Records of the page that the channel's mapper refuses (a pull would stop on the first). */
  unmapped: number;
  requests: number;
  durationMs: number;
  error?: { kind: string; message: string; hint?: string };
  configProblems?: ChannelProblem[];
}

/** How long a connection test may take in all, and per request. */
const TEST_BUDGET_MS = 30_000;
const TEST_TIMEOUT_MS = 10_000;

function editableBody(patch: unknown): Record<string, unknown> {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) throw new BadRequestException('the body must be an object');
  const body = patch as Record<string, unknown>;
  const unknownKeys = Object.keys(body).filter((k) => !(EDITABLE as readonly string[]).includes(k) && k !== 'reason');
  if (unknownKeys.length) throw new BadRequestException(`not editable: ${unknownKeys.join(', ')}`);
  return body;
}

function stateOfSnapshot(snapshot: unknown): ChannelState | null {
  if (typeof snapshot !== 'object' || snapshot === null) return null;
  const s = snapshot as Record<string, unknown>;
  return {
    unit: String(s.unit ?? ''),
    name: String(s.name ?? ''),
    disposition: String(s.disposition ?? ''),
    guidance: String(s.guidance ?? ''),
    referTo: (s.referTo as ChannelEntity['referTo']) ?? null,
    enabled: s.enabled === true,
    config: typeof s.config === 'object' && s.config !== null ? (s.config as Record<string, unknown>) : {},
    adapter: typeof s.adapter === 'string' ? s.adapter : null,
    sealedSecrets: typeof s.sealedSecrets === 'object' && s.sealedSecrets !== null ? (s.sealedSecrets as Record<string, string>) : undefined,
  };
}

/** Administrators' edits of the channel registry: validated, versioned, audited, applied at once. */
/** Whether a change clears this configuration field (`"field": null`). */
function clears(body: { config?: unknown }, field: string): boolean {
  return typeof body.config === 'object' && body.config !== null && (body.config as Record<string, unknown>)[field] === null;
}

@Injectable()
export class ChannelAdminService {
  constructor(
    private readonly registry: ChannelRegistry,
    private readonly pulls: PullRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    @InjectDataSource() private readonly db: DataSource,
    @InjectQueue(PULL_QUEUE) private readonly pullQueue: Queue<PullJobData>,
    private readonly cipher: PiiCipher,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
  ) {}

  async view(id: string): Promise<ChannelAdminView> {
    this.registry.invalidate();
    const channel = await this.registry.get(id);
    if (!channel) throw new NotFoundException(`unknown channel "${id}"`);
    return this.viewOf(channel);
  }

  private async viewOf(channel: ChannelEntity): Promise<ChannelAdminView> {
    const id = channel.id;
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

  async update(id: string, patch: unknown, user: Principal, opts: { expectedVersion?: number } = {}): Promise<ChannelAdminView> {
    const body = editableBody(patch);

    return this.db.transaction(async (tx) => {
      const [current]: ChannelEntity[] = await tx.getRepository(ChannelEntity).find({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!current) throw new NotFoundException(`unknown channel "${id}"`);
      // A change prepared against one version (the console's preview) must not overwrite a later one.
      if (opts.expectedVersion !== undefined && current.version !== opts.expectedVersion) {
        throw new ConflictException({
          statusCode: 409,
          error: 'Conflict',
          message: `渠道 ${id} 在您查看之后已被修改（您看到的是版本 ${opts.expectedVersion}，现在是版本 ${current.version}），为免覆盖他人的修改，本次没有保存。请重新打开页面，核对后再提交。`,
          version: current.version,
        });
      }
      const { next, adapter, problems, changes, secretsChanged } = this.plan(current, body);
      if (problems.length) throw new BadRequestException({ statusCode: 400, error: 'Bad Request', message: 'the channel change is invalid', problems: problems.map((p) => p.text) });

      // Clearing a secret no configured key opens is a change too (it is not in current.config).
      const dropped = Object.keys(unopenedSecrets(current)).filter((k) => clears(body, k));
      if (dropped.length) {
        changes.push({ field: 'config', from: { [dropped.join(',')]: '(sealed with a key this hub does not have)' }, to: { [dropped.join(',')]: null } });
        secretsChanged.push(...dropped);
      }
      if (changes.length === 0) return this.view(id);
      const at = this.clock.now();
      next.version = current.version + 1;
      await tx.query(
        `UPDATE channel SET disposition = $2, name = $3, unit = $4, guidance = $5, refer_to = $6, enabled = $7, config = $8,
                            adapter = $9, version = $10, updated_at = $11 WHERE id = $1`,
        [id, next.disposition, next.name, next.unit, next.guidance, next.referTo ? JSON.stringify(next.referTo) : null, next.enabled,
         JSON.stringify(this.stored(current, next, body)), next.adapter, next.version, at],
      );
      const snapshot = {
        unit: next.unit, name: next.name, disposition: next.disposition, guidance: next.guidance, referTo: next.referTo, enabled: next.enabled,
        config: adapter ? redactSecrets(adapter.manifest, next.config) : next.config, adapter: next.adapter,
        // Secret values sealed (AES-GCM, HUB_DATA_KEY) so that restoring this version restores them; never shown.
        ...(adapter ? { sealedSecrets: this.sealSecrets(adapter.manifest, next.config), secretsChanged } : {}),
      };
      await tx.query(
        `INSERT INTO channel_version (channel_id, version, at, actor, reason, snapshot, changes) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [id, next.version, at, user.username, typeof body.reason === 'string' ? body.reason.slice(0, 500) : null, JSON.stringify(snapshot), JSON.stringify(changes)],
      );
      await this.audit.record(user.username, 'channel.update', id, { version: next.version, fields: changes.map((c) => c.field) });
      this.registry.invalidate();
      return undefined;
    }).then(async (early) => early ?? this.view(id));
  }

  /**
   * The row a change would make, and what is wrong with it: the PATCH rules, shared by `update`
   * and the console's preview (`check`), so both refuse the same things with the same words.
   */
  private plan(current: ChannelEntity, body: Record<string, unknown>): ChangePlan {
    const next: ChannelEntity = { ...current, config: { ...current.config } };
    const problems: ChannelProblem[] = [];
    const problem = (field: string, text: string) => problems.push({ field, text });

    if (body.disposition !== undefined) {
      if (current.disposition === 'own') problem('disposition', 'disposition: the mailbox’s own channel keeps disposition own');
      else if (!(DISPOSITIONS as readonly unknown[]).includes(body.disposition)) problem('disposition', `disposition must be one of ${DISPOSITIONS.join(', ')}`);
      else next.disposition = body.disposition as ChannelEntity['disposition'];
    }
    for (const field of ['name', 'unit', 'guidance'] as const) {
      if (body[field] === undefined) continue;
      if (typeof body[field] !== 'string' || !(body[field] as string).trim() || (body[field] as string).length > 500) problem(field, `${field} must be a non-empty string of at most 500 characters`);
      else next[field] = (body[field] as string).trim();
    }
    if (body.enabled !== undefined) {
      if (typeof body.enabled !== 'boolean') problem('enabled', 'enabled must be true or false');
      else next.enabled = body.enabled;
    }
    if (body.referTo !== undefined) {
      const r = body.referTo as Record<string, unknown> | null;
      if (r === null) next.referTo = null;
      else if (typeof r !== 'object' || ['unit', 'channel', 'matter'].some((k) => typeof r[k] !== 'string' || !(r[k] as string).trim())) {
        problem('referTo', 'referTo must be {unit, channel, matter} of non-empty strings');
      } else next.referTo = { unit: String(r.unit), channel: String(r.channel), matter: String(r.matter) };
    }
    if (next.disposition === 'excluded' && !next.referTo) problem('referTo', 'referTo: an excluded channel must say where citizens go instead');
    if (next.disposition === 'redirected' && !next.adapter) next.adapter = 'portal';

    const adapter = next.adapter ? findAdapter(next.adapter) : undefined;
    if (body.config !== undefined) {
      if (typeof body.config !== 'object' || body.config === null || Array.isArray(body.config)) problem('config', 'config must be an object');
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
      if (!adapter) problem('adapter', `adapter "${next.adapter ?? ''}" does not exist`);
      else {
        const checked = validateConfig(adapter.manifest, next.config);
        if (!checked.ok) for (const p of checked.problems) problem(`config.${p.field}`, `config.${p.field} ${p.message}`);
      }
    }

    const changes = EDITABLE.filter((k) => JSON.stringify(current[k]) !== JSON.stringify(next[k])).map((k) => ({
      field: k,
      from: k === 'config' && adapter ? redactSecrets(adapter.manifest, current.config) : current[k],
      to: k === 'config' && adapter ? redactSecrets(adapter.manifest, next.config) : next[k],
    }));
    const secretsChanged = adapter
      ? Object.keys(adapter.manifest.config).filter((k) => adapter.manifest.config[k].secret && JSON.stringify(current.config[k]) !== JSON.stringify(next.config[k]))
      : [];
    return { next, adapter, problems, changes, secretsChanged };
  }

  // --- the console's channel pages ------------------------------------------------------------

  /** Every registry row in the plan's order, with health for the pulled ones (read fresh). */
  async overview(): Promise<ChannelAdminView[]> {
    this.registry.invalidate();
    return Promise.all((await this.registry.all()).map((c) => this.viewOf(c)));
  }

  /** A change checked by the PATCH rules, and what it would change, without saving anything. */
  async check(id: string, patch: unknown): Promise<ChangePreview> {
    const body = editableBody(patch);
    const current = await this.db.getRepository(ChannelEntity).findOneBy({ id });
    if (!current) throw new NotFoundException(`unknown channel "${id}"`);
    const { next, adapter, problems, changes, secretsChanged } = this.plan(current, body);
    return {
      current: await this.viewOf(current),
      proposed: {
        unit: next.unit, name: next.name, disposition: next.disposition, guidance: next.guidance, referTo: next.referTo, enabled: next.enabled,
        config: adapter ? redactSecrets(adapter.manifest, next.config) : next.config, adapter: next.adapter,
      },
      problems,
      changes,
      secretsChanged,
    };
  }

  /**
   * The versions of a channel, newest first, each with the channel as it left it. The version
   * before the first stored one (the seed, on a database created before the registry was seeded)
   * is told from that one's changes.
   */
  async versions(id: string): Promise<ChannelVersion[]> {
    const channel = await this.db.getRepository(ChannelEntity).findOneBy({ id });
    if (!channel) throw new NotFoundException(`unknown channel "${id}"`);
    const rows: { version: number; at: Date; actor: string; reason: string | null; snapshot: unknown; changes: ChannelChange[] | null }[] = await this.db.query(
      `SELECT version, at, actor, reason, snapshot, changes FROM channel_version WHERE channel_id = $1 ORDER BY version DESC`,
      [id],
    );
    const out: ChannelVersion[] = rows.map((r) => {
      const snap = r.snapshot as { secretsChanged?: unknown } | null;
      return {
        version: r.version, at: r.at, actor: r.actor, reason: r.reason, changes: r.changes ?? [],
        secretsChanged: Array.isArray(snap?.secretsChanged) ? (snap!.secretsChanged as string[]) : null,
        state: stateOfSnapshot(r.snapshot), derived: false,
      };
    });
    // Seed rows written by the migration hold the configuration as it was: seal and hide their secrets too.
    for (const v of out) {
      const manifest = v.state?.adapter ? findAdapter(v.state.adapter)?.manifest : undefined;
      if (!v.state || !manifest) continue;
      for (const [k, value] of Object.entries(v.state.config)) {
        if (!manifest.config[k]?.secret || !value || value === SECRET_PLACEHOLDER) continue;
        v.state.sealedSecrets = { ...v.state.sealedSecrets, [k]: this.cipher.seal(JSON.stringify(value)) };
        v.state.config = { ...v.state.config, [k]: SECRET_PLACEHOLDER };
      }
    }
    const oldest = out[out.length - 1];
    if (!oldest) {
      const adapter = channel.adapter ? findAdapter(channel.adapter) : undefined;
      out.push({
        version: channel.version, at: channel.createdAt, actor: '', reason: null, changes: [], secretsChanged: null, derived: true,
        state: {
          unit: channel.unit, name: channel.name, disposition: channel.disposition, guidance: channel.guidance, referTo: channel.referTo,
          enabled: channel.enabled, adapter: channel.adapter,
          config: adapter ? redactSecrets(adapter.manifest, channel.config) : channel.config,
          sealedSecrets: adapter ? this.sealSecrets(adapter.manifest, channel.config) : undefined,
        },
      });
    } else if (oldest.version > 1 && oldest.state) {
      const before: ChannelState = { ...oldest.state, config: { ...oldest.state.config } };
      for (const c of oldest.changes) (before as unknown as Record<string, unknown>)[c.field] = c.from;
      // Secrets the oldest stored version did not touch were the same before it.
      const sealed = oldest.state.sealedSecrets;
      before.sealedSecrets = sealed && oldest.secretsChanged
        ? Object.fromEntries(Object.entries(sealed).filter(([k]) => !oldest.secretsChanged!.includes(k)))
        : undefined;
      out.push({ version: oldest.version - 1, at: null, actor: '', reason: null, changes: [], secretsChanged: null, state: before, derived: true });
    }
    return out;
  }

  /**
   * Makes a new version equal to an old one (audited like any change). Secrets come back as that
   * version stored them; a secret the record cannot restore (sealed copies are kept from this
   * release on) keeps its current value and is named in `secretsKept`.
   */
  async restore(id: string, version: number, user: Principal, expectedVersion?: number): Promise<{ view: ChannelAdminView; changed: boolean; secretsKept: string[] }> {
    const old = (await this.versions(id)).find((v) => v.version === version);
    if (!old?.state) throw new NotFoundException(`channel ${id} has no version ${version} that can be restored`);
    const current = (await this.db.getRepository(ChannelEntity).findOneBy({ id }))!;
    const state = old.state;
    const manifest = findAdapter(current.adapter ?? state.adapter ?? '')?.manifest;
    const config: Record<string, unknown> = {};
    const secretsKept: string[] = [];
    for (const k of new Set([...Object.keys(current.config), ...Object.keys(state.config)])) {
      if (!Object.hasOwn(state.config, k)) config[k] = null;
      else if (manifest?.config[k]?.secret && state.config[k] === SECRET_PLACEHOLDER) {
        const sealed = state.sealedSecrets?.[k];
        const opened = sealed ? this.openSecret(sealed) : undefined;
        if (opened !== undefined) config[k] = opened;
        else {
          config[k] = SECRET_PLACEHOLDER; // the update keeps the current value
          secretsKept.push(k);
        }
      } else config[k] = state.config[k];
    }
    const patch: Record<string, unknown> = {
      name: state.name, unit: state.unit, guidance: state.guidance, referTo: state.referTo ?? null, enabled: state.enabled, config,
      reason: `恢复至版本 ${version}`,
    };
    if (current.disposition !== 'own' && state.disposition !== current.disposition) patch.disposition = state.disposition;
    const view = await this.update(id, patch, user, { expectedVersion });
    const changed = view.version !== current.version;
    if (changed) await this.audit.record(user.username, 'channel.restore', id, { restored: version, version: view.version, secretsKept });
    return { view, changed, secretsKept };
  }

  /**
   * "Test connection" of a pulled channel: its first upstream page through the adapter's puller
   * and the hub's HTTP port, with the saved configuration or a proposed change. Nothing is stored,
   * no cursor moves, the channel's health is not touched; the attempt is audited.
   */
  async testConnection(id: string, user: Principal, patch?: unknown): Promise<ConnectionTest> {
    const started = Date.now();
    const current = await this.db.getRepository(ChannelEntity).findOneBy({ id });
    if (!current) throw new NotFoundException(`unknown channel "${id}"`);
    const result: ConnectionTest = { ok: false, channelId: id, proposed: patch !== undefined, records: 0, samples: [], unmapped: 0, requests: 0, durationMs: 0 };
    const done = async () => {
      result.durationMs = Date.now() - started;
      await this.audit.record(user.username, 'channel.test', id, { ok: result.ok, proposed: result.proposed, records: result.records, requests: result.requests, error: result.error?.kind ?? null });
      return result;
    };

    let channel = current;
    if (patch !== undefined) {
      const plan = this.plan(current, editableBody(patch));
      if (plan.problems.length) {
        result.configProblems = plan.problems;
        return done();
      }
      channel = plan.next;
    }
    const adapter = channel.adapter ? findAdapter(channel.adapter) : undefined;
    const puller = adapter?.puller;
    if (!adapter || !puller) {
      result.error = { kind: 'config', message: `channel ${id} is not pulled (adapter ${channel.adapter ?? 'none'})`, hint: '只有定时拉取的渠道（保留受理渠道）才能测试连接。' };
      return done();
    }
    const checked = validateConfig(adapter.manifest, channel.config ?? {});
    if (!checked.ok) {
      result.configProblems = checked.problems.map((p) => ({ field: `config.${p.field}`, text: `config.${p.field} ${p.message}` }));
      return done();
    }
    const config = checked.value;
    const deadline = started + TEST_BUDGET_MS;
    const ctx: PullContext = { http: undefined as never, config, now: () => this.clock.now() };
    const client = politeClient(
      {
        timeoutMs: Math.min(this.config.pull.timeoutMs, TEST_TIMEOUT_MS),
        retries: Math.min(this.config.pull.retries, 1),
        backoffMs: Math.min(this.config.pull.backoffMs, 1000),
        maxBackoffMs: Math.min(this.config.pull.maxBackoffMs, 2000),
      },
      typeof config.minIntervalMs === 'number' ? config.minIntervalMs : 2000,
      puller.warmUp ? () => puller.warmUp!(ctx) : undefined,
    );
    const port: HttpPort = {
      request: (req) =>
        Date.now() > deadline
          ? Promise.reject(new AdapterError('transient', `the test took longer than ${TEST_BUDGET_MS / 1000} s`,
            `测试超过 ${TEST_BUDGET_MS / 1000} 秒仍未取完第一页：上游响应过慢，或 minIntervalMs 设得较大、每页条数较多。`))
          : client.request(req),
    };
    ctx.http = port;
    try {
      if (puller.warmUp) await puller.warmUp(ctx);
      const [scope] = puller.scopes(config);
      if (scope === undefined) throw new AdapterError('config', 'nothing to pull: the configuration names no scope', '配置中没有要拉取的范围（如留言板 fids），请先填写。');
      result.scope = scope;
      let batch: PullBatch | undefined;
      let seen = 0;
      for await (const b of puller.pull(ctx, scope, { cursor: null })) {
        batch = b;
        // A page with nothing to take (e.g. all in moderation) is skipped: look at the next one, not far.
        if (b.records.length > 0 || ++seen >= 3) break;
      }
      const records = batch?.records ?? [];
      result.records = records.length;
      for (const record of records) {
        const mapped = adapter.map(record.raw, { channelId: id, config, origin: 'pull' });
        if (!mapped.ok) result.unmapped++;
        if (result.samples.length < 5) {
          result.samples.push(mapped.ok
            ? { externalId: record.externalId, title: redactText(mapped.message.title) }
            : { externalId: record.externalId, title: null, problem: mapped.errors.map((e) => `${e.field} ${e.code}`).join(', ') });
        }
      }
      result.ok = true;
    } catch (err) {
      result.error = err instanceof AdapterError
        ? { kind: err.kind, message: err.message, hint: err.operatorHint }
        : { kind: 'internal', message: (err as Error).message };
    } finally {
      result.requests = client.sent;
    }
    return done();
  }

  /**
   * The configuration to store: secrets sealed, and a secret no configured key could open (left
   * out of `current.config` on load) kept as it was, unless this change clears that field.
   */
  private stored(current: ChannelEntity, next: ChannelEntity, body: { config?: unknown }): Record<string, unknown> {
    const out = sealChannelSecrets(next.adapter, next.config, this.cipher);
    for (const [k, v] of Object.entries(unopenedSecrets(current))) if (!(k in out) && !clears(body, k)) out[k] = v;
    return out;
  }

  /** A sealed secret's value, or undefined when no configured key opens it (HUB_OLD_DATA_KEYS). */
  private openSecret(sealed: string): unknown {
    try {
      return JSON.parse(this.cipher.open(sealed));
    } catch {
      return undefined;
    }
  }

  private sealSecrets(manifest: AdapterManifest, config: Record<string, unknown>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(config)) if (manifest.config[k]?.secret && v) out[k] = this.cipher.seal(JSON.stringify(v));
    return out;
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
