import { BadRequestException, Inject, Injectable, Logger, NotFoundException } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { InjectDataSource } from '@nestjs/typeorm';
import { Queue } from 'bullmq';
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import {
  ImportConfig, ImportRecord, isUnanswered, pageUrl, parseDetailPage, parseExportFile, parseImportConfig, parseListPage,
} from '../../adapters/portal/import';
import { AuditService } from '../audit/audit.service';
import { Principal } from '../auth/decorators';
import { ChannelRegistry } from '../channels/channel-registry.service';
import { Clock } from '../common/clock';
import { HUB_CONFIG } from '../config/config.module';
import { HubConfig } from '../config/env';
import { PiiCipher } from '../crypto/pii-cipher';
import { InboundWriter } from '../intake/inbound-writer.service';
import { politeClient } from '../pull/polite-http';
import { IMPORT_JOB, PULL_JOB_OPTIONS, PULL_QUEUE, ImportJobData } from '../queue/queues';

export interface ImportRunView {
  id: string;
  channelId: string;
  source: 'pages' | 'file';
  status: 'queued' | 'running' | 'done' | 'failed';
  progress: { nextPage: number; nextIndex: number; found: number; imported: number; skipped: number; invalid: number };
  problems: string[];
  message: string | null;
  actor: string;
  startedAt: Date;
  updatedAt: Date;
  finishedAt: Date | null;
}

const MAX_FILE_CHARS = 20 * 1024 * 1024;

/**
 * 切换导入: the messages left unanswered on a portal's old board become cases once, with their
 * original time and an `imported` mark. Runs in the worker; progress is stored after every page
 * (or every 100 records of a file), so a failed run resumes where it stopped — and since each
 * record's id is its old address, running an import again creates nothing new.
 */
@Injectable()
export class ImportService {
  private readonly logger = new Logger(ImportService.name);

  constructor(
    private readonly registry: ChannelRegistry,
    private readonly writer: InboundWriter,
    private readonly cipher: PiiCipher,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    @InjectDataSource() private readonly db: DataSource,
    @InjectQueue(PULL_QUEUE) private readonly queue: Queue<ImportJobData>,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
  ) {}

  async start(channelId: string, body: unknown, user: Principal): Promise<ImportRunView> {
    const channel = await this.registry.get(channelId);
    if (!channel) throw new NotFoundException(`unknown channel "${channelId}"`);
    if (channel.disposition !== 'redirected') throw new BadRequestException(`only redirected portals import their old boards (${channelId} is ${channel.disposition})`);
    const b = (body ?? {}) as Record<string, unknown>;
    let source: 'pages' | 'file';
    let format: 'json' | 'csv' | null = null;
    let dataSealed: string | null = null;
    if (b.source === 'pages') {
      source = 'pages';
      const parsed = parseImportConfig(this.registry.resolve(channel).config.import);
      if (typeof parsed === 'string') throw new BadRequestException(parsed);
    } else if (b.source === 'file') {
      source = 'file';
      if (b.format !== 'json' && b.format !== 'csv') throw new BadRequestException('format must be json or csv');
      if (typeof b.data !== 'string' || !b.data.trim()) throw new BadRequestException('data must hold the file’s text');
      if (b.data.length > MAX_FILE_CHARS) throw new BadRequestException(`the file is over ${MAX_FILE_CHARS} characters: split it`);
      format = b.format;
      dataSealed = this.cipher.seal(b.data); // an export holds citizens' contact details
    } else throw new BadRequestException('source must be "pages" or "file"');

    const [run]: { id: string }[] = await this.db.query(
      `INSERT INTO import_run (channel_id, source, format, data_sealed, actor, started_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id::text`,
      [channelId, source, format, dataSealed, user.username, this.clock.now()],
    );
    await this.enqueue(run.id);
    await this.audit.record(user.username, 'channel.import', channelId, { runId: run.id, source });
    return this.view(run.id);
  }

  async resume(runId: string, user: Principal): Promise<ImportRunView> {
    const run = await this.view(runId);
    if (run.status === 'done') throw new BadRequestException(`import ${runId} is done; start a new one to look again`);
    await this.db.query(`UPDATE import_run SET status = 'queued', updated_at = $2 WHERE id = $1`, [runId, this.clock.now()]);
    await this.enqueue(runId);
    await this.audit.record(user.username, 'channel.import_resume', run.channelId, { runId });
    return this.view(runId);
  }

  async view(runId: string): Promise<ImportRunView> {
    if (!/^\d{1,18}$/.test(runId)) throw new NotFoundException(`no import ${runId}`);
    const [r] = await this.db.query(
      `SELECT id::text, channel_id, source, status, next_page, next_index, found, imported, skipped, invalid, problems, message, actor,
              started_at, updated_at, finished_at FROM import_run WHERE id = $1`,
      [runId],
    );
    if (!r) throw new NotFoundException(`no import ${runId}`);
    return {
      id: r.id, channelId: r.channel_id, source: r.source, status: r.status,
      progress: { nextPage: r.next_page, nextIndex: r.next_index, found: r.found, imported: r.imported, skipped: r.skipped, invalid: r.invalid },
      problems: r.problems, message: r.message, actor: r.actor, startedAt: r.started_at, updatedAt: r.updated_at, finishedAt: r.finished_at,
    };
  }

  private async enqueue(runId: string): Promise<void> {
    await this.queue.add(IMPORT_JOB, { runId }, { ...PULL_JOB_OPTIONS, jobId: `import-${runId}-${this.clock.now().getTime()}` });
  }

  /** The worker's part: runs (or resumes) an import to its end, recording progress as it goes. */
  async run(runId: string): Promise<ImportRunView> {
    // TypeORM answers an UPDATE with [rows, rowCount]: the run is ours when a row came back.
    const [[claimed]] = await this.db.query(
      // A run left 'running' by a worker that died (no progress for the job lock's 5 minutes) is
      // taken over by the job's retry.
      `UPDATE import_run SET status = 'running', updated_at = $2::timestamptz
        WHERE id = $1 AND (status IN ('queued', 'failed') OR (status = 'running' AND updated_at < $2::timestamptz - interval '5 minutes'))
        RETURNING id`,
      [runId, this.clock.now()],
    );
    if (!claimed) return this.view(runId); // done already, or running elsewhere
    const [r] = await this.db.query(`SELECT channel_id, source, format, data_sealed, next_page, next_index FROM import_run WHERE id = $1`, [runId]);
    try {
      const channel = await this.registry.get(r.channel_id);
      if (!channel) throw new Error(`channel ${r.channel_id} is no longer in the registry`);
      const { config } = this.registry.resolve(channel);
      if (r.source === 'pages') {
        const importConfig = parseImportConfig(config.import);
        if (typeof importConfig === 'string') throw new Error(importConfig);
        await this.runPages(runId, r.channel_id, importConfig, config, r.next_page);
      } else {
        await this.runFile(runId, r.channel_id, r.format, this.cipher.open(r.data_sealed), (config.fieldMap ?? {}) as Record<string, string>, r.next_index);
      }
      const done = await this.view(runId);
      const p = done.progress;
      const message = `导入完成：发现 ${p.found} 条，新建 ${p.imported} 条，已导入过 ${p.skipped} 条，无效 ${p.invalid} 条。`;
      // The uploaded file holds citizens' contact details: it goes once its records are stored.
      await this.db.query(`UPDATE import_run SET status = 'done', message = $2, finished_at = $3, updated_at = $3, data_sealed = NULL WHERE id = $1`, [runId, message, this.clock.now()]);
      this.logger.log({ runId, channel: r.channel_id, ...p }, 'import finished');
    } catch (err) {
      const message = `导入中断（可续传）：${(err as Error).message}`;
      await this.db.query(`UPDATE import_run SET status = 'failed', message = $2, updated_at = $3 WHERE id = $1`, [runId, message, this.clock.now()]);
      this.logger.warn({ runId, err: (err as Error).message }, 'import stopped; it can be resumed');
    }
    return this.view(runId);
  }

  private async runPages(runId: string, channelId: string, c: ImportConfig, config: Record<string, unknown>, fromPage: number): Promise<void> {
    const http = politeClient(this.config.pull, typeof config.importIntervalMs === 'number' ? config.importIntervalMs : 1000);
    for (let page = fromPage; page <= c.maxPages; page++) {
      const url = pageUrl(c, page);
      const res = await http.request({ method: 'GET', url });
      if (res.status === 404) break; // past the last page
      if (res.status !== 200) throw new Error(`list page ${page} answered HTTP ${res.status}`);
      const items = parseListPage(res.text(c.charset), c, url);
      if (items.length === 0) break;
      const counts = { found: 0, imported: 0, skipped: 0, invalid: 0 };
      const problems: string[] = [];
      for (const item of items.filter((i) => isUnanswered(i, c))) {
        counts.found++;
        const detail = await http.request({ method: 'GET', url: item.url });
        const record = detail.status === 200 ? parseDetailPage(detail.text(c.charset), c, item) : undefined;
        if (!record) {
          counts.invalid++;
          problems.push(`${item.url}: no message text found (HTTP ${detail.status})`);
          continue;
        }
        await this.store(channelId, record, counts, problems);
      }
      await this.progress(runId, { nextPage: page + 1 }, counts, problems);
    }
  }

  private async runFile(runId: string, channelId: string, format: 'json' | 'csv', data: string, fieldMap: Record<string, string>, fromIndex: number): Promise<void> {
    const { records, errors } = parseExportFile(format, data, fieldMap);
    if (fromIndex === 0 && errors.length) await this.progress(runId, {}, { found: errors.length, imported: 0, skipped: 0, invalid: errors.length }, errors);
    for (let i = fromIndex; i < records.length; i += 100) {
      const counts = { found: 0, imported: 0, skipped: 0, invalid: 0 };
      const problems: string[] = [];
      for (const record of records.slice(i, i + 100)) {
        counts.found++;
        await this.store(channelId, record, counts, problems);
      }
      await this.progress(runId, { nextIndex: Math.min(i + 100, records.length) }, counts, problems);
    }
  }

  /** One record: stored once (its old id is the external id), checked by the portal's mapper first. */
  private async store(channelId: string, record: ImportRecord, counts: Record<'imported' | 'skipped' | 'invalid', number>, problems: string[]): Promise<void> {
    const channel = await this.registry.get(channelId);
    const { adapter, config } = this.registry.resolve(channel!);
    const body = { title: record.title, content: record.content, name: record.name, phone: record.phone, submittedAt: record.submittedAt, externalId: record.externalId };
    const mapped = adapter.map(body, { channelId, config: { ...config, fieldMap: {} }, origin: 'import' });
    if (!mapped.ok) {
      counts.invalid++;
      problems.push(`${record.externalId}: ${mapped.errors.map((e) => `${e.field} ${e.code}`).join(', ')}`);
      return;
    }
    const written = await this.writer.write({
      channelId,
      raw: { v: 1, via: 'import', body },
      externalId: record.externalId,
      requestHash: createHash('sha256').update(JSON.stringify(body)).digest('hex'),
    });
    if (!written.created) {
      counts.skipped++;
      return;
    }
    counts.imported++;
    await this.writer.enqueue(written.row);
  }

  private async progress(runId: string, at: { nextPage?: number; nextIndex?: number }, c: { found: number; imported: number; skipped: number; invalid: number }, problems: string[]): Promise<void> {
    await this.db.query(
      `UPDATE import_run SET next_page = coalesce($2, next_page), next_index = coalesce($3, next_index),
              found = found + $4, imported = imported + $5, skipped = skipped + $6, invalid = invalid + $7,
              problems = (problems || $8::jsonb), updated_at = $9
        WHERE id = $1`,
      [runId, at.nextPage ?? null, at.nextIndex ?? null, c.found, c.imported, c.skipped, c.invalid, JSON.stringify(problems.slice(0, 50)), this.clock.now()],
    );
  }
}
