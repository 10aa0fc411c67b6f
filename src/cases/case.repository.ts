import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export interface NewCase {
  inboundId: string;
  receiptNo: string;
  channelId: string;
  externalId?: string;
  title: string;
  content: string;
  category?: string;
  isPublic: boolean;
  nameSealed: string | null;
  phoneSealed: string | null;
  emailSealed: string | null;
  idNumberSealed: string | null;
  phoneHash: string | null;
  submittedAt?: string;
  receivedAt: Date;
  createdAt: Date;
  /** The calendar day of the case number (Asia/Shanghai). */
  day: string;
}

export interface CaseRow {
  id: string;
  caseNo: string;
  receiptNo: string;
  channelId: string;
  externalId: string | null;
  title: string;
  content: string;
  category: string | null;
  domain: string | null;
  status: string;
  handlingUnit: string | null;
  deadline: string | null;
  isPublic: boolean;
  nameSealed: string | null;
  phoneSealed: string | null;
  emailSealed: string | null;
  idNumberSealed: string | null;
  submittedAt: Date | null;
  receivedAt: Date;
  createdAt: Date;
  updatedAt: Date;
}

export interface CaseEventRow {
  id: string;
  type: string;
  at: Date;
  actor: string;
  actorRole: string;
  fromStatus: string | null;
  toStatus: string | null;
  reason: string | null;
  data: Record<string, unknown>;
  visibleToCitizen: boolean;
}

export interface CaseFilter {
  channel?: string;
  status?: string;
  unit?: string;
  limit: number;
  offset: number;
}

const CASE_COLUMNS = `c.id::text, c.case_no AS "caseNo", c.receipt_no AS "receiptNo", c.channel_id AS "channelId",
  c.external_id AS "externalId", c.title, c.content, c.category, c.domain, c.status, c.handling_unit AS "handlingUnit",
  to_char(c.deadline, 'YYYY-MM-DD') AS deadline, c.is_public AS "isPublic", c.citizen_name_sealed AS "nameSealed",
  c.citizen_phone_sealed AS "phoneSealed", c.citizen_email_sealed AS "emailSealed",
  c.citizen_id_number_sealed AS "idNumberSealed", c.submitted_at AS "submittedAt", c.received_at AS "receivedAt",
  c.created_at AS "createdAt", c.updated_at AS "updatedAt"`;

const EVENT_COLUMNS = `id::text, type, at, actor, actor_role AS "actorRole", from_status AS "fromStatus",
  to_status AS "toStatus", reason, data, visible_to_citizen AS "visibleToCitizen"`;

@Injectable()
export class CaseRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Creates the case of an inbound row, its first two timeline events, and marks the row
   * processed, in one statement: it happens whole or not at all, and at most once per row
   * (cases.inbound_id is unique). Returns the case number, new or existing.
   */
  async createFromInbound(c: NewCase): Promise<{ caseNo: string; created: boolean }> {
    const rows: { caseNo: string | null; existingNo: string | null }[] = await this.db.query(
      `WITH c AS (
         INSERT INTO cases (case_no, inbound_id, receipt_no, channel_id, external_id, title, content, category, status,
                            is_public, citizen_name_sealed, citizen_phone_sealed, citizen_email_sealed,
                            citizen_id_number_sealed, phone_hash, submitted_at, received_at, created_at, updated_at)
         VALUES (hub_next_number('AJ', $1::date), $2, $3, $4, $5, $6, $7, $8, 'new', $9, $10, $11, $12, $13, $14, $15, $16, $17, $17)
         ON CONFLICT (inbound_id) DO NOTHING
         RETURNING id, case_no
       ), events AS (
         INSERT INTO case_event (case_id, type, at, actor, actor_role, to_status, data, visible_to_citizen)
         SELECT id, 'received', $16, $4, 'channel', NULL, jsonb_build_object('receiptNo', $3::text), true FROM c
         UNION ALL
         SELECT id, 'registered', $17, 'system', 'system', 'new', jsonb_build_object('caseNo', case_no), true FROM c
       ), done AS (
         UPDATE inbound_message
            SET status = 'processed', processed_at = $17, attempts = attempts + 1,
                case_id = COALESCE((SELECT id FROM c), (SELECT id FROM cases WHERE inbound_id = $2))
          WHERE id = $2
       )
       SELECT (SELECT case_no FROM c) AS "caseNo", (SELECT case_no FROM cases WHERE inbound_id = $2) AS "existingNo"`,
      [
        c.day, c.inboundId, c.receiptNo, c.channelId, c.externalId ?? null, c.title, c.content, c.category ?? null,
        c.isPublic, c.nameSealed, c.phoneSealed, c.emailSealed, c.idNumberSealed, c.phoneHash, c.submittedAt ?? null,
        c.receivedAt, c.createdAt,
      ],
    );
    const row = rows[0];
    if (row.caseNo) return { caseNo: row.caseNo, created: true };
    if (row.existingNo) return { caseNo: row.existingNo, created: false };
    throw new Error(`inbound ${c.inboundId}: no case was created and none exists`);
  }

  async list(f: CaseFilter): Promise<{ items: CaseRow[]; total: number }> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (f.channel) where.push(`c.channel_id = $${params.push(f.channel)}`);
    if (f.status) where.push(`c.status = $${params.push(f.status)}`);
    if (f.unit) where.push(`c.handling_unit = $${params.push(f.unit)}`);
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const [items, count] = await Promise.all([
      this.db.query(
        `SELECT ${CASE_COLUMNS} FROM cases c ${clause} ORDER BY c.received_at DESC, c.id DESC
          LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
        [...params, f.limit, f.offset],
      ),
      this.db.query(`SELECT count(*)::text AS n FROM cases c ${clause}`, params),
    ]);
    return { items, total: Number(count[0].n) };
  }

  async byCaseNo(caseNo: string): Promise<CaseRow | undefined> {
    const rows: CaseRow[] = await this.db.query(`SELECT ${CASE_COLUMNS} FROM cases c WHERE c.case_no = $1`, [caseNo]);
    return rows[0];
  }

  async timeline(caseId: string): Promise<CaseEventRow[]> {
    return this.db.query(`SELECT ${EVENT_COLUMNS} FROM case_event WHERE case_id = $1 ORDER BY at, id`, [caseId]);
  }

  async rawOf(caseId: string): Promise<string | undefined> {
    const rows: { raw: string }[] = await this.db.query(
      `SELECT i.raw_sealed AS raw FROM cases c JOIN inbound_message i ON i.id = c.inbound_id WHERE c.id = $1`,
      [caseId],
    );
    return rows[0]?.raw;
  }
}
