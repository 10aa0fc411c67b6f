import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { visibleToUnitSql } from '../cases/case.repository';
import { streamRows } from '../database/stream-rows';

/** Which cases an export holds. Dates are local days (Asia/Shanghai), both inclusive. */
export interface CaseExportFilter {
  channel?: string;
  status?: string;
  /** The handling unit (承办单位). */
  unit?: string;
  category?: string;
  domain?: string;
  /** YYYY-MM-DD */
  from?: string;
  /** YYYY-MM-DD, inclusive */
  to?: string;
  /** A unit account's view: cases this unit handles, leads or is responsible for ('' = none). */
  visibleToUnit?: string;
}

/** One case as an export needs it: display-ready dates, contact details still sealed. */
export interface CaseExportRow {
  caseNo: string;
  receiptNo: string;
  channelId: string;
  title: string;
  content: string;
  category: string | null;
  domain: string | null;
  status: string;
  handlingUnit: string | null;
  /** YYYY-MM-DD */
  deadline: string | null;
  /** Asia/Shanghai, YYYY-MM-DD HH:mm:ss */
  receivedLocal: string;
  isPublic: boolean;
  nameSealed: string | null;
  phoneSealed: string | null;
  emailSealed: string | null;
  idNumberSealed: string | null;
  /** The mailbox's reply, else the reply seen on the original channel. */
  reply: string | null;
  satisfaction: string | null;
}

/** Rows fetched from PostgreSQL per round trip: few enough to keep memory flat, enough to keep the round trips cheap. */
const BATCH_SIZE = 500;

const EXPORT_COLUMNS = `c.case_no AS "caseNo", c.receipt_no AS "receiptNo", c.channel_id AS "channelId", c.title, c.content,
  c.category, c.domain, c.status, c.handling_unit AS "handlingUnit", to_char(c.deadline, 'YYYY-MM-DD') AS deadline,
  to_char(c.received_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI:SS') AS "receivedLocal", c.is_public AS "isPublic",
  c.citizen_name_sealed AS "nameSealed", c.citizen_phone_sealed AS "phoneSealed", c.citizen_email_sealed AS "emailSealed",
  c.citizen_id_number_sealed AS "idNumberSealed",
  coalesce(c.reply ->> 'content', c.upstream -> 'reply' ->> 'content') AS reply, c.satisfaction`;

/** The WHERE clause and its parameters for a filter (exported for tests of the SQL). */
export function exportWhere(f: CaseExportFilter): { clause: string; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  if (f.channel) where.push(`c.channel_id = $${params.push(f.channel)}`);
  if (f.status) where.push(`c.status = $${params.push(f.status)}`);
  if (f.unit) where.push(`c.handling_unit = $${params.push(f.unit)}`);
  if (f.category) where.push(`c.category = $${params.push(f.category)}`);
  if (f.domain) where.push(`c.domain = $${params.push(f.domain)}`);
  // Local days → instants, so the received_at index serves the range.
  if (f.from) where.push(`c.received_at >= ($${params.push(f.from)}::date)::timestamp AT TIME ZONE 'Asia/Shanghai'`);
  if (f.to) where.push(`c.received_at < ($${params.push(f.to)}::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai'`);
  if (f.visibleToUnit !== undefined) where.push(visibleToUnitSql(params.push(f.visibleToUnit)));
  return { clause: where.length ? `WHERE ${where.join(' AND ')}` : '', params };
}

/** Reads cases for exports as a stream, so an export of any size never sits in memory. */
@Injectable()
export class CaseExportRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * The cases of `f`, oldest first (received_at, id). Nothing happens until the first row is
   * asked for; then one pooled connection is held, in a read-only transaction (one consistent
   * snapshot for the whole file), until the rows end, fail, or the consumer stops early (its
   * `return()`): in every case the connection goes back to the pool.
   */
  stream(f: CaseExportFilter): AsyncGenerator<CaseExportRow, void, undefined> {
    const { clause, params } = exportWhere(f);
    return streamRows<CaseExportRow>(this.db, `SELECT ${EXPORT_COLUMNS} FROM cases c ${clause} ORDER BY c.received_at, c.id`, params, BATCH_SIZE);
  }
}
