import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { DOCUMENT_PREFIX, DocumentKind } from './documents';

/** A case as the workflow sees it (locked for the length of one step). */
export interface WorkflowCase {
  id: string;
  caseNo: string;
  channelId: string;
  title: string;
  content: string;
  category: string | null;
  status: string;
  handlingUnit: string | null;
  leadUnit: string | null;
  responsibleUnits: string[] | null;
  deadline: string | null;
  returnDeadline: string | null;
  unitReceivedAt: Date | null;
  extensionRequest: Record<string, unknown> | null;
  remindersSent: number;
  remindersTotal: number;
  lastReminderDay: string | null;
  overdueNoticeAt: Date | null;
  criticismProposedAt: Date | null;
  reasonReported: boolean;
  feedback: Record<string, unknown> | null;
  reply: Record<string, unknown> | null;
  receivedAt: Date;
  archivedAt: Date | null;
}

const COLUMNS = `id::text, case_no AS "caseNo", channel_id AS "channelId", title, content, category, status,
  handling_unit AS "handlingUnit", lead_unit AS "leadUnit", responsible_units AS "responsibleUnits",
  to_char(deadline, 'YYYY-MM-DD') AS deadline, to_char(return_deadline, 'YYYY-MM-DD') AS "returnDeadline",
  unit_received_at AS "unitReceivedAt", extension_request AS "extensionRequest", reminders_sent AS "remindersSent", reminders_total AS "remindersTotal",
  to_char(last_reminder_day, 'YYYY-MM-DD') AS "lastReminderDay", overdue_notice_at AS "overdueNoticeAt",
  criticism_proposed_at AS "criticismProposedAt", reason_reported AS "reasonReported", feedback, reply,
  received_at AS "receivedAt", archived_at AS "archivedAt"`;

/** Columns a workflow step may change, by their names in WorkflowCase. */
const WRITABLE: Record<string, string> = {
  status: 'status', category: 'category', domain: 'domain', handlingUnit: 'handling_unit', leadUnit: 'lead_unit',
  responsibleUnits: 'responsible_units', deadline: 'deadline', returnDeadline: 'return_deadline', unitReceivedAt: 'unit_received_at',
  extensionRequest: 'extension_request', remindersSent: 'reminders_sent', remindersTotal: 'reminders_total', lastReminderDay: 'last_reminder_day',
  overdueNoticeAt: 'overdue_notice_at', criticismProposedAt: 'criticism_proposed_at', reasonReported: 'reason_reported',
  feedback: 'feedback', reply: 'reply', satisfaction: 'satisfaction', closedAt: 'closed_at', archivedAt: 'archived_at',
};
const JSON_COLUMNS = new Set(['extension_request', 'feedback', 'reply']);

export interface NewEvent {
  type: string;
  at: Date;
  actor: string;
  actorRole: string;
  fromStatus?: string | null;
  toStatus?: string | null;
  reason?: string | null;
  data?: Record<string, unknown>;
  visibleToCitizen?: boolean;
}

/** The workflow's reads and writes; every method takes the step's transaction. */
@Injectable()
export class WorkflowRepository {
  async lock(tx: EntityManager, caseNo: string): Promise<WorkflowCase | undefined> {
    const rows: WorkflowCase[] = await tx.query(`SELECT ${COLUMNS} FROM cases WHERE case_no = $1 FOR UPDATE`, [caseNo]);
    return rows[0];
  }

  async update(tx: EntityManager, id: string, changes: Record<string, unknown>, at: Date): Promise<void> {
    const sets: string[] = [];
    const params: unknown[] = [id];
    for (const [key, value] of Object.entries(changes)) {
      const column = WRITABLE[key];
      if (!column) throw new Error(`workflow may not write ${key}`);
      params.push(JSON_COLUMNS.has(column) && value !== null ? JSON.stringify(value) : value);
      sets.push(`${column} = $${params.length}`);
    }
    params.push(at);
    sets.push(`updated_at = $${params.length}`);
    await tx.query(`UPDATE cases SET ${sets.join(', ')} WHERE id = $1`, params);
  }

  async addEvent(tx: EntityManager, caseId: string, e: NewEvent): Promise<void> {
    await tx.query(
      `INSERT INTO case_event (case_id, type, at, actor, actor_role, from_status, to_status, reason, data, visible_to_citizen)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [caseId, e.type, e.at, e.actor, e.actorRole, e.fromStatus ?? null, e.toStatus ?? null, e.reason ?? null, JSON.stringify(e.data ?? {}), e.visibleToCitizen ?? false],
    );
  }

  /** A document with a stable number: prefix + day + per-day counter (e.g. ZB20251009-000003). */
  async addDocument(tx: EntityManager, caseId: string, kind: DocumentKind, day: string, data: Record<string, unknown>, at: Date): Promise<string> {
    const [row]: { docNo: string }[] = await tx.query(
      `INSERT INTO case_document (case_id, kind, doc_no, created_at, data) VALUES ($1, $2, hub_next_number($3, $4::date), $5, $6)
       RETURNING doc_no AS "docNo"`,
      [caseId, kind, DOCUMENT_PREFIX[kind], day, at, JSON.stringify(data)],
    );
    return row.docNo;
  }

  async updateDocumentData(tx: EntityManager, docNo: string, patch: Record<string, unknown>): Promise<void> {
    await tx.query(`UPDATE case_document SET data = data || $2::jsonb WHERE doc_no = $1`, [docNo, JSON.stringify(patch)]);
  }

  async documents(tx: EntityManager, caseId: string): Promise<{ docNo: string; kind: DocumentKind; createdAt: Date; data: Record<string, unknown> }[]> {
    return tx.query(`SELECT doc_no AS "docNo", kind, created_at AS "createdAt", data FROM case_document WHERE case_id = $1 ORDER BY id`, [caseId]);
  }

  /** Cases whose clock is running, for the reminder sweep. */
  async running(tx: EntityManager, limit: number): Promise<string[]> {
    const rows: { caseNo: string }[] = await tx.query(
      `SELECT case_no AS "caseNo" FROM cases WHERE status IN ('transferred', 'coordinating') AND deadline IS NOT NULL ORDER BY deadline LIMIT $1`,
      [limit],
    );
    return rows.map((r) => r.caseNo);
  }
}
