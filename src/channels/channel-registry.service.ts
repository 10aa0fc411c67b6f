import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { readFile } from 'node:fs/promises';
import { Repository } from 'typeorm';
import { HUB_CONFIG } from '../config/config.module';
import { HubConfig } from '../config/env';
import { findConfigFile } from '../config/files';
import { parseChannelSeed } from './domain/seed';
import { ChannelEntity } from './entities/channel.entity';

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
  ) {}

  /** Seeds the registry from config/channels.yaml when it is empty. Returns rows inserted. */
  async seedIfEmpty(): Promise<number> {
    const text = await readFile(findConfigFile('channels.yaml'), 'utf8');
    const rows = parseChannelSeed(text);
    return this.repo.manager.transaction(async (tx) => {
      await tx.query('LOCK TABLE channel IN EXCLUSIVE MODE');
      if ((await tx.count(ChannelEntity)) > 0) return 0;
      await tx.insert(ChannelEntity, rows.map((r) => ({ ...r, config: r.config as never, enabled: true, version: 1 })));
      this.logger.log(`channel registry seeded with ${rows.length} rows from channels.yaml`);
      return rows.length;
    });
  }

  async get(id: string): Promise<ChannelEntity | undefined> {
    return (await this.current()).byId.get(id);
  }

  /** All rows in the order of the plan's table. */
  async all(): Promise<ChannelEntity[]> {
    return (await this.current()).ordered;
  }

  /** Forget the snapshot (after a local change). */
  invalidate(): void {
    this.snapshot = null;
  }

  private async current() {
    const fresh = this.snapshot && Date.now() - this.snapshot.at < this.config.channelCacheMs;
    if (!fresh) {
      this.loading ??= this.load().finally(() => (this.loading = null));
      // Serve a stale snapshot rather than fail when PostgreSQL hiccups during a refresh.
      if (this.snapshot) await this.loading.catch(() => undefined);
      else await this.loading;
    }
    return this.snapshot!;
  }

  private async load(): Promise<void> {
    const ordered = await this.repo.find({ order: { position: 'ASC' } });
    this.snapshot = { at: Date.now(), byId: new Map(ordered.map((c) => [c.id, c])), ordered };
  }
}
