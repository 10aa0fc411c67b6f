import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ReportDocument, ReportKind, StatsFilter } from '../stats/domain/figures';

export type ReportStatus = 'queued' | 'running' | 'done' | 'failed';

export interface ReportProgress {
  step?: string;
  /** Steps finished, of `total`. */
  done?: number;
  total?: number;
  /** Cases and timelines read so far (the long steps). */
  cases?: number;
}

export interface ReportMeta {
  id: string;
  kind: ReportKind;
  month: string | null;
  periodFrom: string;
  periodTo: string;
  title: string;
  filter: StatsFilter;
  status: ReportStatus;
  progress: ReportProgress;
  requestedBy: string;
  requestedAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  attempts: number;
  pdfPages: number | null;
  summary: string | null;
  error: string | null;
}

const META = `id::text, kind, month, to_char(period_from, 'YYYY-MM-DD') AS "periodFrom", to_char(period_to, 'YYYY-MM-DD') AS "periodTo",
  title, filter, status, progress, requested_by AS "requestedBy", requested_at AS "requestedAt", started_at AS "startedAt",
  finished_at AS "finishedAt", attempts, pdf_pages AS "pdfPages", summary, error`;

export interface NewReport {
  kind: ReportKind;
  month: string | null;
  periodFrom: string;
  periodTo: string;
  title: string;
  filter: StatsFilter;
  requestedBy: string;
  requestedAt: Date;
}

/** Stored reports: their request, progress, figures, HTML and PDF. */
@Injectable()
export class ReportRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async insert(r: NewReport): Promise<ReportMeta> {
    const [row] = await this.db.query(
      `INSERT INTO report (kind, month, period_from, period_to, title, filter, status, requested_by, requested_at)
       VALUES ($1, $2, $3, $4, $5, $6, 'queued', $7, $8) RETURNING ${META}`,
      [r.kind, r.month, r.periodFrom, r.periodTo, r.title, JSON.stringify(r.filter), r.requestedBy, r.requestedAt],
    );
    return row;
  }

  /** The scheduler's own 月报 of a month, once: undefined when it was already requested. */
  async insertAutomaticMonthly(r: NewReport): Promise<ReportMeta | undefined> {
    const rows: ReportMeta[] = await this.db.query(
      `INSERT INTO report (kind, month, period_from, period_to, title, filter, status, requested_by, requested_at)
       VALUES ('monthly', $1, $2, $3, $4, '{}', 'queued', 'system', $5)
       ON CONFLICT (month) WHERE kind = 'monthly' AND requested_by = 'system' DO NOTHING
       RETURNING ${META}`,
      [r.month, r.periodFrom, r.periodTo, r.title, r.requestedAt],
    );
    return rows[0];
  }

  async list(f: { kind?: ReportKind; month?: string; limit: number; offset: number }): Promise<{ items: ReportMeta[]; total: number }> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (f.kind) where.push(`kind = $${params.push(f.kind)}`);
    if (f.month) where.push(`month = $${params.push(f.month)}`);
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const [items, [{ n }]] = await Promise.all([
      this.db.query(`SELECT ${META} FROM report ${clause} ORDER BY requested_at DESC, id DESC LIMIT ${f.limit} OFFSET ${f.offset}`, params),
      this.db.query(`SELECT count(*)::text AS n FROM report ${clause}`, params),
    ]);
    return { items, total: Number(n) };
  }

  async meta(id: string): Promise<ReportMeta | undefined> {
    const rows: ReportMeta[] = await this.db.query(`SELECT ${META} FROM report WHERE id = $1`, [id]);
    return rows[0];
  }

  async document(id: string): Promise<ReportDocument | null> {
    const rows = await this.db.query(`SELECT document FROM report WHERE id = $1`, [id]);
    return rows[0]?.document ?? null;
  }

  async html(id: string): Promise<string | null> {
    const rows = await this.db.query(`SELECT html FROM report WHERE id = $1`, [id]);
    return rows[0]?.html ?? null;
  }

  async pdf(id: string): Promise<Buffer | null> {
    const rows = await this.db.query(`SELECT pdf FROM report WHERE id = $1`, [id]);
    return rows[0]?.pdf ?? null;
  }

  /** Marks the start of an attempt; a report already done is left alone (undefined). */
  async start(id: string, now: Date): Promise<{ hasDocument: boolean; hasHtml: boolean; hasPdf: boolean } | undefined> {
    // TypeORM answers an UPDATE with [rows, rowCount].
    const [rows] = await this.db.query(
      `UPDATE report SET status = 'running', started_at = coalesce(started_at, $2), attempts = attempts + 1, error = NULL
        WHERE id = $1 AND status <> 'done'
        RETURNING document IS NOT NULL AS "hasDocument", html IS NOT NULL AS "hasHtml", pdf IS NOT NULL AS "hasPdf"`,
      [id, now],
    );
    return rows[0];
  }

  progress(id: string, p: ReportProgress): Promise<unknown> {
    return this.db.query(`UPDATE report SET progress = $2 WHERE id = $1`, [id, JSON.stringify(p)]);
  }

  saveDocument(id: string, doc: ReportDocument): Promise<unknown> {
    return this.db.query(`UPDATE report SET document = $2 WHERE id = $1`, [id, JSON.stringify(doc)]);
  }

  saveHtml(id: string, html: string): Promise<unknown> {
    return this.db.query(`UPDATE report SET html = $2 WHERE id = $1`, [id, html]);
  }

  finish(id: string, pdf: Buffer, pages: number, summary: string, now: Date): Promise<unknown> {
    return this.db.query(
      `UPDATE report SET pdf = $2, pdf_pages = $3, summary = $4, status = 'done', finished_at = $5, error = NULL WHERE id = $1`,
      [id, pdf, pages, summary, now],
    );
  }

  fail(id: string, error: string, final: boolean, now: Date): Promise<unknown> {
    return this.db.query(
      `UPDATE report SET error = $2, status = CASE WHEN $3::boolean THEN 'failed' ELSE 'queued' END, finished_at = CASE WHEN $3::boolean THEN $4::timestamptz ELSE NULL END WHERE id = $1`,
      [id, error.slice(0, 2000), final, now],
    );
  }

  /**
   * Reports whose job may have been lost: waiting since before `queuedBefore` (Redis away when
   * requested), or running since before `runningBefore` (a worker killed in the middle, a job
   * BullMQ gave up on as stalled). Queuing them again is safe: one job id per report.
   */
  async stale(queuedBefore: Date, runningBefore: Date): Promise<{ id: string; requestedAt: Date }[]> {
    return this.db.query(
      `SELECT id::text, requested_at AS "requestedAt" FROM report
        WHERE (status = 'queued' AND requested_at < $1) OR (status = 'running' AND started_at < $2)
        ORDER BY id LIMIT 100`,
      [queuedBefore, runningBefore],
    );
  }

  /** Whether a 月报 of the month exists that is not failed (done, running or waiting). */
  async monthlyExists(month: string): Promise<boolean> {
    const rows = await this.db.query(`SELECT 1 FROM report WHERE kind = 'monthly' AND month = $1 AND status <> 'failed' LIMIT 1`, [month]);
    return rows.length > 0;
  }
}
