import { BadRequestException, ConflictException, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Principal } from '../auth/decorators';
import { officialYears } from './domain/official-years';
import { UncoveredYearError, validateYear, WorkCalendar, YearCalendar } from './domain/work-calendar';

const CACHE_MS = 5_000;

/**
 * The working-day calendar the deadlines are counted on: the official years the chinese-days
 * package knows (2025, 2026), overridden or extended by the years an administrator loads. A
 * question about a year nobody loaded is an error an operator sees, never a Monday–Friday guess.
 */
@Injectable()
export class CalendarService {
  private cached?: { at: number; calendar: WorkCalendar; years: Map<number, YearCalendar> };

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
  ) {}

  async calendar(): Promise<WorkCalendar> {
    return (await this.load()).calendar;
  }

  async year(year: number): Promise<{ year: number; covered: boolean; source: string | null; holidays: string[]; makeupWorkdays: string[] }> {
    if (!Number.isInteger(year) || year < 2000 || year > 2100) throw new BadRequestException('year must be between 2000 and 2100');
    const y = (await this.load()).years.get(year);
    return { year, covered: !!y, source: y?.source ?? null, holidays: y?.holidays ?? [], makeupWorkdays: y?.makeupWorkdays ?? [] };
  }

  async addWorkdays(from: string, days: number): Promise<{ from: string; days: number; date: string }> {
    const cal = await this.calendar();
    try {
      return { from, days, date: cal.addWorkdays(from, days) };
    } catch (err) {
      if (err instanceof UncoveredYearError) {
        throw new ConflictException({ statusCode: 409, error: 'calendar_year_not_covered', message: err.message, year: err.year });
      }
      throw new BadRequestException((err as Error).message);
    }
  }

  async putYear(year: number, body: unknown, user: Principal) {
    const checked = validateYear(body, year);
    if (!checked.ok) throw new BadRequestException({ statusCode: 400, error: 'Bad Request', message: 'the calendar year is invalid', problems: checked.problems });
    const source = typeof (body as Record<string, unknown>)?.source === 'string' ? String((body as Record<string, unknown>).source).slice(0, 200) : '管理员录入';
    await this.db.query(
      `INSERT INTO calendar_year (year, holidays, makeup_workdays, source, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, now())
       ON CONFLICT (year) DO UPDATE SET holidays = $2, makeup_workdays = $3, source = $4, updated_by = $5, updated_at = now()`,
      [year, checked.value.holidays, checked.value.makeupWorkdays, source, user.username],
    );
    await this.audit.record(user.username, 'calendar.put_year', String(year), { holidays: checked.value.holidays.length, makeupWorkdays: checked.value.makeupWorkdays.length });
    this.invalidate();
    return this.year(year);
  }

  /** Forget the cached years (after a change; other processes see it within 5 s). */
  invalidate(): void {
    this.cached = undefined;
  }

  private async load() {
    if (this.cached && Date.now() - this.cached.at < CACHE_MS) return this.cached;
    const rows: { year: number; holidays: string[]; makeup: string[]; source: string }[] = await this.db.query(
      `SELECT year, array(SELECT to_char(d, 'YYYY-MM-DD') FROM unnest(holidays) d ORDER BY d) AS holidays,
              array(SELECT to_char(d, 'YYYY-MM-DD') FROM unnest(makeup_workdays) d ORDER BY d) AS makeup, source
         FROM calendar_year`,
    );
    const years = new Map<number, YearCalendar>(officialYears().map((y) => [y.year, y]));
    for (const r of rows) years.set(r.year, { year: r.year, holidays: r.holidays, makeupWorkdays: r.makeup, source: r.source });
    this.cached = { at: Date.now(), calendar: new WorkCalendar([...years.values()]), years };
    return this.cached;
  }
}
