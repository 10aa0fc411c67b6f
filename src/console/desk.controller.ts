import { Body, Controller, Get, HttpException, Inject, Logger, NotFoundException, Param, Post, Query, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { Request, Response } from 'express';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { CurrentUser, Principal, Roles } from '../auth/decorators';
import { CalendarService } from '../calendar/calendar.service';
import { AttachmentError, CaseAttachments, readUpload } from '../cases/attachments';
import { CaseRepository, CaseRow, unitMayAccess, visibleToUnitSql } from '../cases/case.repository';
import { CasesService } from '../cases/cases.service';
import { statusLabel } from '../cases/domain/status';
import { ChannelRegistry } from '../channels/channel-registry.service';
import { Clock, localDate } from '../common/clock';
import { HUB_CONFIG } from '../config/config.module';
import { HubConfig } from '../config/env';
import { maskEmail, maskIdNumber, maskName, maskPhone, redactText } from '../crypto/masking';
import { PiiCipher } from '../crypto/pii-cipher';
import { workdaysOverdue } from '../workflow/domain/deadlines';
import { allowedEvents, CASE_EVENTS, CaseEvent, CaseStatus, EVENT_LABELS, isCaseEvent, isCaseStatus, transition } from '../workflow/domain/state-machine';
import { Actor, WorkflowService } from '../workflow/workflow.service';
import { flashFrom, pageOf, redirectWithFlash } from './console-page';
import { ConsoleExceptionFilter } from './console.filter';
import { consoleLayout, esc } from './layout';
import { caseBody, CaseView } from './views/case';
import { FormContext, stepForm, unitsDatalist } from './views/case-forms';
import { deskBody, DeskRow, OpenCaseRow, supervisionBody, UnitCaseRow, unitDeskBody } from './views/desk';

const actorOf = (u: Principal): Actor => ({ name: u.username, role: u.role, unit: u.unit });
const casePath = (caseNo: string) => `/console/cases/${encodeURIComponent(caseNo)}`;
const DESK_PAGE_SIZE = 20;
const OPEN = `c.status IN ('transferred', 'coordinating')`;
/** Steps a citizen takes on the 一键查询 page, never from the console. */
const CITIZEN_ONLY = new Set<string>(['rate_satisfied', 'rate_unsatisfied']);
/** Pages an action may send the user back to (besides the case page). */
const BACK_PAGES = new Set(['/console/supervision', '/console/desk', '/console/unit']);

/** Chinese names of the fields a refused step names (the service's messages are in English). */
const FIELD_NAMES: Record<string, string> = {
  category: '类别', reason: '理由', basis: '依据', content: '答复内容', unit: '承办单位', channel: '告知渠道', leadUnit: '牵头单位',
  units: '责任单位', deadline: '办理时限', result: '办理结果', newDeadline: '延长时限', docNo: '通报编号', approve: '审核意见', of: '并入案件编号',
};

/** A workflow refusal (400/403/409) as one line for the flash. */
function refusalText(err: HttpException, label: string): string {
  const body = err.getResponse();
  const raw = typeof body === 'object' && body !== null ? (body as { message?: unknown }).message : body;
  let message = Array.isArray(raw) ? raw.join('；') : String(raw ?? err.message);
  const required = /^(\w+) is required$/.exec(message);
  if (required) message = `请填写“${FIELD_NAMES[required[1]] ?? required[1]}”。`;
  else {
    const must = /^(\w+) (must .*)$/.exec(message);
    if (must && FIELD_NAMES[must[1]]) message = `“${FIELD_NAMES[must[1]]}”填写有误（${message}）。`;
  }
  const problems = typeof body === 'object' && body !== null ? (body as { problems?: { message?: string }[] }).problems : undefined;
  if (Array.isArray(problems) && problems.length) message = problems.map((p) => p.message ?? '').join('；');
  return short(`未能${label}：${message}`);
}

/** A flash message fits in its cookie. */
function short(text: string): string {
  return text.length > 380 ? `${text.slice(0, 379)}…` : text;
}

/** The form's fields as the step's body: approve as a boolean, the responsible units as a list. */
function stepBody(event: CaseEvent, form: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(form ?? {})) if (k !== '_csrf' && k !== 'next' && typeof v === 'string') out[k] = v;
  if (event === 'decide_extension' || event === 'decide_criticism') {
    out.approve = out.approve === 'true' ? true : out.approve === 'false' ? false : out.approve;
  }
  if (event === 'coordinate' && typeof out.units === 'string') {
    out.units = out.units.split(/[\n\r,，、;；]+/).map((u) => u.trim()).filter(Boolean);
  }
  if (event === 'remind') delete out.rung; // only the scheduler sets the ladder's rung
  return out;
}

function successText(event: CaseEvent, caseNo: string, result: { statusLabel: string; documents: string[] }, body: Record<string, unknown>): string {
  const what =
    event === 'decide_extension' ? (body.approve ? '已同意延期' : '已不同意延期') : event === 'decide_criticism' ? (body.approve ? '已同意通报批评' : '已不同意通报批评') : `已${EVENT_LABELS[event]}`;
  return `${what}：案件 ${caseNo}，${result.statusLabel}${result.documents.length ? `；文书 ${result.documents.join('、')}` : ''}。`;
}

/** Replaces the citizen's own contact details, and any phone, ID number or email, in a text staff did not ask to reveal. */
function scrubber(contact: { name?: string; phone?: string; email?: string; idNumber?: string }): (text: string) => string {
  return (text) => {
    let t = redactText(text);
    if (contact.name && Array.from(contact.name).length >= 2) t = t.split(contact.name).join(maskName(contact.name));
    if (contact.phone) t = t.split(contact.phone).join(maskPhone(contact.phone));
    if (contact.email) t = t.split(contact.email).join(maskEmail(contact.email));
    if (contact.idNumber) t = t.split(contact.idNumber).join(maskIdNumber(contact.idNumber));
    return t;
  };
}

interface CaseExtra {
  returnDeadline: string | null;
  unitReceivedAt: Date | null;
  extensionRequest: Record<string, unknown> | null;
  feedback: Record<string, unknown> | null;
  reply: Record<string, unknown> | null;
  satisfaction: string | null;
  remindersTotal: number;
  channelName: string | null;
}

/**
 * The working desks of the console: the mailbox staff's 受理台 (new cases) and 督办 board, a
 * handling unit's own cases, and the case page where every workflow step is taken — through the
 * same WorkflowService the API's POST /api/v1/cases/{caseNo}/actions/{event} uses, so the
 * transition table, deadlines and documents are the same. A unit sees only its own cases (404
 * otherwise, as in the API). Feedback may carry attachments (multipart, src/cases/attachments.ts).
 */
@ApiExcludeController()
@UseFilters(ConsoleExceptionFilter)
@Controller('console')
export class ConsoleDeskController {
  private readonly logger = new Logger(ConsoleDeskController.name);
  private readonly attachments: CaseAttachments;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly cases: CasesService,
    private readonly caseRepo: CaseRepository,
    private readonly workflow: WorkflowService,
    private readonly calendar: CalendarService,
    private readonly registry: ChannelRegistry,
    private readonly cipher: PiiCipher,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
  ) {
    this.attachments = new CaseAttachments(db);
  }

  private today(): string {
    return localDate(this.clock.now(), this.config.timeZone);
  }

  /** The case, if this user may see it: a unit only its own (404 otherwise, like the API). */
  private async caseFor(caseNo: string, user: Principal): Promise<CaseRow> {
    const row = await this.caseRepo.byCaseNo(caseNo);
    if (!row || (user.role === 'unit' && !unitMayAccess(row, user.unit))) throw new NotFoundException(`未找到案件 ${caseNo}。`);
    return row;
  }

  // ── 受理台 ────────────────────────────────────────────────────────────────────────────────

  @Roles('admin', 'staff')
  @Get('desk')
  async desk(@Query('page') pageRaw: string | undefined, @CurrentUser() user: Principal, @Req() req: Request, @Res() res: Response): Promise<void> {
    const page = /^\d{1,5}$/.test(pageRaw ?? '') && Number(pageRaw) >= 1 ? Number(pageRaw) : 1;
    const [rows, [{ n }]] = await Promise.all([
      this.db.query(
        `SELECT c.case_no AS "caseNo", coalesce(ch.name, c.channel_id) AS "channelName", c.title, c.category, c.received_at AS "receivedAt",
                o.case_no AS "duplicateOf",
                coalesce((SELECT array_agg(d.case_no ORDER BY d.id) FROM cases d WHERE d.duplicate_of = c.id), '{}') AS duplicates
           FROM cases c LEFT JOIN channel ch ON ch.id = c.channel_id LEFT JOIN cases o ON o.id = c.duplicate_of
          WHERE c.status = 'new' ORDER BY c.received_at, c.id LIMIT $1 OFFSET $2`,
        [DESK_PAGE_SIZE, (page - 1) * DESK_PAGE_SIZE],
      ),
      this.db.query(`SELECT count(*)::int AS n FROM cases WHERE status = 'new'`),
    ]);
    const items = (rows as DeskRow[]).map((r) => ({ ...r, title: redactText(r.title) }));
    res.type('html').send(consoleLayout('受理台', deskBody(items, page, DESK_PAGE_SIZE, n), pageOf(req, user, this.config, '/console/desk'), flashFrom(req, res)));
  }

  // ── 督办 ──────────────────────────────────────────────────────────────────────────────────

  @Roles('admin', 'staff', 'leader')
  @Get('supervision')
  async supervision(@CurrentUser() user: Principal, @Req() req: Request, @Res() res: Response): Promise<void> {
    const page = pageOf(req, user, this.config, '/console/supervision');
    const today = this.today();
    const cal = await this.calendar.calendar();
    let nextWorkday: string | null = null;
    let calendarProblem: string | undefined;
    try {
      nextWorkday = cal.nextWorkday(today);
    } catch (err) {
      calendarProblem = `工作日历未覆盖下一个工作日所在年份，请管理员录入（${(err as Error).message}）。`;
    }
    const openRow = `c.case_no AS "caseNo", c.title, c.handling_unit AS unit, to_char(c.deadline, 'YYYY-MM-DD') AS deadline, c.reminders_total AS "remindersTotal"`;
    const since = new Date(this.clock.now().getTime() - 30 * 86_400_000);
    const [dueToday, dueNext, overdue, remindedTwice, extensions, returned, duplicates] = await Promise.all([
      this.db.query(`SELECT ${openRow} FROM cases c WHERE ${OPEN} AND c.deadline = $1::date ORDER BY c.id`, [today]),
      nextWorkday
        ? this.db.query(`SELECT ${openRow} FROM cases c WHERE ${OPEN} AND c.deadline > $1::date AND c.deadline <= $2::date ORDER BY c.deadline, c.id`, [today, nextWorkday])
        : Promise.resolve([]),
      this.db.query(`SELECT ${openRow} FROM cases c WHERE ${OPEN} AND c.deadline < $1::date ORDER BY c.deadline, c.id LIMIT 500`, [today]),
      this.db.query(`SELECT ${openRow} FROM cases c WHERE ${OPEN} AND c.reminders_total >= 2 ORDER BY c.reminders_total DESC, c.deadline, c.id LIMIT 500`),
      this.db.query(
        `SELECT c.case_no AS "caseNo", c.title, coalesce(c.extension_request ->> 'unit', c.handling_unit) AS unit,
                c.extension_request ->> 'currentDeadline' AS "currentDeadline", c.extension_request ->> 'newDeadline' AS "newDeadline",
                c.extension_request ->> 'basis' AS basis, c.extension_request ->> 'reason' AS reason, c.extension_request ->> 'docNo' AS "docNo"
           FROM cases c WHERE ${OPEN} AND c.extension_request ->> 'status' = 'pending' ORDER BY c.extension_request ->> 'at', c.id`,
      ),
      this.db.query(
        `SELECT c.case_no AS "caseNo", c.title, e.data ->> 'unit' AS unit, e.at, e.reason
           FROM cases c CROSS JOIN LATERAL (
                  SELECT type, at, reason, data FROM case_event WHERE case_id = c.id AND type = ANY($1::text[]) ORDER BY at DESC, id DESC LIMIT 1) e
          WHERE c.status = 'accepted' AND e.type = 'return' ORDER BY e.at, c.id LIMIT 500`,
        [[...CASE_EVENTS]],
      ),
      this.db.query(
        `SELECT c.case_no AS "caseNo", c.title, o.case_no AS "duplicateOf", coalesce(e.at, c.received_at) AS at
           FROM cases c JOIN cases o ON o.id = c.duplicate_of
           LEFT JOIN LATERAL (SELECT at FROM case_event WHERE case_id = c.id AND type = 'duplicate_of' ORDER BY id DESC LIMIT 1) e ON true
          WHERE c.duplicate_of IS NOT NULL AND coalesce(e.at, c.received_at) >= $1 ORDER BY at DESC LIMIT 500`,
        [since],
      ),
    ]);
    const overdueRows = (overdue as OpenCaseRow[]).map((r) => {
      let days: number | undefined;
      try {
        days = workdaysOverdue(r.deadline!, today, cal);
      } catch {
        calendarProblem ??= '工作日历未覆盖部分年份，超期工作日无法计算，请管理员录入。';
      }
      return { ...r, workdaysOverdue: days };
    });
    const clean = <T extends { title: string }>(rows: T[]) => rows.map((r) => ({ ...r, title: redactText(r.title) }));
    const body = supervisionBody({
      today,
      nextWorkday,
      calendarProblem,
      dueToday: clean(dueToday),
      dueNext: clean(dueNext),
      overdue: clean(overdueRows),
      remindedTwice: clean(remindedTwice),
      extensions: clean(extensions),
      returned: clean(returned),
      duplicates: clean(duplicates),
      mayDecide: transition('transferred', 'decide_extension', user.role).ok,
      csrf: page.csrf,
    });
    res.type('html').send(consoleLayout('督办', body, page, flashFrom(req, res)));
  }

  // ── 本单位案件 ─────────────────────────────────────────────────────────────────────────────

  @Roles('unit')
  @Get('unit')
  async unitDesk(@CurrentUser() user: Principal, @Req() req: Request, @Res() res: Response): Promise<void> {
    const unit = user.unit ?? '';
    const today = this.today();
    const rows: {
      caseNo: string; title: string; status: string; leadUnit: string | null; unitReceivedAt: Date | null; deadline: string | null;
      returnDeadline: string | null; extension: Record<string, unknown> | null; feedback: Record<string, unknown> | null; signed: boolean;
    }[] = unit
      ? await this.db.query(
          `SELECT c.case_no AS "caseNo", c.title, c.status, c.lead_unit AS "leadUnit", c.unit_received_at AS "unitReceivedAt",
                  to_char(c.deadline, 'YYYY-MM-DD') AS deadline, to_char(c.return_deadline, 'YYYY-MM-DD') AS "returnDeadline",
                  c.extension_request AS extension, c.feedback,
                  EXISTS (SELECT 1 FROM case_event s WHERE s.case_id = c.id AND s.type = 'sign' AND s.data ->> 'unit' = $1
                           AND s.id > coalesce((SELECT max(t.id) FROM case_event t WHERE t.case_id = c.id AND t.type IN ('transfer', 'coordinate')), 0)) AS signed
             FROM cases c
            WHERE ${visibleToUnitSql(1)} AND c.status IN ('transferred', 'coordinating', 'feedback')
            ORDER BY c.deadline NULLS LAST, c.id LIMIT 1000`,
          [unit],
        )
      : [];
    const data = { unit: unit || '（账号未关联单位）', toSign: [] as UnitCaseRow[], inHand: [] as UnitCaseRow[], extensionPending: [] as UnitCaseRow[], fedBack: [] as UnitCaseRow[] };
    for (const r of rows) {
      const row: UnitCaseRow = {
        caseNo: r.caseNo,
        title: redactText(r.title),
        status: r.status,
        statusLabel: statusLabel(r.status),
        lead: r.leadUnit === unit,
        unitReceivedAt: r.unitReceivedAt,
        deadline: r.deadline,
        returnDeadline: r.returnDeadline,
        mayReturn: r.status === 'transferred' && !!r.returnDeadline && today <= r.returnDeadline,
        extensionTo: (r.extension?.newDeadline as string | undefined) ?? null,
        feedbackAt: (r.feedback?.at as string | undefined) ?? null,
      };
      if (r.status === 'feedback') data.fedBack.push(row);
      else if (r.extension?.status === 'pending') data.extensionPending.push(row);
      else if (!r.signed) data.toSign.push(row);
      else data.inHand.push(row);
    }
    res.type('html').send(consoleLayout('本单位案件', unitDeskBody(data), pageOf(req, user, this.config, '/console/unit'), flashFrom(req, res)));
  }

  // ── 案件 ──────────────────────────────────────────────────────────────────────────────────

  @Roles('admin', 'staff', 'leader', 'unit')
  @Get('cases/:caseNo')
  async casePage(@Param('caseNo') caseNo: string, @CurrentUser() user: Principal, @Req() req: Request, @Res() res: Response): Promise<void> {
    const html = await this.renderCase(caseNo, user, req, false, flashFrom(req, res));
    res.set('Cache-Control', 'no-store').type('html').send(html);
  }

  /** 显示联系方式: the page once with the contact details (audited, like the API's reveal=citizen). */
  @Roles('admin', 'staff')
  @Post('cases/:caseNo/reveal')
  async reveal(@Param('caseNo') caseNo: string, @CurrentUser() user: Principal, @Req() req: Request, @Res() res: Response): Promise<void> {
    const html = await this.renderCase(caseNo, user, req, true);
    res.status(200).set('Cache-Control', 'no-store').type('html').send(html);
  }

  private async renderCase(caseNo: string, user: Principal, req: Request, reveal: boolean, flash?: { text: string; error?: boolean }): Promise<string> {
    const page = pageOf(req, user, this.config);
    // The API's own read: the unit rule (404), masking, and the audited reveal.
    const detail = await this.cases.detail(caseNo, user, reveal);
    const row = (await this.caseRepo.byCaseNo(caseNo))!;
    const [[extra], attachments, signed, pendingCriticisms] = await Promise.all([
      this.db.query(
        `SELECT to_char(c.return_deadline, 'YYYY-MM-DD') AS "returnDeadline", c.unit_received_at AS "unitReceivedAt",
                c.extension_request AS "extensionRequest", c.feedback, c.reply, c.satisfaction, c.reminders_total AS "remindersTotal", ch.name AS "channelName"
           FROM cases c LEFT JOIN channel ch ON ch.id = c.channel_id WHERE c.id = $1`,
        [row.id],
      ) as Promise<CaseExtra[]>,
      this.attachments.list(row.id),
      this.db.query(
        `SELECT data ->> 'unit' AS unit, at FROM case_event
          WHERE case_id = $1 AND type = 'sign' AND id > coalesce((SELECT max(id) FROM case_event WHERE case_id = $1 AND type IN ('transfer', 'coordinate')), 0)
          ORDER BY id`,
        [row.id],
      ) as Promise<{ unit: string; at: Date }[]>,
      this.db.query(`SELECT doc_no AS "docNo" FROM case_document WHERE case_id = $1 AND kind = 'criticism' AND NOT (data ? 'decision') ORDER BY id`, [row.id]) as Promise<
        { docNo: string }[]
      >,
    ]);
    const scrub = reveal ? (t: string) => t : scrubber(this.plainContact(row));
    const scrubObj = (o: Record<string, unknown> | null, keys: string[]) => (o ? { ...o, ...Object.fromEntries(keys.filter((k) => typeof o[k] === 'string').map((k) => [k, scrub(o[k] as string)])) } : null);

    const status = detail.status;
    const today = this.today();
    const ext = extra.extensionRequest;
    const pendingExt = ext && ext.status === 'pending' ? ext : null;
    const signedByMe = !!user.unit && signed.some((s) => s.unit === user.unit);
    const isLead = status !== 'coordinating' || row.leadUnit === user.unit;
    const events = isCaseStatus(status)
      ? allowedEvents(status, user.role).filter((e) => {
          if (CITIZEN_ONLY.has(e)) return false;
          if (e === 'sign') return !signedByMe;
          if (e === 'return') return this.config.workflow.lateReturn === 'mark' || (!!extra.returnDeadline && today <= extra.returnDeadline);
          if (e === 'request_extension') return isLead && !pendingExt && !!row.deadline && today <= row.deadline;
          if (e === 'submit_feedback') return isLead;
          if (e === 'decide_extension') return !!pendingExt;
          if (e === 'decide_criticism') return pendingCriticisms.length > 0;
          return true;
        })
      : [];
    const excludedChannels = events.includes('refer')
      ? (await this.registry.all()).filter((c) => c.disposition === 'excluded').map((c) => ({ id: c.id, name: c.name, referTo: c.referTo?.unit ?? null }))
      : [];
    const units = events.includes('transfer') || events.includes('coordinate') ? await this.knownUnits() : [];
    const ctx: FormContext = {
      caseNo: detail.caseNo,
      status,
      csrf: page.csrf,
      today,
      units,
      excludedChannels,
      extension: pendingExt
        ? {
            newDeadline: String(pendingExt.newDeadline ?? ''),
            currentDeadline: String(pendingExt.currentDeadline ?? ''),
            basis: scrub(String(pendingExt.basis ?? '')),
            reason: scrub(String(pendingExt.reason ?? '')),
            docNo: String(pendingExt.docNo ?? ''),
            unit: pendingExt.unit ? String(pendingExt.unit) : undefined,
          }
        : null,
      pendingCriticisms: pendingCriticisms.map((d) => d.docNo),
      returnDeadline: extra.returnDeadline,
      deadline: row.deadline,
    };
    const view: CaseView = {
      caseNo: detail.caseNo,
      receiptNo: detail.receiptNo,
      channelName: extra.channelName ?? detail.channelId,
      title: scrub(detail.title),
      content: scrub(detail.content),
      status,
      statusLabel: detail.statusLabel,
      category: detail.category,
      domain: detail.domain,
      isPublic: detail.isPublic,
      receivedAt: detail.receivedAt,
      handlingUnit: row.handlingUnit,
      leadUnit: row.leadUnit,
      responsibleUnits: row.responsibleUnits,
      deadline: row.deadline,
      returnDeadline: extra.returnDeadline,
      unitReceivedAt: extra.unitReceivedAt,
      remindersTotal: extra.remindersTotal,
      extension: scrubObj(ext, ['basis', 'reason']),
      feedback: scrubObj(extra.feedback, ['result']),
      reply: scrubObj(extra.reply, ['content']),
      satisfaction: extra.satisfaction,
      citizen: detail.citizen,
      revealed: reveal,
      mayReveal: user.role === 'admin' || user.role === 'staff',
      mayLinkDuplicates: user.role === 'admin' || user.role === 'staff',
      duplicateOf: detail.duplicateOf,
      duplicates: detail.duplicates,
      documents: detail.documents,
      attachments,
      timeline: detail.timeline.map((e) => ({
        type: e.type,
        at: e.at,
        actor: e.actor,
        actorRole: e.actorRole,
        reason: e.reason === null ? null : scrub(e.reason),
        data: scrubObj(e.data, ['basis', 'content', 'result', 'comment']) ?? {},
      })),
      signed,
      csrf: page.csrf,
    };
    const forms = events.map((e) => stepForm(e, ctx)).filter(Boolean);
    return consoleLayout(`案件 ${detail.caseNo}`, caseBody(view, forms, unitsDatalist(units)), page, flash);
  }

  /** Units for the 转办 datalist: unit accounts and the departments of the channel table. */
  private async knownUnits(): Promise<string[]> {
    const rows: { unit: string }[] = await this.db.query(
      `SELECT unit FROM staff_user WHERE role = 'unit' AND unit IS NOT NULL AND NOT disabled
        UNION SELECT unit FROM channel WHERE disposition IN ('redirected', 'retained', 'closed')
        ORDER BY 1 LIMIT 500`,
    );
    return rows.map((r) => r.unit);
  }

  /** One workflow step from a console form, through WorkflowService (the API's own path). */
  /** 并单 by hand, from the case page (mailbox staff). */
  @Roles('admin', 'staff')
  @Post('cases/:caseNo/duplicate')
  async linkDuplicate(@Param('caseNo') caseNo: string, @Body() form: Record<string, unknown>, @CurrentUser() user: Principal, @Res() res: Response): Promise<void> {
    await this.duplicateStep(res, caseNo, () => this.cases.linkDuplicate(caseNo, { of: form?.of, reason: form?.reason }, user), `${caseNo} 已并入 ${String(form?.of ?? '').trim()}。`);
  }

  /** 拆分: undoes a 并单, from the case page (mailbox staff). */
  @Roles('admin', 'staff')
  @Post('cases/:caseNo/split')
  async splitDuplicate(@Param('caseNo') caseNo: string, @Body() form: Record<string, unknown>, @CurrentUser() user: Principal, @Res() res: Response): Promise<void> {
    await this.duplicateStep(res, caseNo, () => this.cases.splitDuplicate(caseNo, { reason: form?.reason }, user), `${caseNo} 已拆分，单独办理。`);
  }

  /** Runs a 并单/拆分 and comes back to the case page with what happened (a refusal in words). */
  private async duplicateStep(res: Response, caseNo: string, step: () => Promise<unknown>, done: string): Promise<void> {
    try {
      await step();
      redirectWithFlash(res, casePath(caseNo), done);
    } catch (err) {
      if (err instanceof HttpException && [400, 409].includes(err.getStatus())) {
        return redirectWithFlash(res, casePath(caseNo), refusalText(err, '并单'), true);
      }
      throw err;
    }
  }

  @Roles('admin', 'staff', 'leader', 'unit')
  @Post('cases/:caseNo/actions/:event')
  async act(
    @Param('caseNo') caseNo: string,
    @Param('event') event: string,
    @Body() form: Record<string, unknown>,
    @CurrentUser() user: Principal,
    @Res() res: Response,
  ): Promise<void> {
    if (!isCaseEvent(event) || CITIZEN_ONLY.has(event)) throw new NotFoundException(`没有“${event}”这项办理操作。`);
    const next = typeof form?.next === 'string' && BACK_PAGES.has(form.next) ? form.next : casePath(caseNo);
    const body = stepBody(event, form);
    try {
      const result = await this.workflow.act(caseNo, event, body, actorOf(user));
      // A unit that has just returned the case no longer sees it: back to its own list.
      const gone = user.role === 'unit' && next === casePath(caseNo) && !unitMayAccess((await this.caseRepo.byCaseNo(caseNo)) ?? { handlingUnit: null, leadUnit: null, responsibleUnits: null }, user.unit);
      redirectWithFlash(res, gone ? '/console/unit' : next, successText(event, caseNo, result, body));
    } catch (err) {
      // Refusals come back as a message on the page; a case the user may not see stays a 404.
      if (err instanceof HttpException && [400, 403, 409].includes(err.getStatus())) {
        return redirectWithFlash(res, next, refusalText(err, EVENT_LABELS[event]), true);
      }
      throw err;
    }
  }

  /**
   * 反馈 with attachments (multipart/form-data): the files are read and checked first (count,
   * size, type by their bytes), then the step runs through WorkflowService, and only when it was
   * accepted are the files stored, linked to the step's timeline row. A refused step or a refused
   * file stores nothing.
   */
  @Roles('admin', 'staff', 'leader', 'unit')
  @Post('cases/:caseNo/feedback')
  async feedback(@Param('caseNo') caseNo: string, @CurrentUser() user: Principal, @Req() req: Request, @Res() res: Response): Promise<void> {
    const back = casePath(caseNo);
    const row = await this.caseFor(caseNo, user);
    // The table first: a step the user may not take now reads no file.
    const t = isCaseStatus(row.status) ? transition(row.status as CaseStatus, 'submit_feedback', user.role) : undefined;
    if (t && !t.ok) {
      req.resume();
      return redirectWithFlash(res, back, short(`未能${EVENT_LABELS.submit_feedback}：${t.message}`), true);
    }
    if (user.role === 'unit' && row.status === 'coordinating' && row.leadUnit !== user.unit) {
      req.resume();
      return redirectWithFlash(res, back, `专题协调的案件由牵头单位（${row.leadUnit}）统一反馈。`, true);
    }
    let upload;
    try {
      if (!/^multipart\/form-data\s*;/i.test(req.headers['content-type'] ?? '')) {
        throw new AttachmentError(415, '反馈表单须以 multipart/form-data 提交（请从案件页面提交）。');
      }
      upload = await readUpload(req);
    } catch (err) {
      if (!(err instanceof AttachmentError)) throw err;
      if (err.abandoned) res.set('Connection', 'close');
      const page = pageOf(req, user, this.config);
      return void res
        .status(err.status)
        .type('html')
        .send(
          consoleLayout(
            '附件未被接收',
            `<p class="flash error" role="alert">${esc(err.message)}</p><p>反馈未提交，所有附件均未保存。请返回案件页面重新提交。</p><p><a href="${esc(back)}">返回案件 ${esc(caseNo)}</a></p>`,
            page,
          ),
        );
    }
    const body = { result: upload.fields.result };
    try {
      await this.workflow.act(caseNo, 'submit_feedback', body, actorOf(user));
    } catch (err) {
      if (err instanceof HttpException && [400, 403, 409].includes(err.getStatus())) {
        return redirectWithFlash(res, back, `${refusalText(err, EVENT_LABELS.submit_feedback)}（附件未保存）`, true);
      }
      throw err;
    }
    try {
      await this.attachments.storeForLatestEvent(caseNo, 'submit_feedback', upload.files, user.username, this.clock.now());
    } catch (err) {
      this.logger.error({ err: (err as Error).message, caseNo }, 'feedback recorded, attachments not stored');
      return redirectWithFlash(res, back, '办理结果已反馈，但附件未能保存：请联系市长信箱工作人员补充附件。', true);
    }
    const n = upload.files.length;
    redirectWithFlash(res, back, `已反馈办理结果：案件 ${caseNo}${n ? `，附件 ${n} 个` : ''}。`);
  }

  /**
   * A printable document (转办卡, 催办通知书, 延长办理卡, 通报): the API's HTML under the API's rule,
   * except that contact details the citizen typed into the message are masked in its text, as
   * everywhere else in the console (the document prints the message in full).
   */
  @Roles('admin', 'staff', 'leader', 'unit')
  @Get('cases/:caseNo/documents/:docNo')
  async document(@Param('caseNo') caseNo: string, @Param('docNo') docNo: string, @CurrentUser() user: Principal, @Res() res: Response): Promise<void> {
    const html = await this.workflow.renderDocument(caseNo, docNo, actorOf(user));
    const row = await this.caseRepo.byCaseNo(caseNo);
    const scrub = scrubber(row ? this.plainContact(row) : {});
    res.set('Cache-Control', 'no-store').type('html').send(html.replace(/>([^<]+)</g, (_, text: string) => `>${scrub(text)}<`));
  }

  private plainContact(row: CaseRow): { name?: string; phone?: string; email?: string; idNumber?: string } {
    return {
      name: this.cipher.openOptional(row.nameSealed),
      phone: this.cipher.openOptional(row.phoneSealed),
      email: this.cipher.openOptional(row.emailSealed),
      idNumber: this.cipher.openOptional(row.idNumberSealed),
    };
  }

  /** An attachment, as a download (never rendered in the console's origin). */
  @Roles('admin', 'staff', 'leader', 'unit')
  @Get('cases/:caseNo/attachments/:id')
  async attachment(@Param('caseNo') caseNo: string, @Param('id') id: string, @CurrentUser() user: Principal, @Res() res: Response): Promise<void> {
    const row = await this.caseFor(caseNo, user);
    const file = await this.attachments.get(row.id, id);
    if (!file) throw new NotFoundException(`案件 ${caseNo} 没有编号为 ${id} 的附件。`);
    await this.audit.record(user.username, 'case.attachment_download', row.caseNo, { attachment: file.id });
    res.attachment(file.filename);
    res.set({
      'Content-Type': file.contentType,
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': "default-src 'none'; sandbox",
      'Cache-Control': 'private, no-store',
    });
    res.send(file.data);
  }
}
