import { BadRequestException, ForbiddenException, Controller, Get, Logger, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Response } from 'express';
import { CurrentUser, Principal, Roles } from '../auth/decorators';
import { sendTable } from '../exports/download';
import { Column, TableFormat } from '../exports/table-writer';
import { CityStats, Period, StatsFilter, UnitFigures } from './domain/figures';
import { calendarConflict, parseQuery, RawFilter, StatsService } from './stats.service';

const FILTER_DOCS = [
  { name: 'from', required: true, description: 'first day, YYYY-MM-DD (Asia/Shanghai)' },
  { name: 'to', required: true, description: 'last day, YYYY-MM-DD, inclusive' },
  { name: 'channel', required: false },
  { name: 'unit', required: false, description: 'cases ever transferred to this unit' },
  { name: 'category', required: false, enum: ['咨询', '反映', '投诉', '建议', '求助'] },
  { name: 'domain', required: false },
  { name: 'keyword', required: false, description: 'in the title or content' },
];

function ApiFilters(): MethodDecorator {
  return (target, key, descriptor) => {
    for (const q of FILTER_DOCS) ApiQuery(q)(target, key, descriptor);
  };
}

/** A handling unit sees the figures of its own cases only, whatever it asks for. */
export function scopedQuery(q: RawFilter, user: Principal): { period: Period; filter: StatsFilter } {
  const parsed = parseQuery(q);
  if (user.role === 'unit') {
    if (!user.unit) throw new ForbiddenException('this account belongs to no unit');
    parsed.filter.unit = user.unit;
  }
  return parsed;
}

const pct = (r: number | null) => (r === null ? null : Math.round(r * 1000) / 10);

/** The ranking as a spreadsheet: one row per unit, rates in percent. */
export const UNIT_COLUMNS: Column<UnitFigures>[] = [
  { header: '排名', value: (u) => u.rank },
  { header: '承办单位', width: 24, value: (u) => u.unit },
  { header: '转办', value: (u) => u.transferred },
  { header: '退回', value: (u) => u.returned },
  { header: '应办', value: (u) => u.due },
  { header: '已反馈', value: (u) => u.finished },
  { header: '按时反馈', value: (u) => u.onTime },
  { header: '超期未反馈', value: (u) => u.overdueOpen },
  { header: '已答复', value: (u) => u.replied },
  { header: '已评价', value: (u) => u.rated },
  { header: '满意', value: (u) => u.satisfied },
  { header: '不满意', value: (u) => u.unsatisfied },
  { header: '办理率(%)', value: (u) => pct(u.handlingRate) },
  { header: '按时办结率(%)', value: (u) => pct(u.onTimeRate) },
  { header: '回复率(%)', value: (u) => pct(u.replyRate) },
  { header: '满意率(%)', value: (u) => pct(u.satisfactionRate) },
  { header: '延期申请', value: (u) => u.extensionsRequested },
  { header: '延期批准', value: (u) => u.extensionsApproved },
  { header: '催办', value: (u) => u.reminders },
  { header: '催办通知书', value: (u) => u.reminderNotices },
  { header: '通报批评建议', value: (u) => u.criticismsProposed },
  { header: '通报批评', value: (u) => u.criticisms },
  { header: '转交督查室', value: (u) => u.supervisionReferrals },
  { header: '综合得分', value: (u) => u.score },
];

interface StatRow {
  dimension: string;
  key: string;
  label: string;
  count: number;
}

const STAT_COLUMNS: Column<StatRow>[] = [
  { header: '维度', value: (r) => r.dimension },
  { header: '项目', width: 16, value: (r) => r.key },
  { header: '名称', width: 40, value: (r) => r.label },
  { header: '件数', value: (r) => r.count },
];

/** The city statistics flattened into rows: headline counts, then each mix, then each day. */
export function statRows(s: CityStats): StatRow[] {
  const head: [string, string, number][] = [
    ['received', '收到', s.received], ['accepted', '受理', s.accepted], ['declined', '不予受理', s.declined], ['referred', '告知', s.referred],
    ['transferred', '转办', s.transferred], ['replied', '答复', s.replied], ['closed', '办结', s.closed], ['archived', '归档', s.archived],
    ['duplicates', '并单', s.duplicates],
  ];
  return [
    ...head.map(([key, label, count]) => ({ dimension: '总量', key, label, count })),
    ...s.byChannel.map((c) => ({ dimension: '渠道', ...c })),
    ...s.byCategory.map((c) => ({ dimension: '类别', ...c })),
    ...s.byDomain.map((c) => ({ dimension: '领域', ...c })),
    ...s.byDay.map((d) => ({ dimension: '日期', key: d.day, label: d.day, count: d.count })),
  ];
}

async function* each<T>(xs: T[]): AsyncGenerator<T> {
  yield* xs;
}

function tableFormat(ext: string): TableFormat {
  if (ext !== 'csv' && ext !== 'xlsx') throw new BadRequestException('the file type must be csv or xlsx');
  return ext;
}

@ApiTags('statistics')
@ApiBearerAuth()
@Controller('api/v1/stats')
export class StatsController {
  private readonly logger = new Logger(StatsController.name);

  constructor(private readonly stats: StatsService) {}

  @Roles('admin', 'staff', 'leader', 'unit')
  @Get()
  @ApiOperation({
    summary: 'Volumes, mix by channel/category/domain, time to reply in working days, duplicates and referrals of the cases received in a period',
  })
  @ApiFilters()
  city(@Query() q: RawFilter, @CurrentUser() user: Principal) {
    const { period, filter } = scopedQuery(q, user);
    return this.stats.city(period, filter).catch(calendarConflict);
  }

  @Roles('admin', 'staff', 'leader', 'unit')
  @Get('units')
  @ApiOperation({ summary: 'Unit assessment (考核): rates, acts, score and ranking, each formula stated; plus the overdue and criticised lists' })
  @ApiFilters()
  async units(@Query() q: RawFilter, @CurrentUser() user: Principal) {
    const { period, filter } = scopedQuery(q, user);
    const result = await this.stats.assessment(period, filter).catch(calendarConflict);
    // The overdue list can run to thousands in a big city: the longest 500, and the full count.
    return { ...result, overdue: result.overdue.slice(0, 500), overdueTotal: result.overdue.length };
  }

  @Roles('admin', 'staff', 'leader', 'unit')
  @Get('units.:ext')
  @ApiOperation({ summary: 'The unit ranking as CSV or XLSX (rates in percent)' })
  @ApiParam({ name: 'ext', enum: ['csv', 'xlsx'] })
  @ApiFilters()
  async unitsFile(@Param('ext') ext: string, @Query() q: RawFilter, @CurrentUser() user: Principal, @Res() res: Response) {
    const format = tableFormat(ext);
    const { period, filter } = scopedQuery(q, user);
    const { assessment } = await this.stats.assessment(period, filter).catch(calendarConflict);
    const name = `units-${period.from}-${period.to}.${format}`;
    await sendTable(res, format, { filename: name, filenameUtf8: `承办单位考核-${period.from}至${period.to}.${format}`, sheetName: '承办单位考核', columns: UNIT_COLUMNS, rows: each(assessment.units) }, this.logger, `unit ranking export by ${user.username}`);
  }

  @Roles('admin', 'staff', 'leader', 'unit')
  @Get('summary.:ext')
  @ApiOperation({ summary: 'The statistics of a period as CSV or XLSX: headline counts, mix by channel, category, domain and day' })
  @ApiParam({ name: 'ext', enum: ['csv', 'xlsx'] })
  @ApiFilters()
  async cityFile(@Param('ext') ext: string, @Query() q: RawFilter, @CurrentUser() user: Principal, @Res() res: Response) {
    const format = tableFormat(ext);
    const { period, filter } = scopedQuery(q, user);
    const stats = await this.stats.city(period, filter).catch(calendarConflict);
    const name = `stats-${period.from}-${period.to}.${format}`;
    await sendTable(res, format, { filename: name, filenameUtf8: `来信统计-${period.from}至${period.to}.${format}`, sheetName: '来信统计', columns: STAT_COLUMNS, rows: each(statRows(stats)) }, this.logger, `statistics export by ${user.username}`);
  }
}
