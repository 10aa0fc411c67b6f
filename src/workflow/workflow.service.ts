import { BadRequestException, ConflictException, HttpException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { textField } from '../common/text-field';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { CATEGORIES } from '../../adapters';
import { unitMayAccess } from '../cases/case.repository';
import { CalendarService } from '../calendar/calendar.service';
import { UncoveredYearError } from '../calendar/domain/work-calendar';
import { ChannelRegistry } from '../channels/channel-registry.service';
import { Clock, localDate } from '../common/clock';
import { HUB_CONFIG } from '../config/config.module';
import { HubConfig } from '../config/env';
import { Notifier } from '../notify/notifier';
import { DocumentKind, renderDocument } from './documents';
import {
  canRequestExtension, canReturn, finishDeadline, returnDeadline, validateExtension, WorkdayCalendar, workdaysOverdue,
} from './domain/deadlines';
import { ActorRole, CaseEvent, CaseStatus, isCaseEvent, isCaseStatus, STATUS_LABELS, transition } from './domain/state-machine';
import { WorkflowCase, WorkflowRepository } from './workflow.repository';

export interface Actor {
  name: string;
  role: ActorRole;
  /** For unit handlers: the unit they act for. */
  unit?: string | null;
}

export interface StepResult {
  caseNo: string;
  event: CaseEvent;
  from: CaseStatus;
  to: CaseStatus;
  statusLabel: string;
  documents: string[];
}

type Body = Record<string, unknown>;

interface StepContext {
  tx: EntityManager;
  c: WorkflowCase;
  body: Body;
  actor: Actor;
  now: Date;
  today: string;
  cal: WorkdayCalendar;
  /** Changes to the case row. */
  set: Record<string, unknown>;
  /** Extra data for the timeline event. */
  data: Record<string, unknown>;
  reason?: string;
  visible: boolean;
  documents: string[];
  notices: { kind: 'transfer' | 'reminder' | 'reminder_notice' | 'criticism_proposed'; unit: string; text: string }[];
}


function day(body: Body, field: string): string {
  const v = body[field];
  if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(v)) throw new BadRequestException(`${field} must be YYYY-MM-DD`);
  return v;
}

/**
 * The case workflow of the plan's 运行机制. One step = one transaction: the case row is locked,
 * the transition table decides, the step's rule applies (deadlines on the working-day calendar,
 * documents with stable numbers), and the timeline gets its row. Archived cases never change.
 */
@Injectable()
export class WorkflowService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly repo: WorkflowRepository,
    private readonly calendar: CalendarService,
    private readonly registry: ChannelRegistry,
    private readonly notifier: Notifier,
    private readonly clock: Clock,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
  ) {}

  async act(caseNo: string, event: string, body: unknown, actor: Actor): Promise<StepResult> {
    if (!isCaseEvent(event)) throw new NotFoundException(`no workflow step "${event}"`);
    const b = (typeof body === 'object' && body !== null && !Array.isArray(body) ? body : {}) as Body;
    const cal = await this.calendar.calendar();
    const notices: StepContext['notices'] = [];
    const result = await this.db.transaction(async (tx) => {
      const c = await this.repo.lock(tx, caseNo);
      if (!c || (actor.role === 'unit' && !unitMayAccess(c, actor.unit ?? null))) throw new NotFoundException(`no case ${caseNo}`);
      const from = c.status as CaseStatus;
      if (!isCaseStatus(from)) throw new ConflictException(`case ${caseNo} has status ${c.status}, unknown to the workflow`);
      const t = transition(from, event, actor.role);
      if (!t.ok) {
        const status = t.code === 'role_not_allowed' ? 403 : 409;
        throw new HttpException({ statusCode: status, error: t.code, message: t.message }, status);
      }
      const now = this.clock.now();
      const ctx: StepContext = { tx, c, body: b, actor, now, today: localDate(now, this.config.timeZone), cal, set: {}, data: {}, visible: false, documents: [], notices };
      try {
        await this.apply(event, ctx);
      } catch (err) {
        if (err instanceof UncoveredYearError) {
          throw new ConflictException({ statusCode: 409, error: 'calendar_year_not_covered', message: err.message, year: err.year });
        }
        throw err;
      }
      const to = t.to;
      if (to !== from) ctx.set.status = to;
      if (Object.keys(ctx.set).length) await this.repo.update(tx, c.id, ctx.set, now);
      await this.repo.addEvent(tx, c.id, {
        type: event, at: now, actor: actor.name, actorRole: actor.role, fromStatus: from, toStatus: to, reason: ctx.reason ?? null,
        data: { ...ctx.data, ...(ctx.documents.length ? { documents: ctx.documents } : {}) }, visibleToCitizen: ctx.visible,
      });
      return { caseNo, event, from, to, statusLabel: STATUS_LABELS[to], documents: ctx.documents };
    });
    // After the commit, and without holding up the answer: a slow or failing SMS gateway never
    // delays or undoes a step (failures are logged for staff to phone the unit).
    for (const n of notices) void this.notifier.send({ ...n, caseNo }).catch(() => undefined);
    return result;
  }

  private async apply(event: CaseEvent, x: StepContext): Promise<void> {
    const { c, body } = x;
    if (x.actor.role === 'unit' && c.status === 'coordinating' && (event === 'submit_feedback' || event === 'request_extension') && x.actor.unit !== c.leadUnit) {
      throw new HttpException({ statusCode: 403, error: 'lead_unit_only', message: `专题协调的案件由牵头单位（${c.leadUnit}）统一反馈和申请延期。` }, 403);
    }
    switch (event) {
      case 'accept': {
        const category = textField(body, 'category', 10);
        if (!(CATEGORIES as readonly string[]).includes(category!)) throw new BadRequestException(`category must be one of ${CATEGORIES.join(' ')}`);
        x.set.category = category;
        x.set.domain = textField(body, 'domain', 50, false) ?? null;
        x.data = { category, domain: x.set.domain };
        x.visible = true;
        return;
      }
      case 'decline':
        x.reason = textField(body, 'reason', 1000);
        x.set.reply = { content: `您的留言未予受理。原因：${x.reason}`, unit: '市长信箱', at: x.now.toISOString() };
        x.visible = true;
        return;
      case 'refer': {
        const channelId = textField(body, 'channel', 64)!;
        const channel = await this.registry.get(channelId);
        if (!channel || channel.disposition !== 'excluded') throw new BadRequestException('channel must be one of the excluded channels (组织人事、纪检监察、法律诉讼、信访)');
        x.reason = textField(body, 'reason', 1000, false);
        x.set.reply = { content: channel.guidance, unit: '市长信箱', at: x.now.toISOString(), referTo: channel.referTo };
        x.data = { channel: channelId, referTo: channel.referTo };
        x.visible = true;
        return;
      }
      case 'reply': {
        const content = textField(body, 'content', 5000)!;
        const unit = (c.feedback?.unit as string | undefined) ?? '市长信箱';
        x.set.reply = { content, unit, at: x.now.toISOString() };
        x.data = { unit };
        x.visible = true;
        return;
      }
      case 'transfer': {
        const unit = textField(body, 'unit', 100)!;
        const deadline = finishDeadline(x.today, x.cal);
        const back = returnDeadline(x.today, x.cal);
        Object.assign(x.set, {
          handlingUnit: unit, leadUnit: null, responsibleUnits: null, unitReceivedAt: x.now, deadline, returnDeadline: back,
          remindersSent: 0, lastReminderDay: null, overdueNoticeAt: null, reasonReported: false, extensionRequest: null, feedback: null,
          criticismProposedAt: null, // a new assignment: the new unit is judged on its own record
        });
        x.documents.push(await this.document(x, 'transfer_card', { unit, deadline, returnDeadline: back }));
        x.data = { unit, deadline, returnDeadline: back };
        x.visible = true;
        x.notices.push({ kind: 'transfer', unit, text: `市长信箱转办案件 ${c.caseNo}，请于 ${deadline} 前办结并反馈；不属本单位职责的请于 ${back} 前退回。` });
        return;
      }
      case 'coordinate': {
        const leadUnit = textField(body, 'leadUnit', 100)!;
        const list = body.units;
        if (!Array.isArray(list) || list.some((u) => typeof u !== 'string' || !u.trim() || u.length > 100) || list.length > 30) {
          throw new BadRequestException('units must be a list of responsible units (责任单位)');
        }
        const deadline = day(body, 'deadline');
        if (deadline <= x.today) throw new BadRequestException('deadline must be after today');
        x.cal.isWorkday(deadline); // the calendar must know that year
        Object.assign(x.set, {
          handlingUnit: leadUnit, leadUnit, responsibleUnits: [...new Set(list as string[])], unitReceivedAt: x.now, deadline, returnDeadline: null,
          remindersSent: 0, lastReminderDay: null, overdueNoticeAt: null, reasonReported: false, extensionRequest: null, feedback: null,
          criticismProposedAt: null,
        });
        x.reason = textField(body, 'meeting', 1000, false);
        x.data = { leadUnit, units: x.set.responsibleUnits, deadline };
        x.visible = true;
        return;
      }
      case 'sign': {
        // 签收: the time is the event's own; a unit signs an assignment once (each unit of a
        // coordination signs for itself). A new 转办 or 专题协调 is a new assignment to sign.
        const unit = x.actor.unit ?? c.handlingUnit;
        const [signed] = await x.tx.query(
          `SELECT 1 FROM case_event WHERE case_id = $1 AND type = 'sign' AND data ->> 'unit' = $2
              AND id > coalesce((SELECT max(id) FROM case_event WHERE case_id = $1 AND type IN ('transfer', 'coordinate')), 0)`,
          [c.id, unit],
        );
        if (signed) throw new ConflictException({ statusCode: 409, error: 'already_signed', message: `${unit ?? '承办单位'}已签收此案件，无需重复签收。 This unit has already signed for the case.` });
        x.data = { unit };
        return;
      }
      case 'return': {
        const received = localDate(c.unitReceivedAt ?? x.now, this.config.timeZone);
        const late = !canReturn(received, x.today, x.cal);
        if (late && this.config.workflow.lateReturn === 'refuse') {
          throw new ConflictException({ statusCode: 409, error: 'return_window_passed', message: `退回须在 ${c.returnDeadline} 前提出（收到转办卡次日起1个工作日内）；已过期限，请按期办理或申请延期。` });
        }
        x.reason = textField(body, 'reason', 1000);
        const basis = textField(body, 'basis', 1000)!;
        x.data = { unit: c.handlingUnit, basis, late }; // late only when HUB_LATE_RETURN=mark
        Object.assign(x.set, {
          handlingUnit: null, leadUnit: null, responsibleUnits: null, deadline: null, returnDeadline: null, unitReceivedAt: null,
          remindersSent: 0, lastReminderDay: null, extensionRequest: null, reasonReported: false,
        });
        return;
      }
      case 'request_extension': {
        if (!c.deadline) throw new ConflictException('this case has no deadline to extend');
        if (c.extensionRequest?.status === 'pending') throw new ConflictException('an extension card is already waiting for a decision');
        if (!canRequestExtension(c.deadline, x.today)) {
          throw new ConflictException({ statusCode: 409, error: 'extension_too_late', message: `延长办理卡须在办理时限（${c.deadline}）届满前提交。` });
        }
        const req = { currentDeadline: c.deadline, newDeadline: String(body.newDeadline ?? ''), today: x.today, basis: String(body.basis ?? ''), reason: String(body.reason ?? '') };
        const problems = validateExtension(req, x.cal);
        if (problems.length) throw new BadRequestException({ statusCode: 400, error: 'Bad Request', message: 'the extension card is invalid', problems });
        const docNo = await this.document(x, 'extension_card', { unit: c.handlingUnit, ...req });
        x.documents.push(docNo);
        x.set.extensionRequest = { ...req, status: 'pending', docNo, unit: c.handlingUnit, at: x.now.toISOString() };
        x.set.reasonReported = true; // an extension card states the reason
        x.reason = req.reason;
        x.data = { newDeadline: req.newDeadline };
        return;
      }
      case 'decide_extension': {
        const pending = c.extensionRequest;
        if (!pending || pending.status !== 'pending') throw new ConflictException('no extension card is waiting for a decision');
        if (typeof body.approve !== 'boolean') throw new BadRequestException('approve must be true or false');
        const decision = body.approve ? '同意' : '不同意';
        x.reason = textField(body, 'comment', 1000, false);
        x.set.extensionRequest = { ...pending, status: body.approve ? 'approved' : 'rejected', decidedBy: x.actor.name, decidedAt: x.now.toISOString() };
        await this.repo.updateDocumentData(x.tx, String(pending.docNo), { decision });
        // Decided either way, the card no longer counts as the reason for being late.
        x.set.reasonReported = false;
        if (body.approve) {
          Object.assign(x.set, { deadline: pending.newDeadline, remindersSent: 0, overdueNoticeAt: null });
          x.visible = true;
        }
        x.data = { approved: body.approve, deadline: body.approve ? pending.newDeadline : c.deadline };
        return;
      }
      case 'remind': {
        const unit = c.handlingUnit ?? '';
        Object.assign(x.set, { remindersSent: c.remindersSent + 1, remindersTotal: c.remindersTotal + 1, lastReminderDay: x.today });
        x.data = { unit, deadline: c.deadline, rung: body.rung ?? null, remindersTotal: c.remindersTotal + 1 };
        x.notices.push({ kind: 'reminder', unit, text: `催办：案件 ${c.caseNo} 的办理时限为 ${c.deadline}，请按时办结并反馈。` });
        return;
      }
      case 'issue_reminder_notice': {
        const unit = c.handlingUnit ?? '';
        Object.assign(x.set, { remindersSent: c.remindersSent + 1, remindersTotal: c.remindersTotal + 1, lastReminderDay: x.today, overdueNoticeAt: x.now });
        x.documents.push(await this.document(x, 'reminder_notice', { unit, deadline: c.deadline, remindersSent: c.remindersTotal + 1 }));
        x.data = { unit, deadline: c.deadline };
        x.notices.push({ kind: 'reminder_notice', unit, text: `催办通知书：案件 ${c.caseNo} 已超过办理时限（${c.deadline}），请立即办理并反馈。` });
        return;
      }
      case 'propose_criticism': {
        const unit = c.handlingUnit ?? '';
        const overdue = c.deadline ? workdaysOverdue(c.deadline, x.today, x.cal) : 0;
        const docNo = await this.document(x, 'criticism', { unit, deadline: c.deadline, remindersSent: c.remindersTotal, workdaysOverdue: overdue });
        x.documents.push(docNo);
        x.set.criticismProposedAt = x.now;
        x.data = { unit, docNo, workdaysOverdue: overdue, decision: 'pending' };
        x.notices.push({ kind: 'criticism_proposed', unit, text: `案件 ${c.caseNo} 经两次催办仍超期 ${overdue} 个工作日，已报请市领导批示通报批评。` });
        return;
      }
      case 'decide_criticism': {
        if (typeof body.approve !== 'boolean') throw new BadRequestException('approve must be true or false');
        const docNo = textField(body, 'docNo', 40)!;
        const [doc] = await x.tx.query(`SELECT data FROM case_document WHERE doc_no = $1 AND case_id = $2 AND kind = 'criticism'`, [docNo, c.id]);
        if (!doc) throw new NotFoundException(`no criticism proposal ${docNo} on this case`);
        if (doc.data.decision) throw new ConflictException(`criticism ${docNo} was already decided`);
        const decision = body.approve ? '同意通报批评' : '不同意通报批评';
        await this.repo.updateDocumentData(x.tx, docNo, { decision, decidedBy: x.actor.name, decidedAt: x.now.toISOString() });
        x.reason = textField(body, 'comment', 1000, false);
        x.data = { docNo, approved: body.approve, unit: doc.data.unit };
        return;
      }
      case 'refer_to_supervision': {
        // 推诿扯皮、敷衍塞责: with a leader's approval the matter goes to the 督查室 for accountability.
        x.reason = textField(body, 'reason', 1000);
        const office = textField(body, 'office', 50, false) ?? '市政府督查室';
        x.data = { unit: c.handlingUnit, office };
        return;
      }
      case 'submit_feedback': {
        const result = textField(body, 'result', 5000)!;
        x.set.feedback = { result, unit: x.actor.unit ?? c.handlingUnit, by: x.actor.name, at: x.now.toISOString() };
        x.set.reasonReported = true;
        x.data = { unit: x.actor.unit ?? c.handlingUnit, onTime: !c.deadline || x.today <= c.deadline };
        x.visible = true;
        return;
      }
      case 'rate_satisfied':
      case 'rate_unsatisfied': {
        const satisfaction = String(body.satisfaction ?? '');
        if (event === 'rate_satisfied' ? !['满意', '基本满意'].includes(satisfaction) : satisfaction !== '不满意') {
          throw new BadRequestException('satisfaction must be 满意, 基本满意 or 不满意');
        }
        x.set.satisfaction = satisfaction;
        x.reason = textField(body, 'comment', 500, false);
        x.data = { satisfaction };
        x.visible = true;
        if (event === 'rate_satisfied') x.set.closedAt = x.now;
        else Object.assign(x.set, { handlingUnit: null, leadUnit: null, responsibleUnits: null, deadline: null, returnDeadline: null, feedback: null, extensionRequest: null }); // 重办
        return;
      }
      case 'close':
        x.set.closedAt = x.now;
        x.visible = true;
        return;
      case 'archive':
        x.set.archivedAt = x.now;
        x.visible = true;
        return;
    }
  }

  private async document(x: StepContext, kind: DocumentKind, data: Record<string, unknown>): Promise<string> {
    return this.repo.addDocument(x.tx, x.c.id, kind, x.today, data, x.now);
  }

  /** A document, rendered as printable HTML. Units see only their own cases' documents. */
  async renderDocument(caseNo: string, docNo: string, actor: Actor): Promise<string> {
    const rows = await this.db.query(
      `SELECT d.kind, d.data, d.created_at AS "createdAt", c.case_no AS "caseNo", c.title, c.content, c.category, c.channel_id AS "channelId",
              c.received_at AS "receivedAt", c.handling_unit AS "handlingUnit", c.lead_unit AS "leadUnit", c.responsible_units AS "responsibleUnits"
         FROM case_document d JOIN cases c ON c.id = d.case_id WHERE d.doc_no = $1 AND c.case_no = $2`,
      [docNo, caseNo],
    );
    const r = rows[0];
    const mine = !!r && (unitMayAccess(r, actor.unit ?? null) || (!!actor.unit && r.data.unit === actor.unit));
    if (!r || (actor.role === 'unit' && !mine)) throw new NotFoundException(`no document ${docNo} on case ${caseNo}`);
    const channel = await this.registry.get(r.channelId);
    return renderDocument(r.kind, docNo, { caseNo: r.caseNo, title: r.title, content: r.content, category: r.category, channelName: channel?.name ?? r.channelId, receivedAt: r.receivedAt }, r.data, r.createdAt);
  }
}
