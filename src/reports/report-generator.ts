import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Clock } from '../common/clock';
import { HUB_CONFIG } from '../config/config.module';
import { HubConfig } from '../config/env';
import { ReportDocument } from '../stats/domain/figures';
import { StatsService } from '../stats/stats.service';
import { PdfRenderer } from './render/pdf-renderer';
import { renderReportHtml } from './render/report-html';
import { ReportMeta, ReportRepository } from './report.repository';

const STEPS = ['统计来信', '考核承办单位', '趋势与典型案例', '排版', '生成PDF'] as const;

function describeFilter(m: ReportMeta): string {
  const f = m.filter;
  const parts = [f.keyword && `关键词“${f.keyword}”`, f.domain && `领域“${f.domain}”`, f.category && `类别“${f.category}”`, f.unit && `承办单位“${f.unit}”`, f.channel && `渠道 ${f.channel}`];
  return parts.filter(Boolean).join('，') || '全部留言';
}

/**
 * Builds a stored report in steps — figures, HTML, PDF — saving each, so a retried job (after a
 * crash or a Chromium failure) resumes after the last step saved. The figures depend only on
 * the period, the filter and the timelines up to the period's end.
 */
@Injectable()
export class ReportGenerator implements OnApplicationShutdown {
  private readonly logger = new Logger(ReportGenerator.name);
  private readonly pdf: PdfRenderer;

  constructor(
    private readonly repo: ReportRepository,
    private readonly stats: StatsService,
    private readonly clock: Clock,
    @Inject(HUB_CONFIG) config: HubConfig,
  ) {
    this.pdf = new PdfRenderer({ executablePath: config.reports.chromiumPath });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pdf.close().catch(() => undefined);
  }

  /** Runs (or resumes) one report; returns what it did. Throws to let the job retry. */
  async generate(id: string, final: boolean): Promise<string> {
    const started = Date.now();
    const meta = await this.repo.meta(id);
    if (!meta) return `report ${id} no longer exists`;
    const state = await this.repo.start(id, this.clock.now());
    if (!state) return meta.summary ?? `report ${id} was already done`;
    try {
      let doc = state.hasDocument ? await this.repo.document(id) : null;
      if (!doc) {
        doc = await this.build(meta);
        await this.repo.saveDocument(id, doc);
      }
      let html = state.hasHtml ? await this.repo.html(id) : null;
      if (html === null) {
        await this.repo.progress(id, { step: STEPS[3], done: 3, total: STEPS.length });
        html = renderReportHtml(doc);
        await this.repo.saveHtml(id, html);
      }
      await this.repo.progress(id, { step: STEPS[4], done: 4, total: STEPS.length });
      const { pdf, pages } = await this.pdf.render(html);
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      const summary =
        `${meta.title}：${doc.period.from} 至 ${doc.period.to}，${describeFilter(meta)}；收到留言 ${doc.stats.received} 件，答复 ${doc.stats.replied} 件，` +
        `考核承办单位 ${doc.assessment.units.length} 个，超期 ${doc.overdueTotal ?? doc.overdue.length} 件，通报批评 ${doc.criticised.length} 件；PDF ${pages} 页；用时 ${seconds} 秒。`;
      await this.repo.progress(id, { step: '完成', done: STEPS.length, total: STEPS.length });
      await this.repo.finish(id, pdf, pages, summary, this.clock.now());
      this.logger.log({ reportId: id, pages, seconds: Number(seconds) }, 'report generated');
      return summary;
    } catch (err) {
      const message = (err as Error).message;
      await this.repo.fail(id, message, final, this.clock.now()).catch((e: Error) => this.logger.error({ reportId: id, err: e.message }, 'could not record the report failure'));
      this.logger.warn({ reportId: id, err: message, final }, final ? 'report failed' : 'report attempt failed; it will be retried');
      throw err;
    }
  }

  /** The report's figures: everything a reader sees, computed from the timelines. */
  async build(meta: ReportMeta): Promise<ReportDocument> {
    const period = { from: meta.periodFrom, to: meta.periodTo };
    const filter = meta.filter;
    let read = 0;
    await this.repo.progress(meta.id, { step: STEPS[0], done: 0, total: STEPS.length });
    const stats = await this.stats.city(period, filter, () => {
      read++;
      if (read % 20_000 === 0) void this.repo.progress(meta.id, { step: STEPS[0], done: 0, total: STEPS.length, cases: read }).catch(() => undefined);
    });
    await this.repo.progress(meta.id, { step: STEPS[1], done: 1, total: STEPS.length, cases: read });
    const { assessment, overdue, criticised } = await this.stats.assessment(period, filter);
    await this.repo.progress(meta.id, { step: STEPS[2], done: 2, total: STEPS.length, cases: read });
    const [trend, representative] = await Promise.all([this.stats.trend(period, filter), this.stats.representative(period, filter)]);
    // The renderer's title block shows the period and, for a 专报, its topic; the subtitle names the office.
    const subtitle = '运城市12345政务服务热线受理中心（市长信箱）';
    return {
      kind: meta.kind,
      title: meta.title,
      subtitle,
      period,
      filter,
      generatedAt: this.clock.now().toISOString(),
      stats,
      trend,
      assessment,
      overdue: overdue.slice(0, 200),
      overdueTotal: overdue.length,
      overdueByUnit: [...overdue.reduce((m, o) => m.set(o.unit, (m.get(o.unit) ?? 0) + 1), new Map<string, number>())]
        .map(([unit, count]) => ({ unit, count }))
        .sort((a, b) => b.count - a.count || a.unit.localeCompare(b.unit, 'zh-CN')),
      criticised,
      representative,
    };
  }
}
