import { BadRequestException, Body, Controller, Get, HttpException, Inject, Logger, NotFoundException, Param, Post, Query, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { Request, Response } from 'express';
import { DataSource } from 'typeorm';
import { CATEGORIES } from '../../adapters';
import { CurrentUser, Principal, Roles } from '../auth/decorators';
import { statusLabel } from '../cases/domain/status';
import { ChannelRegistry } from '../channels/channel-registry.service';
import { Clock, localDate } from '../common/clock';
import { HUB_CONFIG } from '../config/config.module';
import { HubConfig } from '../config/env';
import { maskName, redactText } from '../crypto/masking';
import { PiiCipher } from '../crypto/pii-cipher';
import { sendTable } from '../exports/download';
import { monthPeriod, previousMonth, ReportsService } from '../reports/reports.service';
import { UNIT_COLUMNS } from '../stats/stats.controller';
import { calendarConflict, parseQuery, StatsService } from '../stats/stats.service';
import { Period } from '../stats/domain/figures';
import { Actor, WorkflowService } from '../workflow/workflow.service';
import { ConsoleExceptionFilter } from './console.filter';
import { flashFrom, pageOf, redirectWithFlash } from './console-page';
import { consoleLayout } from './layout';
import { CriticismItem, renderCriticisms } from './views/reports-criticisms';
import { renderReports } from './views/reports-list';
import { refusalText } from './views/reports-problems';
import { renderRankings } from './views/reports-rankings';

/** Where a case is shown in the console (the case page belongs to the desk and supervision pages). */
export const caseHref = (caseNo: string) => `/console/cases/${encodeURIComponent(caseNo)}`;

const actorOf = (u: Principal): Actor => ({ name: u.username, role: u.role, unit: u.unit });

const SPECIAL_FIELDS = ['title', 'from', 'to', 'keyword', 'domain', 'unit', 'channel', 'category'] as const;

/** A refusal the console explains on the next page (bad input, wrong state); anything else is an error. */
function isRefusal(err: unknown): err is HttpException {
  return err instanceof HttpException && err.getStatus() >= 400 && err.getStatus() < 500;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

async function* each<T>(xs: T[]): AsyncGenerator<T> {
  yield* xs;
}

interface CriticismRow {
  docNo: string;
  proposedAt: Date;
  data: Record<string, unknown>;
  caseNo: string;
  title: string;
  status: string;
  nameSealed: string | null;
  proposedBy: string | null;
  comment: string | null;
  supAt: Date | null;
  supBy: string | null;
  supOffice: string | null;
  supReason: string | null;
}

const CRITICISM_SELECT = `
  SELECT d.doc_no AS "docNo", d.created_at AS "proposedAt", d.data, c.case_no AS "caseNo", c.title, c.status, c.citizen_name_sealed AS "nameSealed",
         p.actor AS "proposedBy", dec.reason AS comment, sup.at AS "supAt", sup.actor AS "supBy", sup.data ->> 'office' AS "supOffice", sup.reason AS "supReason"
    FROM case_document d JOIN cases c ON c.id = d.case_id
    LEFT JOIN LATERAL (SELECT e.actor FROM case_event e WHERE e.case_id = c.id AND e.type = 'propose_criticism' AND e.data ->> 'docNo' = d.doc_no ORDER BY e.id LIMIT 1) p ON true
    LEFT JOIN LATERAL (SELECT e.reason FROM case_event e WHERE e.case_id = c.id AND e.type = 'decide_criticism' AND e.data ->> 'docNo' = d.doc_no ORDER BY e.id DESC LIMIT 1) dec ON true
    LEFT JOIN LATERAL (SELECT e.at, e.actor, e.data, e.reason FROM case_event e WHERE e.case_id = c.id AND e.type = 'refer_to_supervision' ORDER BY e.id DESC LIMIT 1) sup ON true
   WHERE d.kind = 'criticism'`;

const PAGE_SIZE = 20;

const pageOfQuery = (page: unknown) => Math.min(100_000, Math.max(1, Math.floor(Number(page ?? 1)) || 1));

/**
 * 报告与考核 for staff, administrators and city leaders: the stored 月报/专报 (read, download, ask
 * for one), the unit assessment of a period with its formulas (and as a spreadsheet), and the
 * 通报批评 proposals a leader approves or rejects. Thin: ReportsService, StatsService and
 * WorkflowService hold the rules; these routes render and translate.
 */
@ApiExcludeController()
@UseFilters(ConsoleExceptionFilter)
@Controller('console')
export class ConsoleReportsController {
  private readonly logger = new Logger(ConsoleReportsController.name);

  constructor(
    private readonly reports: ReportsService,
    private readonly stats: StatsService,
    private readonly workflow: WorkflowService,
    private readonly registry: ChannelRegistry,
    private readonly cipher: PiiCipher,
    private readonly clock: Clock,
    @InjectDataSource() private readonly db: DataSource,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
  ) {}

  // ---- 月报 / 专报 ----

  @Roles('admin', 'staff', 'leader')
  @Get('reports')
  async reportsPage(@Query('page') page: string | undefined, @CurrentUser() user: Principal, @Req() req: Request, @Res() res: Response): Promise<void> {
    const p = pageOf(req, user, this.config, '/console/reports');
    const [list, channels, label] = await Promise.all([this.reports.list({ page, pageSize: String(PAGE_SIZE) }), this.registry.all(), this.stats.channelLabels()]);
    const lastMonth = this.lastMonth();
    const body = renderReports({
      ...list,
      mayRegenerate: user.role === 'admin' || user.role === 'staff',
      csrf: p.csrf,
      defaults: { month: lastMonth.from.slice(0, 7), from: lastMonth.from, to: lastMonth.to },
      channels: channels.filter((c) => c.disposition !== 'closed' && c.disposition !== 'excluded').map((c) => ({ id: c.id, label: label(c.id) })),
      categories: CATEGORIES,
      channelLabel: label,
    });
    this.html(res, consoleLayout('月报与专报', body, p, flashFrom(req, res)));
  }

  @Roles('admin', 'staff')
  @Post('reports/monthly')
  async requestMonthly(@Body() body: Record<string, unknown>, @CurrentUser() user: Principal, @Res() res: Response): Promise<void> {
    try {
      const r = await this.reports.requestMonthly(str(body?.month).trim(), user);
      redirectWithFlash(res, '/console/reports', `已申请重新生成《${r.title}》（编号 ${r.id}），正在后台生成。`);
    } catch (err) {
      if (!isRefusal(err)) throw err;
      redirectWithFlash(res, '/console/reports', `未能生成月报：${refusalText(err)}`, true);
    }
  }

  @Roles('admin', 'staff', 'leader')
  @Post('reports/special')
  async requestSpecial(@Body() body: Record<string, unknown>, @CurrentUser() user: Principal, @Res() res: Response): Promise<void> {
    const request = Object.fromEntries(SPECIAL_FIELDS.map((k) => [k, str(body?.[k])]));
    try {
      const r = await this.reports.requestSpecial(request, user);
      redirectWithFlash(res, '/console/reports', `已申请专报《${r.title}》（编号 ${r.id}），正在后台生成。`);
    } catch (err) {
      if (!isRefusal(err)) throw err;
      redirectWithFlash(res, '/console/reports', `未能申请专报：${refusalText(err)}`, true);
    }
  }

  @Roles('admin', 'staff', 'leader')
  @Get('reports/:id/html')
  async reportHtml(@Param('id') id: string, @Res() res: Response): Promise<void> {
    const html = await this.reports.html(id).catch(inChinese);
    res.type('text/html; charset=utf-8').set('Cache-Control', 'no-store').send(html);
  }

  @Roles('admin', 'staff', 'leader')
  @Get('reports/:id/pdf')
  async reportPdf(@Param('id') id: string, @CurrentUser() user: Principal, @Res() res: Response): Promise<void> {
    const { pdf, meta } = await this.reports.pdf(id, user).catch(inChinese); // audited there, as through the API
    res
      .type('application/pdf')
      .set('Cache-Control', 'no-store')
      .set('Content-Disposition', `attachment; filename="report-${meta.id}.pdf"; filename*=UTF-8''${encodeURIComponent(`${meta.title}.pdf`)}`)
      .send(pdf);
  }

  // ---- 考核排名 ----

  @Roles('admin', 'staff', 'leader')
  @Get('rankings')
  async rankings(@Query() q: Record<string, unknown>, @CurrentUser() user: Principal, @Req() req: Request, @Res() res: Response): Promise<void> {
    const p = pageOf(req, user, this.config, '/console/reports');
    const flash = flashFrom(req, res);
    const asked = { from: str(q.from) || this.lastMonth().from, to: str(q.to) || this.lastMonth().to };
    let period: Period;
    try {
      period = parseQuery(asked).period;
    } catch (err) {
      if (!isRefusal(err)) throw err;
      res.status(400);
      return this.html(res, consoleLayout('承办单位考核排名', renderRankings({ period: asked, asked, error: refusalText(err), caseHref }), p, flash));
    }
    try {
      const [city, assessment] = await Promise.all([this.stats.city(period, {}), this.stats.assessment(period, {})]).catch(calendarConflict);
      const body = renderRankings({ period, asked, figures: { city, ...assessment }, caseHref });
      this.html(res, consoleLayout('承办单位考核排名', body, p, flash));
    } catch (err) {
      if (!isRefusal(err)) throw err;
      res.status(err.getStatus());
      this.html(res, consoleLayout('承办单位考核排名', renderRankings({ period, asked, error: refusalText(err), caseHref }), p, flash));
    }
  }

  @Roles('admin', 'staff', 'leader')
  @Get('rankings.:ext')
  async rankingsFile(@Param('ext') ext: string, @Query() q: Record<string, unknown>, @CurrentUser() user: Principal, @Res() res: Response): Promise<void> {
    if (ext !== 'csv' && ext !== 'xlsx') throw new NotFoundException('只能下载 CSV 或 Excel（xlsx）文件。');
    const last = this.lastMonth();
    const { period } = (() => {
      try {
        return parseQuery({ from: str(q.from) || last.from, to: str(q.to) || last.to });
      } catch (err) {
        throw isRefusal(err) ? new BadRequestException(refusalText(err)) : err;
      }
    })();
    const { assessment } = await this.stats.assessment(period, {}).catch(calendarConflict);
    await sendTable(
      res,
      ext,
      { filename: `units-${period.from}-${period.to}.${ext}`, filenameUtf8: `承办单位考核-${period.from}至${period.to}.${ext}`, sheetName: '承办单位考核', columns: UNIT_COLUMNS, rows: each(assessment.units) },
      this.logger,
      `console unit ranking export by ${user.username}`,
    );
  }

  // ---- 通报批评 ----

  @Roles('leader', 'staff', 'admin')
  @Get('criticisms')
  async criticisms(@Query('page') pageParam: string | undefined, @CurrentUser() user: Principal, @Req() req: Request, @Res() res: Response): Promise<void> {
    const p = pageOf(req, user, this.config, '/console/criticisms');
    const page = pageOfQuery(pageParam);
    const [pending, decided, [{ n }]] = await Promise.all([
      this.db.query(`${CRITICISM_SELECT} AND NOT (d.data ? 'decision') ORDER BY d.created_at, d.id LIMIT 500`) as Promise<CriticismRow[]>,
      this.db.query(`${CRITICISM_SELECT} AND d.data ? 'decision' ORDER BY d.data ->> 'decidedAt' DESC NULLS LAST, d.id DESC LIMIT ${PAGE_SIZE} OFFSET ${(page - 1) * PAGE_SIZE}`) as Promise<CriticismRow[]>,
      this.db.query(`SELECT count(*)::int AS n FROM case_document d WHERE d.kind = 'criticism' AND d.data ? 'decision'`) as Promise<{ n: number }[]>,
    ]);
    const body = renderCriticisms({
      pending: pending.map((r) => this.criticismItem(r)),
      decided: decided.map((r) => this.criticismItem(r)),
      decidedTotal: n,
      page,
      pageSize: PAGE_SIZE,
      isLeader: user.role === 'leader',
      csrf: p.csrf,
      caseHref,
    });
    this.html(res, consoleLayout('通报批评', body, p, flashFrom(req, res)));
  }

  /** The proposal itself, as the printable 通报（建议稿）. */
  @Roles('leader', 'staff', 'admin')
  @Get('criticisms/:docNo')
  async criticismDocument(@Param('docNo') docNo: string, @CurrentUser() user: Principal, @Res() res: Response): Promise<void> {
    const caseNo = await this.caseOfProposal(docNo);
    if (!caseNo) throw new NotFoundException('没有这份通报批评建议。');
    const html = await this.workflow.renderDocument(caseNo, docNo, actorOf(user));
    res.type('text/html; charset=utf-8').set('Cache-Control', 'no-store').send(html);
  }

  /** A leader's 批示: 同意 or 不同意通报批评, with an optional comment. */
  @Roles('leader')
  @Post('criticisms/:docNo/decision')
  async decide(@Param('docNo') docNo: string, @Body() body: Record<string, unknown>, @CurrentUser() user: Principal, @Res() res: Response): Promise<void> {
    const choice = str(body?.approve);
    const approve = choice === 'yes' || choice === 'true' ? true : choice === 'no' || choice === 'false' ? false : undefined;
    if (approve === undefined) return redirectWithFlash(res, '/console/criticisms', '请选择“同意通报批评”或“不同意通报批评”。', true);
    const caseNo = await this.caseOfProposal(docNo);
    if (!caseNo) return redirectWithFlash(res, '/console/criticisms', '没有这份通报批评建议。', true);
    const comment = str(body?.comment).trim();
    try {
      await this.workflow.act(caseNo, 'decide_criticism', { docNo, approve, ...(comment ? { comment } : {}) }, actorOf(user));
      redirectWithFlash(res, '/console/criticisms', `已批示 ${docNo}（案件 ${caseNo}）：${approve ? '同意通报批评' : '不同意通报批评'}。`);
    } catch (err) {
      if (!isRefusal(err)) throw err;
      redirectWithFlash(res, '/console/criticisms', `未能批示 ${docNo}：${refusalText(err)}`, true);
    }
  }

  /** 转交督查室: the case of a proposal goes to the supervision office for accountability. */
  @Roles('leader')
  @Post('criticisms/:docNo/supervision')
  async refer(@Param('docNo') docNo: string, @Body() body: Record<string, unknown>, @CurrentUser() user: Principal, @Res() res: Response): Promise<void> {
    const caseNo = await this.caseOfProposal(docNo);
    if (!caseNo) return redirectWithFlash(res, '/console/criticisms', '没有这份通报批评建议。', true);
    const reason = str(body?.reason).trim();
    const office = str(body?.office).trim();
    if (!reason) return redirectWithFlash(res, '/console/criticisms', '请填写转交督查室的理由。', true);
    try {
      await this.workflow.act(caseNo, 'refer_to_supervision', { reason, ...(office ? { office } : {}) }, actorOf(user));
      redirectWithFlash(res, '/console/criticisms', `案件 ${caseNo} 已转交${office || '市政府督查室'}。`);
    } catch (err) {
      if (!isRefusal(err)) throw err;
      redirectWithFlash(res, '/console/criticisms', `未能转交督查室：${refusalText(err)}`, true);
    }
  }

  // ---- helpers ----

  /** The month before today's (Asia/Shanghai), the default period of the rankings. */
  private lastMonth(): Period {
    return monthPeriod(previousMonth(localDate(this.clock.now(), this.config.timeZone)));
  }

  private async caseOfProposal(docNo: string): Promise<string | undefined> {
    if (!/^[A-Z]{2}\d{8}-\d{1,12}$/.test(docNo)) return undefined;
    const rows: { caseNo: string }[] = await this.db.query(
      `SELECT c.case_no AS "caseNo" FROM case_document d JOIN cases c ON c.id = d.case_id WHERE d.doc_no = $1 AND d.kind = 'criticism'`,
      [docNo],
    );
    return rows[0]?.caseNo;
  }

  private criticismItem(r: CriticismRow): CriticismItem {
    const name = this.cipher.openOptional(r.nameSealed);
    const title = redactText(r.title);
    const num = (v: unknown) => (typeof v === 'number' ? v : null);
    const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null);
    return {
      docNo: r.docNo,
      caseNo: r.caseNo,
      title: name && name.length >= 2 ? title.split(name).join(maskName(name)) : title,
      caseStatus: r.status,
      caseStatusLabel: statusLabel(r.status),
      unit: text(r.data.unit),
      deadline: text(r.data.deadline),
      workdaysOverdue: num(r.data.workdaysOverdue),
      reminders: num(r.data.remindersSent),
      proposedAt: r.proposedAt,
      proposedBy: r.proposedBy,
      decision: text(r.data.decision),
      decidedBy: text(r.data.decidedBy),
      decidedAt: text(r.data.decidedAt),
      comment: r.comment,
      supervision: r.supAt ? { at: r.supAt, by: r.supBy ?? '', office: r.supOffice, reason: r.supReason } : null,
    };
  }

  private html(res: Response, page: string): void {
    res.type('text/html; charset=utf-8').set('Cache-Control', 'no-store').send(page);
  }
}

/** The report service's refusals (no such report, not ready yet), said in Chinese on the error page. */
function inChinese(err: unknown): never {
  if (isRefusal(err)) throw new HttpException(refusalText(err), err.getStatus());
  throw err;
}
