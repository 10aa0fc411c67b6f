import { BadRequestException, ForbiddenException, HttpException, Inject, Injectable, Logger } from '@nestjs/common';
import { CATEGORIES, CitizenContact } from '../../adapters';
import { AuditService } from '../audit/audit.service';
import { Principal } from '../auth/decorators';
import { CASE_STATUSES, statusLabel } from '../cases/domain/status';
import { ChannelRegistry } from '../channels/channel-registry.service';
import { Clock } from '../common/clock';
import { HUB_CONFIG } from '../config/config.module';
import { HubConfig } from '../config/env';
import { maskCitizen, redactCitizenText } from '../crypto/masking';
import { PiiCipher } from '../crypto/pii-cipher';
import { CaseExportFilter, CaseExportRepository, CaseExportRow } from './case-export.repository';
import { Column, TableFormat } from './table-writer';

/** The query parameters of the case exports. */
export const EXPORT_PARAMS = ['channel', 'status', 'unit', 'category', 'domain', 'from', 'to', 'reveal'] as const;
export type ExportQuery = Partial<Record<string, unknown>>;

/** Roles that may export citizens' contact details in clear (audited each time), as for a single case. */
const MAY_REVEAL = new Set(['admin', 'staff']);

/** One case ready for the columns: contact details opened (and masked unless revealed), texts redacted unless revealed. */
export interface CaseExportLine {
  row: CaseExportRow;
  channel: string;
  title: string;
  content: string;
  reply: string | null;
  citizen: CitizenContact;
}

export const CASE_EXPORT_COLUMNS: Column<CaseExportLine>[] = [
  { header: '案件编号', width: 20, value: (l) => l.row.caseNo },
  { header: '受理编号', width: 20, value: (l) => l.row.receiptNo },
  { header: '渠道', width: 30, value: (l) => l.channel },
  { header: '标题', width: 30, value: (l) => l.title },
  { header: '内容', width: 60, value: (l) => l.content },
  { header: '类别', width: 8, value: (l) => l.row.category },
  { header: '领域', width: 10, value: (l) => l.row.domain },
  { header: '状态', width: 20, value: (l) => statusLabel(l.row.status) },
  { header: '承办单位', width: 20, value: (l) => l.row.handlingUnit },
  { header: '办理时限', width: 12, value: (l) => l.row.deadline },
  { header: '收到时间', width: 20, value: (l) => l.row.receivedLocal },
  { header: '是否公开', width: 10, value: (l) => (l.row.isPublic ? '是' : '否') },
  { header: '留言人', width: 10, value: (l) => l.citizen.name ?? null },
  { header: '手机', width: 14, value: (l) => l.citizen.phone ?? null },
  { header: '邮箱', width: 24, value: (l) => l.citizen.email ?? null },
  { header: '身份证号', width: 20, value: (l) => l.citizen.idNumber ?? null },
  { header: '答复', width: 60, value: (l) => l.reply },
  { header: '满意度', width: 10, value: (l) => l.row.satisfaction },
];


/** An export ready to be written: its rows (first one already fetched) and what to call the file. */
export interface PreparedExport {
  rows: AsyncIterableIterator<CaseExportLine>;
  columns: Column<CaseExportLine>[];
  format: TableFormat;
  /** ASCII, for the plain `filename=`. */
  filename: string;
  /** For `filename*=UTF-8''`. */
  filenameUtf8: string;
  /** Must be called once the export ends, however it ends: closes the rows and frees the slot. */
  finish(): Promise<void>;
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

function isDay(text: string): boolean {
  const m = DAY.exec(text);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

const stamp = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
});

/** 20261126-1830: the local (Asia/Shanghai) minute, for file names. */
export function fileStamp(at: Date): string {
  const p = Object.fromEntries(stamp.formatToParts(at).map((x) => [x.type, x.value]));
  return `${p.year}${p.month}${p.day}-${p.hour}${p.minute}`;
}

/** An iterator whose values pass through `fn`; stopping it stops the source. */
function mapRows<S, T>(source: AsyncIterator<S>, fn: (s: S) => T): AsyncIterableIterator<T> {
  return {
    async next() {
      const r = await source.next();
      return r.done ? { done: true, value: undefined } : { done: false, value: fn(r.value) };
    },
    async return() {
      await source.return?.();
      return { done: true, value: undefined };
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

/** The source with its first result already fetched, so a database that is down fails the request before the response starts. */
async function primed<T>(source: AsyncIterator<T>): Promise<AsyncIterator<T>> {
  let first: IteratorResult<T> | undefined = await source.next();
  return {
    next: () => {
      const r = first;
      first = undefined;
      return r ? Promise.resolve(r) : source.next();
    },
    return: async () => {
      first = undefined;
      return (await source.return?.()) ?? { done: true, value: undefined };
    },
  };
}

/**
 * A failure to reach PostgreSQL, worth a retry rather than a bug report: a socket error (ECONNREFUSED ...),
 * SQLSTATE class 08 (connection), 53 (too many connections) or 57P0x (shutting down), or the pool's
 * own timeouts, which carry no code.
 */
export function storeUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as Error & { code?: unknown }).code;
  if (typeof code === 'string') return /^(E[A-Z]+$|08|53|57P0)/.test(code);
  return /timeout exceeded when trying to connect|Connection terminated/i.test(err.message);
}

/** Case lists as files for mailbox staff, units and leaders (CSV, XLSX), streamed from PostgreSQL. */
@Injectable()
export class ExportsService {
  private readonly logger = new Logger(ExportsService.name);
  private running = 0;
  /**
   * Each running export holds one connection of the process's pool (HUB_DB_POOL_SIZE) for its
   * whole length: at most a quarter of the pool, so intake and case work keep theirs.
   */
  readonly maxRunning: number;

  constructor(
    private readonly repo: CaseExportRepository,
    private readonly cipher: PiiCipher,
    private readonly registry: ChannelRegistry,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    @Inject(HUB_CONFIG) config: HubConfig,
  ) {
    this.maxRunning = Math.max(1, Math.floor(config.dbPoolSize / 4));
  }

  /** Checks the query parameters; throws 400 naming the parameter. */
  parse(q: ExportQuery): { filter: CaseExportFilter; reveal: boolean } {
    const unknown = Object.keys(q).filter((k) => !(EXPORT_PARAMS as readonly string[]).includes(k));
    if (unknown.length) throw new BadRequestException(`unknown parameter ${unknown.map((k) => `"${k}"`).join(', ')}; the export takes ${EXPORT_PARAMS.join(', ')}`);
    const one = (name: (typeof EXPORT_PARAMS)[number]): string | undefined => {
      const v = q[name];
      if (v === undefined || v === '') return undefined;
      if (typeof v !== 'string') throw new BadRequestException(`${name} must be given once, as plain text`);
      if (v.length > 200) throw new BadRequestException(`${name} is too long (at most 200 characters)`);
      return v;
    };
    const filter: CaseExportFilter = {
      channel: one('channel'),
      status: one('status'),
      unit: one('unit'),
      category: one('category'),
      domain: one('domain'),
      from: one('from'),
      to: one('to'),
    };
    if (filter.status && !(CASE_STATUSES as readonly string[]).includes(filter.status)) {
      throw new BadRequestException(`status must be one of ${CASE_STATUSES.join(', ')}`);
    }
    if (filter.category && !(CATEGORIES as readonly string[]).includes(filter.category)) {
      throw new BadRequestException(`category must be one of ${CATEGORIES.join(', ')}`);
    }
    for (const name of ['from', 'to'] as const) {
      const v = filter[name];
      if (v !== undefined && !isDay(v)) throw new BadRequestException(`${name} must be a date written YYYY-MM-DD (a local day in Asia/Shanghai), not "${v}"`);
    }
    if (filter.from && filter.to && filter.from > filter.to) {
      throw new BadRequestException(`from (${filter.from}) is after to (${filter.to}); both days are included, so from must not be later than to`);
    }
    const reveal = one('reveal');
    if (reveal !== undefined && reveal !== 'citizen') throw new BadRequestException('reveal must be "citizen" (or left out)');
    return { filter, reveal: reveal === 'citizen' };
  }

  /**
   * Everything that can fail with a clear answer happens here, before the response starts:
   * parameters (400), the right to reveal (403), the audit entries, a free slot (503), and the
   * first fetch from PostgreSQL (503 when it is away).
   */
  async prepare(format: TableFormat, q: ExportQuery, user: Principal): Promise<PreparedExport> {
    const { filter, reveal } = this.parse(q);
    if (reveal && !MAY_REVEAL.has(user.role)) throw new ForbiddenException('your role may not export citizens’ contact details (reveal=citizen is for mailbox staff and administrators)');
    if (filter.channel && !(await this.registry.get(filter.channel))) throw new BadRequestException(`no channel "${filter.channel}" in the channel registry`);
    if (this.running >= this.maxRunning) {
      throw new HttpException(
        { statusCode: 503, error: 'exports_busy', message: `${this.running} exports are already running on this server (at most ${this.maxRunning} at once); try again in a minute` },
        503,
      );
    }
    this.running++;
    try {
      // What was exported and by whom — never the data itself.
      const detail = { filter: { ...filter }, format, ...(user.role === 'unit' ? { unitView: user.unit } : {}) };
      await this.audit.record(user.username, 'export.cases', null, { ...detail, reveal });
      if (reveal) await this.audit.record(user.username, 'export.reveal_citizen', null, detail);

      const names = new Map((await this.registry.all()).map((c) => [c.id, c.name]));
      // A handling unit sees only the cases it handles, leads or is responsible for ('' matches none).
      const visibleToUnit = user.role === 'unit' ? (user.unit ?? '') : undefined;
      const source = await primed(this.repo.stream({ ...filter, visibleToUnit })).catch((err: unknown) => {
        if (!storeUnavailable(err)) throw err;
        this.logger.warn(`case export could not start: PostgreSQL did not answer (${(err as Error).message})`);
        throw new HttpException({ statusCode: 503, error: 'store_unavailable', message: 'the case database is not answering; try the export again in a minute' }, 503);
      });
      const rows = mapRows(source, (row) => this.line(row, names, reveal));
      const stampText = fileStamp(this.clock.now());
      let finished = false;
      return {
        rows,
        columns: CASE_EXPORT_COLUMNS,
        format,
        filename: `cases-${stampText}.${format}`,
        filenameUtf8: `案件导出-${stampText}.${format}`,
        finish: async () => {
          if (finished) return;
          finished = true;
          this.running--;
          await rows.return?.();
        },
      };
    } catch (err) {
      // Nothing is held: a source whose first fetch failed has already released its connection.
      this.running--;
      throw err;
    }
  }

  private line(row: CaseExportRow, channelNames: Map<string, string>, reveal: boolean): CaseExportLine {
    let citizen: CitizenContact;
    try {
      citizen = {
        name: this.cipher.openOptional(row.nameSealed),
        phone: this.cipher.openOptional(row.phoneSealed),
        email: this.cipher.openOptional(row.emailSealed),
        idNumber: this.cipher.openOptional(row.idNumberSealed),
      };
    } catch (err) {
      // Name the case (not personal data) so the key problem can be found.
      throw new Error(`case ${row.caseNo}: the citizen's contact details cannot be opened: ${(err as Error).message}`);
    }
    const name = channelNames.get(row.channelId);
    // Masked: contacts typed into the text, and the citizen's own name wherever the text repeats it.
    const text = (t: string) => (reveal ? t : redactCitizenText(t, citizen.name));
    return {
      row,
      channel: name ? `${name}（${row.channelId}）` : row.channelId,
      // Citizens type phone numbers into titles too.
      title: text(row.title),
      content: text(row.content),
      reply: row.reply === null ? null : text(row.reply),
      citizen: reveal ? citizen : maskCitizen(citizen),
    };
  }
}
