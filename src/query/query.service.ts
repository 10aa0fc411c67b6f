import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { EVENT_LABELS, statusLabel } from '../cases/domain/status';
import { PiiCipher } from '../crypto/pii-cipher';
import { redactCitizenText } from '../crypto/masking';
import { canonicalQueryCode } from '../intake/query-code';
import { WorkflowService } from '../workflow/workflow.service';

export interface PublicProgress {
  receiptNo: string;
  caseNo: string | null;
  channelId: string;
  title: string | null;
  status: string;
  statusLabel: string;
  receivedAt: Date;
  timeline: { at: Date; type: string; label: string }[];
  reply: null | { content: string; unit: string | null; at: Date };
  satisfaction: string | null;
  /** The reply can be rated now (满意 / 基本满意 / 不满意). */
  canRate: boolean;
}

/** 一键查询: a citizen's progress by query code, without any personal data. */
@Injectable()
export class QueryService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly cipher: PiiCipher,
    private readonly workflow: WorkflowService,
  ) {}

  /**
   * 评价: the citizen rates the reply with their query code. 满意 and 基本满意 close the case;
   * 不满意 reopens it (重办). 400 for another word, 404 for an unknown code, 409 when the case
   * cannot be rated now (not replied yet, or rated already).
   */
  async rate(code: string, body: unknown): Promise<PublicProgress> {
    const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    const satisfaction = b.satisfaction;
    if (satisfaction !== '满意' && satisfaction !== '基本满意' && satisfaction !== '不满意') {
      throw new BadRequestException('satisfaction must be 满意, 基本满意 or 不满意');
    }
    const step = satisfaction === '不满意' ? 'rate_unsatisfied' : 'rate_satisfied';
    await this.workflow.act(await this.caseNoOf(code), step, { satisfaction, comment: b.comment || undefined }, { name: 'citizen', role: 'citizen' });
    return this.progress(code);
  }

  /** The case behind a query code. */
  async caseNoOf(code: string): Promise<string> {
    const canonical = canonicalQueryCode(code);
    const rows: { caseNo: string | null }[] = canonical
      ? await this.db.query(`SELECT c.case_no AS "caseNo" FROM inbound_message i JOIN cases c ON c.inbound_id = i.id WHERE i.query_code_hash = $1`, [this.cipher.blindIndex('query-code', canonical)])
      : [];
    if (!rows[0]?.caseNo) throw new NotFoundException('no message has this query code');
    return rows[0].caseNo;
  }

  async progress(code: string): Promise<PublicProgress> {
    const canonical = canonicalQueryCode(code);
    if (!canonical) throw new NotFoundException('no message has this query code');
    const rows: {
      receiptNo: string; channelId: string; inboundStatus: string; receivedAt: Date;
      caseId: string | null; caseNo: string | null; title: string | null; status: string | null;
      reply: { content: string; unit?: string; at: string } | null; satisfaction: string | null; upstream: { reply?: { content: string; organization?: string; at?: string } } | null;
      nameSealed: string | null;
      /** The citizen-visible steps, oldest first (null before the case exists). */
      events: { at: string; type: string }[] | null;
    }[] = await this.db.query(
      // One round trip: the message, its case and the case's citizen-visible timeline.
      `SELECT i.receipt_no AS "receiptNo", i.channel_id AS "channelId", i.status AS "inboundStatus", i.received_at AS "receivedAt",
              c.id::text AS "caseId", c.case_no AS "caseNo", c.title, c.status, c.reply, c.satisfaction, c.upstream,
              c.citizen_name_sealed AS "nameSealed",
              (SELECT json_agg(json_build_object('at', e.at, 'type', e.type) ORDER BY e.at, e.id)
                 FROM case_event e WHERE e.case_id = c.id AND e.visible_to_citizen) AS events
         FROM inbound_message i LEFT JOIN cases c ON c.inbound_id = i.id
        WHERE i.query_code_hash = $1`,
      [this.cipher.blindIndex('query-code', canonical)],
    );
    const row = rows[0];
    if (!row) throw new NotFoundException('no message has this query code');
    const status = row.status ?? (row.inboundStatus === 'failed' ? 'intake_failed' : 'received');
    // Whoever holds the code sees no personal data, not even the name the citizen typed in the title.
    const name = this.cipher.openOptional(row.nameSealed);
    // (a row without a case is either pending — being registered — or failed)
    const events = row.caseId ? (row.events ?? []).map((e) => ({ at: new Date(e.at), type: e.type })) : [{ at: row.receivedAt, type: 'received' }];
    return {
      receiptNo: row.receiptNo,
      caseNo: row.caseNo,
      channelId: row.channelId,
      title: row.title === null ? null : redactCitizenText(row.title, name),
      status,
      statusLabel: statusLabel(status),
      receivedAt: row.receivedAt,
      timeline: events.map((e) => ({ at: e.at, type: e.type, label: EVENT_LABELS[e.type] ?? e.type })),
      reply: row.reply
        ? { content: redactCitizenText(row.reply.content, name), unit: row.reply.unit ?? null, at: new Date(row.reply.at) }
        : row.upstream?.reply
          ? { content: redactCitizenText(row.upstream.reply.content, name), unit: row.upstream.reply.organization ?? null, at: new Date(row.upstream.reply.at ?? row.receivedAt) }
          : null,
      satisfaction: row.satisfaction,
      canRate: row.status === 'replied',
    };
  }
}
