import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { UpstreamState } from '../../adapters';
import { DerivedWrites } from '../database/derived-writes';
import { MicroBatcher } from '../database/micro-batcher';

export interface NewCase {
  inboundId: string;
  receiptNo: string;
  channelId: string;
  externalId?: string;
  title: string;
  content: string;
  category?: string;
  domain?: string;
  upstream?: UpstreamState;
  imported?: boolean;
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

export type CreateResult = { caseNo: string; created: boolean; id?: string };

/** Registrations this close together share one statement. */
const BATCH_WINDOW_MS = 2;
const BATCH_MAX = 64;

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
  leadUnit: string | null;
  responsibleUnits: string[] | null;
}

/** May this unit see the case? Its handling, lead or responsible unit. A unit account without a unit sees nothing. */
/** What linking or splitting a 并单 did, or why it was refused. */
export type DuplicateChange = { ok: true; caseNo: string; originalNo: string } | { ok: false; status: 404 | 409; message: string };

export function unitMayAccess(c: Pick<CaseRow, 'handlingUnit' | 'leadUnit' | 'responsibleUnits'>, unit: string | null): boolean {
  if (!unit) return false;
  return c.handlingUnit === unit || c.leadUnit === unit || (c.responsibleUnits ?? []).includes(unit);
}

/**
 * The same rule in SQL, for queries over `cases c`: the unit in parameter $n handles, leads or is
 * responsible for the case. Shared so every list or export of cases applies one rule.
 */
export function visibleToUnitSql(n: number): string {
  return `(c.handling_unit = $${n} OR c.lead_unit = $${n} OR $${n} = ANY(c.responsible_units))`;
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
  /** A unit user's view: cases where this unit handles, leads or is responsible. */
  visibleToUnit?: string;
  limit: number;
  offset: number;
}

const CASE_COLUMNS = `c.id::text, c.case_no AS "caseNo", c.receipt_no AS "receiptNo", c.channel_id AS "channelId",
  c.external_id AS "externalId", c.title, c.content, c.category, c.domain, c.status, c.handling_unit AS "handlingUnit",
  to_char(c.deadline, 'YYYY-MM-DD') AS deadline, c.is_public AS "isPublic", c.citizen_name_sealed AS "nameSealed",
  c.citizen_phone_sealed AS "phoneSealed", c.citizen_email_sealed AS "emailSealed",
  c.citizen_id_number_sealed AS "idNumberSealed", c.submitted_at AS "submittedAt", c.received_at AS "receivedAt",
  c.created_at AS "createdAt", c.updated_at AS "updatedAt", c.lead_unit AS "leadUnit", c.responsible_units AS "responsibleUnits"`;

const EVENT_COLUMNS = `id::text, type, at, actor, actor_role AS "actorRole", from_status AS "fromStatus",
  to_status AS "toStatus", reason, data, visible_to_citizen AS "visibleToCitizen"`;

@Injectable()
export class CaseRepository {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly derived: DerivedWrites,
  ) {}

  private readonly batcher = new MicroBatcher<NewCase, CreateResult>(
    async (cs) => {
      // The same inbound row twice in one batch (a re-queued job racing its twin): register it once.
      const byInbound = await this.createMany([...new Map(cs.map((c) => [c.inboundId, c])).values()]);
      const answered = new Set<string>();
      return cs.map((c) => {
        const r = byInbound.get(c.inboundId);
        if (!r) return new Error(`inbound ${c.inboundId}: no case was created and none exists`);
        const first = !answered.has(c.inboundId);
        answered.add(c.inboundId);
        return first ? r : { caseNo: r.caseNo, created: false };
      });
    },
    { windowMs: BATCH_WINDOW_MS, max: BATCH_MAX },
  );

  /**
   * Creates the case of an inbound row, its first timeline events, and takes the row off the
   * pending list, in one statement: it happens whole or not at all, and at most once per row
   * (cases.inbound_id is unique). Returns the case number, new or existing.
   *
   * Registrations arriving within BATCH_WINDOW_MS of each other (the worker runs several jobs at
   * once) share one statement, committed without waiting for the WAL flush: they are derived
   * from inbound rows already stored durably, and a lost commit is redone by the sweeper.
   */
  createFromInbound(c: NewCase): Promise<CreateResult> {
    return this.batcher.add(c);
  }

  private async createMany(cs: NewCase[]): Promise<Map<string, CreateResult>> {
    const col = <T>(f: (c: NewCase) => T) => cs.map(f);
    const rows = await this.derived.query<{ inboundId: string; caseNo: string | null; id: string | null; existingNo: string | null }>(
      `WITH input AS (
         SELECT * FROM unnest($1::date[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
                              $10::boolean[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $16::timestamptz[],
                              $17::timestamptz[], $18::timestamptz[], $19::text[], $20::text[], $21::boolean[])
           WITH ORDINALITY AS u(day, inbound_id, receipt_no, channel_id, external_id, title, content, category, domain, is_public,
                                name_s, phone_s, email_s, id_s, phone_hash, submitted_at, received_at, created_at, upstream, reply, imported, n)
       ), c AS (
         INSERT INTO cases (case_no, inbound_id, receipt_no, channel_id, external_id, title, content, category, domain, status,
                            is_public, citizen_name_sealed, citizen_phone_sealed, citizen_email_sealed,
                            citizen_id_number_sealed, phone_hash, submitted_at, received_at, created_at, updated_at,
                            upstream, imported)
         SELECT hub_next_number('AJ', day), inbound_id, receipt_no, channel_id, external_id, title, content, category, domain, 'new',
                is_public, name_s, phone_s, email_s, id_s, phone_hash, submitted_at, received_at, created_at, created_at,
                upstream::jsonb, imported
           FROM input ORDER BY n
         ON CONFLICT (inbound_id) DO NOTHING
         RETURNING id, case_no, inbound_id, receipt_no, channel_id, received_at, created_at, imported
       ), events AS (
         INSERT INTO case_event (case_id, type, at, actor, actor_role, to_status, data, visible_to_citizen)
         SELECT id, 'received', received_at, channel_id, 'channel', NULL, jsonb_build_object('receiptNo', receipt_no, 'imported', imported), true FROM c
         UNION ALL
         SELECT id, 'registered', created_at, 'system', 'system', 'new', jsonb_build_object('caseNo', case_no), true FROM c
         UNION ALL
         SELECT c.id, 'upstream_reply', coalesce((i.reply::jsonb ->> 'at')::timestamptz, c.created_at), c.channel_id, 'channel', NULL, i.reply::jsonb, true
           FROM c JOIN input i ON i.inbound_id = c.inbound_id WHERE i.reply IS NOT NULL
       ), done AS (
         DELETE FROM inbound_pending WHERE inbound_id IN (SELECT inbound_id FROM input)
       )
       SELECT i.inbound_id::text AS "inboundId", c.case_no AS "caseNo", c.id::text AS id,
              (SELECT x.case_no FROM cases x WHERE x.inbound_id = i.inbound_id) AS "existingNo"
         FROM input i LEFT JOIN c ON c.inbound_id = i.inbound_id`,
      [
        col((c) => c.day), col((c) => c.inboundId), col((c) => c.receiptNo), col((c) => c.channelId), col((c) => c.externalId ?? null),
        col((c) => c.title), col((c) => c.content), col((c) => c.category ?? null), col((c) => c.domain ?? null), col((c) => c.isPublic),
        col((c) => c.nameSealed), col((c) => c.phoneSealed), col((c) => c.emailSealed), col((c) => c.idNumberSealed), col((c) => c.phoneHash),
        col((c) => c.submittedAt ?? null), col((c) => c.receivedAt), col((c) => c.createdAt),
        col((c) => (c.upstream ? JSON.stringify(c.upstream) : null)), col((c) => (c.upstream?.reply ? JSON.stringify(c.upstream.reply) : null)),
        col((c) => c.imported ?? false),
      ],
    );
    const out = new Map<string, CreateResult>();
    for (const r of rows) {
      if (r.caseNo && r.id) out.set(r.inboundId, { caseNo: r.caseNo, created: true, id: r.id });
      else if (r.existingNo) out.set(r.inboundId, { caseNo: r.existingNo, created: false });
    }
    return out;
  }

  /**
   * A pulled case seen again upstream: stores its new upstream state and records what changed
   * (state, reply) on the timeline, atomically. Returns undefined when the case does not exist
   * yet, and [] when nothing changed.
   */
  async applyUpstream(channelId: string, externalId: string, next: UpstreamState, at: Date): Promise<string[] | undefined> {
    return this.db.transaction(async (tx) => {
      const rows: { id: string; upstream: UpstreamState | null }[] = await tx.query(
        `SELECT id::text, upstream FROM cases WHERE channel_id = $1 AND external_id = $2 AND archived_at IS NULL FOR UPDATE`,
        [channelId, externalId],
      );
      const row = rows[0];
      if (!row) return undefined; // not registered yet, or archived (immutable)
      const before = row.upstream ?? { final: false };
      const changes: string[] = [];
      if ((before.state ?? null) !== (next.state ?? null) || before.final !== next.final) {
        changes.push('upstream_state');
        await tx.query(
          `INSERT INTO case_event (case_id, type, at, actor, actor_role, data, visible_to_citizen)
           VALUES ($1, 'upstream_state', $2, $3, 'channel', $4, true)`,
          [row.id, at, channelId, JSON.stringify({ from: before.state ?? null, to: next.state ?? null, final: next.final })],
        );
      }
      if (next.reply && (next.reply.content !== before.reply?.content || next.reply.organization !== before.reply?.organization)) {
        changes.push('upstream_reply');
        await tx.query(
          `INSERT INTO case_event (case_id, type, at, actor, actor_role, data, visible_to_citizen)
           VALUES ($1, 'upstream_reply', $2, $3, 'channel', $4, true)`,
          [row.id, next.reply.at ?? at, channelId, JSON.stringify(next.reply)],
        );
      }
      if (changes.length || JSON.stringify(before) !== JSON.stringify(next)) {
        await tx.query(`UPDATE cases SET upstream = $2, updated_at = $3 WHERE id = $1`, [row.id, JSON.stringify(next), at]);
      }
      return changes;
    });
  }

  /**
   * 并单: links a new case to an earlier one from the same citizen about the same matter — same
   * contact (phone, by its blind index) and similar text (pg_trgm similarity ≥ 0.5) — within
   * `days`. Without a contact (the leaders' board shows none) nothing is linked automatically:
   * similar text alone is often two citizens with the same problem.
   */
  async linkDuplicate(c: { id: string; caseNo: string; phoneHash: string | null; content: string; receivedAt: Date }, at: Date, days = 30): Promise<string | undefined> {
    if (!c.phoneHash) return undefined;
    const since = new Date(c.receivedAt.getTime() - days * 86_400_000);
    // One statement: find the earlier case (id < this one, so two cases never point at each
    // other), link, and write the event on both timelines.
    const rows = await this.derived.query<{ caseNo: string }>(
      `WITH o AS (
         SELECT id, case_no FROM cases
          WHERE phone_hash = $1 AND id < $2 AND duplicate_of IS NULL AND received_at >= $3 AND received_at <= $4
            AND similarity(content, $5) >= 0.5
          ORDER BY similarity(content, $5) DESC, id LIMIT 1
       ), link AS (
         UPDATE cases SET duplicate_of = o.id, updated_at = $6 FROM o WHERE cases.id = $2 RETURNING cases.id
       ), events AS (
         INSERT INTO case_event (case_id, type, at, actor, actor_role, data, visible_to_citizen)
         SELECT $2, 'duplicate_of', $6, 'system', 'system', jsonb_build_object('caseNo', o.case_no), false FROM o
         UNION ALL
         SELECT o.id, 'duplicate_linked', $6, 'system', 'system', jsonb_build_object('caseNo', $7::text), false FROM o
       )
       SELECT case_no AS "caseNo" FROM o`,
      [c.phoneHash, c.id, since, c.receivedAt, c.content, at, c.caseNo],
    );
    return rows[0]?.caseNo;
  }

  /**
   * 并单 by hand: mailbox staff link `caseNo` to the earlier `originalNo` (the citizen wrote again
   * from another number, or through another channel). Both rows are locked in id order, so two
   * staff linking at once cannot build a chain. Refused when the link would not be one level deep.
   */
  async linkDuplicateByHand(caseNo: string, originalNo: string, at: Date, actor: { name: string; role: string }, reason: string): Promise<DuplicateChange> {
    return this.db.transaction(async (tx) => {
      const rows: { id: string; caseNo: string; duplicateOf: string | null; hasDuplicates: boolean }[] = await tx.query(
        `SELECT c.id::text AS id, c.case_no AS "caseNo", c.duplicate_of::text AS "duplicateOf",
                EXISTS (SELECT 1 FROM cases d WHERE d.duplicate_of = c.id) AS "hasDuplicates"
           FROM cases c WHERE c.case_no = ANY($1) ORDER BY c.id FOR UPDATE`,
        [[caseNo, originalNo]],
      );
      const dup = rows.find((r) => r.caseNo === caseNo);
      const original = rows.find((r) => r.caseNo === originalNo);
      if (!dup) return { ok: false, status: 404, message: `no case ${caseNo}` };
      if (!original) return { ok: false, status: 404, message: `no case ${originalNo}` };
      if (dup.id === original.id) return { ok: false, status: 409, message: '一件留言不能与自身并单。' };
      if (dup.duplicateOf) return { ok: false, status: 409, message: `${caseNo} 已与其他留言并单，请先拆分。` };
      if (original.duplicateOf) return { ok: false, status: 409, message: `${originalNo} 本身是并单的重复留言，请并入它所并入的那件留言。` };
      if (dup.hasDuplicates) return { ok: false, status: 409, message: `已有留言并入 ${caseNo}，请先拆分它们，或把 ${originalNo} 并入 ${caseNo}。` };
      await tx.query(`UPDATE cases SET duplicate_of = $2, updated_at = $3 WHERE id = $1`, [dup.id, original.id, at]);
      await tx.query(
        `INSERT INTO case_event (case_id, type, at, actor, actor_role, reason, data, visible_to_citizen)
         VALUES ($1, 'duplicate_of', $3, $4, $5, $6, jsonb_build_object('caseNo', $7::text, 'byHand', true), false),
                ($2, 'duplicate_linked', $3, $4, $5, $6, jsonb_build_object('caseNo', $8::text, 'byHand', true), false)`,
        [dup.id, original.id, at, actor.name, actor.role, reason, originalNo, caseNo],
      );
      return { ok: true, caseNo, originalNo };
    });
  }

  /** 拆分: undoes a 并单 (automatic or by hand); both timelines say who did it and why. */
  async unlinkDuplicate(caseNo: string, at: Date, actor: { name: string; role: string }, reason: string): Promise<DuplicateChange> {
    return this.db.transaction(async (tx) => {
      const [dup]: { id: string; originalId: string | null; originalNo: string | null }[] = await tx.query(
        `SELECT c.id::text AS id, c.duplicate_of::text AS "originalId", o.case_no AS "originalNo"
           FROM cases c LEFT JOIN cases o ON o.id = c.duplicate_of WHERE c.case_no = $1 FOR UPDATE OF c`,
        [caseNo],
      );
      if (!dup) return { ok: false, status: 404, message: `no case ${caseNo}` };
      if (!dup.originalId) return { ok: false, status: 409, message: `${caseNo} 没有并单，无需拆分。` };
      await tx.query(`UPDATE cases SET duplicate_of = NULL, updated_at = $2 WHERE id = $1`, [dup.id, at]);
      await tx.query(
        `INSERT INTO case_event (case_id, type, at, actor, actor_role, reason, data, visible_to_citizen)
         VALUES ($1, 'duplicate_unlinked', $3, $4, $5, $6, jsonb_build_object('caseNo', $7::text), false),
                ($2, 'duplicate_unlinked', $3, $4, $5, $6, jsonb_build_object('caseNo', $8::text), false)`,
        [dup.id, dup.originalId, at, actor.name, actor.role, reason, dup.originalNo, caseNo],
      );
      return { ok: true, caseNo, originalNo: dup.originalNo! };
    });
  }

  /** Case numbers linked as duplicates of this case, and the one it duplicates. */
  async duplicateLinks(caseId: string): Promise<{ duplicateOf: string | null; duplicates: string[] }> {
    const [row]: { duplicateOf: string | null; duplicates: string[] | null }[] = await this.db.query(
      `SELECT (SELECT o.case_no FROM cases c JOIN cases o ON o.id = c.duplicate_of WHERE c.id = $1) AS "duplicateOf",
              (SELECT array_agg(case_no ORDER BY id) FROM cases WHERE duplicate_of = $1) AS duplicates`,
      [caseId],
    );
    return { duplicateOf: row.duplicateOf, duplicates: row.duplicates ?? [] };
  }

  async list(f: CaseFilter): Promise<{ items: CaseRow[]; total: number }> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (f.channel) where.push(`c.channel_id = $${params.push(f.channel)}`);
    if (f.status) where.push(`c.status = $${params.push(f.status)}`);
    if (f.unit) where.push(`c.handling_unit = $${params.push(f.unit)}`);
    if (f.visibleToUnit !== undefined) where.push(visibleToUnitSql(params.push(f.visibleToUnit)));
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

  async documents(caseId: string): Promise<{ docNo: string; kind: string; createdAt: Date }[]> {
    return this.db.query(`SELECT doc_no AS "docNo", kind, created_at AS "createdAt" FROM case_document WHERE case_id = $1 ORDER BY id`, [caseId]);
  }

  async rawOf(caseId: string): Promise<string | undefined> {
    const rows: { raw: string }[] = await this.db.query(
      `SELECT i.raw_sealed AS raw FROM cases c JOIN inbound_message i ON i.id = c.inbound_id WHERE c.id = $1`,
      [caseId],
    );
    return rows[0]?.raw;
  }
}
