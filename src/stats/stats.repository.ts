import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { streamRows } from '../database/stream-rows';
import { CaseTimeline, TimelineEvent } from './domain/assessment';
import { CaseSummaryRow } from './domain/city-stats';
import { MonthTrend, Period, StatsFilter } from './domain/figures';

/**
 * Timeline events the assessment reads. The partial index `case_event_workflow_at` (migration
 * stats-and-reports) has exactly this list: queries repeat it literally so the planner can use it.
 */
export const WORKFLOW_EVENT_TYPES = [
  'transfer', 'coordinate', 'return', 'request_extension', 'decide_extension', 'remind', 'issue_reminder_notice',
  'propose_criticism', 'decide_criticism', 'refer_to_supervision', 'submit_feedback',
] as const;
/** Events of the answer to the citizen, read with the workflow events for each case. */
const ANSWER_EVENT_TYPES = ['accept', 'decline', 'refer', 'reply', 'rate_satisfied', 'rate_unsatisfied', 'close', 'archive'] as const;

const list = (xs: readonly string[]) => xs.map((x) => `'${x}'`).join(', ');
export const WORKFLOW_TYPES_SQL = list(WORKFLOW_EVENT_TYPES);
const ALL_TYPES_SQL = list([...WORKFLOW_EVENT_TYPES, ...ANSWER_EVENT_TYPES]);

/** `%` and `_` typed in a keyword are matched literally. */
function likePattern(keyword: string): string {
  return `%${keyword.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** SQL conditions on `cases c` for a filter; pushes its parameters. Category and domain are the case's current ones. */
function caseConditions(f: StatsFilter, params: unknown[]): string[] {
  const where: string[] = [];
  if (f.channel) where.push(`c.channel_id = $${params.push(f.channel)}`);
  if (f.keyword) {
    const p = params.push(likePattern(f.keyword));
    where.push(`(c.title ILIKE $${p} OR c.content ILIKE $${p})`);
  }
  return where;
}


export interface RepresentativeRow {
  caseNo: string;
  channelId: string;
  category: string | null;
  title: string;
  content: string;
  reply: { content?: string; unit?: string } | null;
  handlingUnit: string | null;
  status: string;
  nameSealed: string | null;
}

/**
 * The statistics' reads. Every query takes the period as local dates and the hub's time zone and
 * ignores events at or after the end of the period.
 */
@Injectable()
export class StatsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** One row per case received in the period, as it stood at the end of the period. */
  async *cohort(period: Period, f: StatsFilter, timeZone: string): AsyncGenerator<CaseSummaryRow> {
    const params: unknown[] = [period.from, period.to, timeZone];
    const where = caseConditions(f, params);
    if (f.unit) {
      const p = params.push(f.unit);
      where.push(`EXISTS (SELECT 1 FROM case_event u WHERE u.case_id = c.id AND u.type IN ('transfer', 'coordinate') AND u.at < b.t1
                            AND coalesce(u.data ->> 'unit', u.data ->> 'leadUnit') = $${p})`);
    }
    const outer: string[] = [];
    if (f.category) outer.push(`category = $${params.push(f.category)}`);
    if (f.domain) outer.push(`domain = $${params.push(f.domain)}`);
    const sql = `
      WITH b AS (SELECT ($1::date)::timestamp AT TIME ZONE $3 AS t0, ($2::date + 1)::timestamp AT TIME ZONE $3 AS t1)
      SELECT * FROM (
        SELECT c.channel_id AS "channelId",
               to_char(c.received_at AT TIME ZONE $3, 'YYYY-MM-DD') AS "receivedDay",
               (array_agg(e.data ->> 'category' ORDER BY e.at DESC, e.id DESC) FILTER (WHERE e.type = 'accept'))[1] AS category,
               (array_agg(e.data ->> 'domain' ORDER BY e.at DESC, e.id DESC) FILTER (WHERE e.type = 'accept'))[1] AS domain,
               coalesce(bool_or(e.type = 'accept'), false) AS accepted,
               coalesce(bool_or(e.type = 'decline'), false) AS declined,
               coalesce(bool_or(e.type = 'refer'), false) AS referred,
               coalesce(bool_or(e.type IN ('transfer', 'coordinate')), false) AS transferred,
               to_char(min(e.at) FILTER (WHERE e.type = 'reply') AT TIME ZONE $3, 'YYYY-MM-DD') AS "firstReplyDay",
               coalesce(bool_or(e.type IN ('close', 'rate_satisfied')), false) AS closed,
               coalesce(bool_or(e.type = 'archive'), false) AS archived,
               c.duplicate_of IS NOT NULL AS duplicate,
               (array_agg(e.data ->> 'satisfaction' ORDER BY e.at, e.id) FILTER (WHERE e.type IN ('rate_satisfied', 'rate_unsatisfied')))[1] AS rating
          FROM b CROSS JOIN cases c
          LEFT JOIN case_event e ON e.case_id = c.id AND e.at < b.t1 AND e.type IN (${ALL_TYPES_SQL})
         WHERE c.received_at >= b.t0 AND c.received_at < b.t1 ${where.map((w) => `AND ${w}`).join(' ')}
         GROUP BY c.id
      ) s ${outer.length ? `WHERE ${outer.join(' AND ')}` : ''}`;
    yield* streamRows<CaseSummaryRow>(this.db, sql, params, 2000);
  }

  /**
   * The timelines of every case with an assignment or an act in the period, or an assignment that
   * may still have been open at its end (the overdue list), each up to the end of the period.
   */
  async *timelines(period: Period, f: StatsFilter, timeZone: string): AsyncGenerator<CaseTimeline> {
    const params: unknown[] = [period.from, period.to, timeZone];
    const where = caseConditions(f, params);
    if (f.category) where.push(`c.category = $${params.push(f.category)}`);
    if (f.domain) where.push(`c.domain = $${params.push(f.domain)}`);
    const sql = `
      WITH b AS (SELECT ($1::date)::timestamp AT TIME ZONE $3 AS t0, ($2::date + 1)::timestamp AT TIME ZONE $3 AS t1),
      picked AS (
        SELECT w.case_id FROM b CROSS JOIN case_event w
         WHERE w.type IN (${WORKFLOW_TYPES_SQL}) AND w.at >= b.t0 AND w.at < b.t1
        UNION
        -- Assignments that may still have been open at the end of the period, however old: cases
        -- in a unit's hands now, and cases fed back or returned only after the period. (A superset:
        -- the fold decides from the timeline.)
        SELECT c.id FROM b CROSS JOIN cases c
         WHERE c.status IN ('transferred', 'coordinating') AND c.unit_received_at < b.t1
        UNION
        SELECT w.case_id FROM b CROSS JOIN case_event w JOIN cases r ON r.id = w.case_id AND r.received_at < b.t1
         WHERE w.type IN (${WORKFLOW_TYPES_SQL}) AND w.type IN ('submit_feedback', 'return') AND w.at >= b.t1
      )
      SELECT c.id::text AS "caseId", c.case_no AS "caseNo", c.title, c.citizen_name_sealed AS "nameSealed", e.type, e.at,
             to_char(e.at AT TIME ZONE $3, 'YYYY-MM-DD') AS day, e.data
        FROM b CROSS JOIN picked p
        JOIN cases c ON c.id = p.case_id
        JOIN case_event e ON e.case_id = p.case_id AND e.at < b.t1 AND e.type IN (${ALL_TYPES_SQL})
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY e.case_id, e.at, e.id`;
    let current: (CaseTimeline & { caseId: string }) | null = null;
    for await (const r of streamRows<{ caseId: string; caseNo: string; title: string; nameSealed: string | null; type: string; at: Date; day: string; data: Record<string, unknown> }>(this.db, sql, params, 5000)) {
      if (!current || current.caseId !== r.caseId) {
        if (current) yield current;
        current = { caseId: r.caseId, caseNo: r.caseNo, title: r.title, nameSealed: r.nameSealed, events: [] };
      }
      const e: TimelineEvent = { type: r.type, at: r.at, day: r.day, data: r.data ?? {} };
      current.events.push(e);
    }
    if (current) yield current;
  }

  /**
   * Per month of [fromMonth, the period's last month]: the cases received, those replied by the end
   * of their own month, and the share of the month's feedbacks that were on time. The last month
   * ends with the period (a 专报 to the 15th counts to the 15th). The filter is the cohort's:
   * category and domain as given at acceptance, the unit as ever transferred to.
   */
  async trend(fromMonth: string, period: Period, f: StatsFilter, timeZone: string): Promise<MonthTrend[]> {
    const params: unknown[] = [`${fromMonth}-01`, period.to, timeZone];
    const where = caseConditions(f, params);
    const accepted = (field: 'category' | 'domain', p: number) =>
      `(SELECT a.data ->> '${field}' FROM case_event a WHERE a.case_id = c.id AND a.type = 'accept' AND a.at < b.t1 ORDER BY a.at DESC, a.id DESC LIMIT 1) = $${p}`;
    if (f.category) where.push(accepted('category', params.push(f.category)));
    if (f.domain) where.push(accepted('domain', params.push(f.domain)));
    if (f.unit) {
      const p = params.push(f.unit);
      where.push(`EXISTS (SELECT 1 FROM case_event u WHERE u.case_id = c.id AND u.type IN ('transfer', 'coordinate') AND u.at < b.t1
                            AND coalesce(u.data ->> 'unit', u.data ->> 'leadUnit') = $${p})`);
    }
    const cond = where.map((w) => `AND ${w}`).join(' ');
    const sql = `
      WITH b AS (SELECT ($1::date)::timestamp AT TIME ZONE $3 AS t0, ($2::date + 1)::timestamp AT TIME ZONE $3 AS t1),
      months AS (SELECT to_char(m, 'YYYY-MM') AS month FROM generate_series($1::date, date_trunc('month', $2::date), interval '1 month') m),
      cohort AS (
        SELECT c.id, to_char(c.received_at AT TIME ZONE $3, 'YYYY-MM') AS month,
               least((date_trunc('month', c.received_at AT TIME ZONE $3) + interval '1 month') AT TIME ZONE $3, b.t1) AS month_end
          FROM b CROSS JOIN cases c
         WHERE c.received_at >= b.t0 AND c.received_at < b.t1 ${cond}),
      replied AS (
        SELECT k.id FROM cohort k JOIN case_event r ON r.case_id = k.id AND r.type = 'reply' AND r.at < k.month_end GROUP BY k.id),
      received AS (
        SELECT k.month, count(*) AS received, count(r.id) AS replied FROM cohort k LEFT JOIN replied r ON r.id = k.id GROUP BY k.month),
      fed AS (
        SELECT to_char(w.at AT TIME ZONE $3, 'YYYY-MM') AS month, count(*) AS fed, count(*) FILTER (WHERE (w.data ->> 'onTime')::boolean) AS "onTime"
          FROM b CROSS JOIN case_event w JOIN cases c ON c.id = w.case_id
         WHERE w.type IN (${WORKFLOW_TYPES_SQL}) AND w.type = 'submit_feedback' AND w.at >= b.t0 AND w.at < b.t1 ${cond}
         GROUP BY 1)
      SELECT m.month, coalesce(r.received, 0) AS received, coalesce(r.replied, 0) AS replied, coalesce(f.fed, 0) AS fed, coalesce(f."onTime", 0) AS "onTime"
        FROM months m LEFT JOIN received r USING (month) LEFT JOIN fed f USING (month)
       ORDER BY m.month`;
    const out: MonthTrend[] = [];
    for await (const r of streamRows<{ month: string; received: string; replied: string; fed: string; onTime: string }>(this.db, sql, params)) {
      out.push({ month: r.month, received: Number(r.received), replied: Number(r.replied), onTimeRate: Number(r.fed) > 0 ? Number(r.onTime) / Number(r.fed) : null });
    }
    return out;
  }

  /**
   * A few replied cases of the period to show as examples: those whose authors agreed to
   * publication first, then those rated 满意, then by case number (stable across regenerations).
   */
  async representative(period: Period, f: StatsFilter, timeZone: string, limit: number): Promise<RepresentativeRow[]> {
    const params: unknown[] = [period.from, period.to, timeZone];
    const where = caseConditions(f, params);
    if (f.category) where.push(`c.category = $${params.push(f.category)}`);
    if (f.domain) where.push(`c.domain = $${params.push(f.domain)}`);
    if (f.unit) where.push(`c.handling_unit = $${params.push(f.unit)}`);
    const rows: RepresentativeRow[] = [];
    const sql =
      `WITH b AS (SELECT ($1::date)::timestamp AT TIME ZONE $3 AS t0, ($2::date + 1)::timestamp AT TIME ZONE $3 AS t1)
       SELECT c.case_no AS "caseNo", c.channel_id AS "channelId", c.category, c.title, c.content, c.reply, c.handling_unit AS "handlingUnit",
              c.status, c.citizen_name_sealed AS "nameSealed"
         FROM b CROSS JOIN cases c
        WHERE c.received_at >= b.t0 AND c.received_at < b.t1 AND c.duplicate_of IS NULL AND c.anonymized_at IS NULL
          AND EXISTS (SELECT 1 FROM case_event r WHERE r.case_id = c.id AND r.type = 'reply' AND r.at < b.t1)
          ${where.map((w) => `AND ${w}`).join(' ')}
        ORDER BY c.is_public DESC, (c.satisfaction = '满意') DESC NULLS LAST, c.case_no
        LIMIT ${Math.max(1, Math.min(limit, 20))}`;
    for await (const r of streamRows<RepresentativeRow>(this.db, sql, params)) rows.push(r);
    return rows;
  }
}
