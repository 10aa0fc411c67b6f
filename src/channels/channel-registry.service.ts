import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { readFile } from 'node:fs/promises';
import { Repository } from 'typeorm';
import { HUB_CONFIG } from '../config/config.module';
import { HubConfig } from '../config/env';
import { findConfigFile } from '../config/files';
import { ChannelAdapter, findAdapter } from '../../adapters';
import { validateConfig } from './domain/config-validation';
import { parseChannelSeed } from './domain/seed';
import { ChannelEntity } from './entities/channel.entity';
import { PiiCipher } from '../crypto/pii-cipher';
import { needsSealing, sealChannelSecrets } from './domain/channel-secrets';

/**
 * The channel registry: PostgreSQL is the source of truth; each process keeps a snapshot for at
 * most HUB_CHANNEL_CACHE_MS, so an administrator's change reaches every instance within that.
 */
@Injectable()
export class ChannelRegistry {
  private readonly logger = new Logger(ChannelRegistry.name);
  private snapshot: { at: number; byId: Map<string, ChannelEntity>; ordered: ChannelEntity[] } | null = null;
  private loading: Promise<void> | null = null;

  constructor(
    @InjectRepository(ChannelEntity) private readonly repo: Repository<ChannelEntity>,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    private readonly cipher: PiiCipher,
  ) {}

  /** Seeds the registry from config/channels.yaml when it is empty. Returns rows inserted. */
  async seedIfEmpty(): Promise<number> {
    const text = await readFile(findConfigFile('channels.yaml'), 'utf8');
    const rows = parseChannelSeed(text);
    return this.repo.manager.transaction(async (tx) => {
      await tx.query('LOCK TABLE channel IN EXCLUSIVE MODE');
      if ((await tx.count(ChannelEntity)) > 0) return 0;
      await tx.insert(ChannelEntity, rows.map((r) => ({ ...r, config: sealChannelSecrets(r.adapter, r.config, this.cipher) as never, version: 1 })));
      this.logger.log(`channel registry seeded with ${rows.length} rows from channels.yaml`);
      return rows.length;
    });
  }

  /**
   * Seals the secrets still in clear in stored configurations (rows written before secrets were
   * sealed, or by hand in SQL), and seals again with the current key those sealed with an old one
   * (so HUB_OLD_DATA_KEYS can be emptied after a boot). Safe from several processes at once: a row
   * is rewritten only if it is still what was read. Returns the channels sealed.
   */
  async sealClearSecrets(): Promise<string[]> {
    const rows: { id: string; adapter: string | null; config: Record<string, unknown> }[] = await this.repo.query(`SELECT id, adapter, config FROM channel`);
    const sealed: string[] = [];
    for (const r of rows) {
      if (!r.config || !needsSealing(r.adapter, r.config, this.cipher)) continue;
      const [, n] = await this.repo.query(`UPDATE channel SET config = $2 WHERE id = $1 AND config = $3::jsonb`, [
        r.id,
        JSON.stringify(sealChannelSecrets(r.adapter, r.config, this.cipher)),
        JSON.stringify(r.config),
      ]);
      if (n > 0) sealed.push(r.id);
    }
    if (sealed.length) {
      this.logger.log({ channels: sealed }, 'channel secrets stored in clear are now sealed');
      this.invalidate();
    }
    return sealed;
  }

  async get(id: string): Promise<ChannelEntity | undefined> {
    return (await this.current()).byId.get(id);
  }

  /** All rows in the order of the plan's table. */
  async all(): Promise<ChannelEntity[]> {
    return (await this.current()).ordered;
  }

  /**
   * The adapter of a channel and its configuration with defaults, checked against the manifest.
   * Throws with the channel and field named when either is wrong.
   */
  resolve(channel: ChannelEntity): { adapter: ChannelAdapter; config: Record<string, unknown> } {
    const adapter = channel.adapter ? findAdapter(channel.adapter) : undefined;
    if (!adapter) throw new Error(`channel ${channel.id}: adapter "${channel.adapter ?? ''}" does not exist`);
    const checked = validateConfig(adapter.manifest, channel.config ?? {});
    if (!checked.ok) {
      throw new Error(`channel ${channel.id}: invalid config: ${checked.problems.map((p) => `${p.field} ${p.message}`).join('; ')}`);
    }
    return { adapter, config: checked.value };
  }

  /** The boot check: every enabled channel that takes messages in has its adapter and a valid configuration. */
  async assertAdapters(): Promise<void> {
    this.invalidate();
    const problems: string[] = [];
    for (const channel of await this.all()) {
      if (!channel.enabled || channel.disposition === 'closed' || channel.disposition === 'excluded') continue;
      try {
        this.resolve(channel);
      } catch (err) {
        problems.push((err as Error).message);
      }
    }
    if (problems.length) throw new Error(`the channel registry cannot be served:\n  ${problems.join('\n  ')}`);
  }

  /**
   * Forget the snapshot (after a local change). A load already under way may have read the rows
   * before the change committed: it is not allowed to install its copy (see `generation`).
   */
  invalidate(): void {
    this.generation++;
    this.snapshot = null;
    this.loading = null;
  }

  /** Bumped by every invalidate(): a load started before it must not install what it read. */
  private generation = 0;

  private async current() {
    const fresh = this.snapshot && Date.now() - this.snapshot.at < this.config.channelCacheMs;
    if (!fresh) {
      const loading = (this.loading ??= this.load().finally(() => {
        if (this.loading === loading) this.loading = null;
      }));
      // Serve a stale snapshot rather than fail when PostgreSQL hiccups during a refresh.
      if (this.snapshot) await loading.catch(() => undefined);
      else await loading;
    }
    return this.snapshot!;
  }

  private async load(): Promise<void> {
    const started = this.generation;
    const ordered = await this.repo.find({ order: { position: 'ASC' } });
    const snapshot = { at: Date.now(), byId: new Map(ordered.map((c) => [c.id, c])), ordered };
    // Read before an invalidate(): serve it to this caller once, but keep no copy.
    this.snapshot = started === this.generation ? snapshot : (this.snapshot ?? { ...snapshot, at: 0 });
  }
}
