import { Injectable } from '@nestjs/common';

/** Time comes from here, so tests can move it. */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }
}

/** A clock for tests: starts at a given instant and moves only when told. */
export class FixedClock extends Clock {
  private current: Date;
  constructor(start: Date) {
    super();
    this.current = new Date(start.getTime());
  }
  override now(): Date {
    return new Date(this.current.getTime());
  }
  set(at: Date): void {
    this.current = new Date(at.getTime());
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

const dayFormats = new Map<string, Intl.DateTimeFormat>();

/** The calendar day (YYYY-MM-DD) of an instant in a time zone (the hub's is Asia/Shanghai). */
export function localDate(at: Date, timeZone = 'Asia/Shanghai'): string {
  // Building a DateTimeFormat costs far more than using one: keep one per zone.
  let format = dayFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dayFormats.set(timeZone, format);
  }
  return format.format(at);
}

const timeFormats = new Map<string, Intl.DateTimeFormat>();

/** Minutes since local midnight of an instant in a time zone (08:30 → 510). */
export function localMinutes(at: Date, timeZone = 'Asia/Shanghai'): number {
  let format = timeFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    timeFormats.set(timeZone, format);
  }
  const [hh, mm] = format.format(at).split(':').map(Number);
  return hh * 60 + mm;
}
