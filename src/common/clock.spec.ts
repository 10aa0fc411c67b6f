/** Clock helpers: the hub's calendar day and a movable clock for tests. */
import { Clock, FixedClock, localDate, localMinutes } from './clock';

describe('localDate', () => {
  test.each<[string, string | undefined, string]>([
    ['2026-01-31T16:30:00Z', undefined, '2026-02-01'], // 00:30 in Shanghai
    ['2026-01-31T15:59:59Z', undefined, '2026-01-31'], // 23:59:59 in Shanghai
    ['2026-01-31T16:00:00Z', undefined, '2026-02-01'], // midnight in Shanghai
    ['2025-12-31T16:00:00Z', undefined, '2026-01-01'], // new year
    ['2024-02-28T16:00:00Z', undefined, '2024-02-29'], // leap day
    ['2026-06-15T03:00:00Z', undefined, '2026-06-15'],
    ['2026-01-31T16:30:00Z', 'Asia/Shanghai', '2026-02-01'],
    ['2026-01-31T16:30:00Z', 'UTC', '2026-01-31'],
    ['2026-02-01T03:00:00Z', 'America/New_York', '2026-01-31'],
  ])('%s in %s → %s', (iso, tz, expected) => {
    expect(localDate(new Date(iso), tz)).toBe(expected);
  });
});

describe('FixedClock', () => {
  const start = new Date('2026-03-02T01:00:00Z');

  test('is a Clock and starts at the given instant', () => {
    const clock = new FixedClock(start);
    expect(clock).toBeInstanceOf(Clock);
    expect(clock.now().toISOString()).toBe('2026-03-02T01:00:00.000Z');
  });

  test('does not move by itself', () => {
    const clock = new FixedClock(start);
    const a = clock.now();
    const b = clock.now();
    expect(a.getTime()).toBe(b.getTime());
  });

  test.each<[string, number, string]>([
    ['a minute', 60_000, '2026-03-02T01:01:00.000Z'],
    ['a day', 86_400_000, '2026-03-03T01:00:00.000Z'],
    ['backwards', -3_600_000, '2026-03-02T00:00:00.000Z'],
    ['zero', 0, '2026-03-02T01:00:00.000Z'],
  ])('advance(%s)', (_, ms, expected) => {
    const clock = new FixedClock(start);
    clock.advance(ms);
    expect(clock.now().toISOString()).toBe(expected);
  });

  test('advances accumulate', () => {
    const clock = new FixedClock(start);
    clock.advance(1000);
    clock.advance(2000);
    expect(clock.now().getTime()).toBe(start.getTime() + 3000);
  });

  test('set jumps to an instant', () => {
    const clock = new FixedClock(start);
    clock.advance(5000);
    clock.set(new Date('2027-01-01T00:00:00Z'));
    expect(clock.now().toISOString()).toBe('2027-01-01T00:00:00.000Z');
  });

  test('is not affected by mutating the dates it returns', () => {
    const clock = new FixedClock(start);
    clock.now().setTime(0);
    expect(clock.now().toISOString()).toBe('2026-03-02T01:00:00.000Z');
  });

  test('is not affected by mutating the date passed to set', () => {
    const clock = new FixedClock(start);
    const target = new Date('2027-01-01T00:00:00Z');
    clock.set(target);
    target.setTime(0);
    expect(clock.now().toISOString()).toBe('2027-01-01T00:00:00.000Z');
  });

  test('the real Clock tells the current time', () => {
    const before = Date.now();
    const now = new Clock().now().getTime();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
  });
});

test('FixedClock keeps its own copy of the start date', () => {
  const start = new Date('2026-05-01T00:00:00Z');
  const clock = new FixedClock(start);
  start.setTime(0);
  expect(clock.now().toISOString()).toBe('2026-05-01T00:00:00.000Z');
});

describe('localMinutes', () => {
  test.each([
    ['2026-11-26T00:30:00Z', 8 * 60 + 30],
    ['2026-11-26T16:00:00Z', 0], // local midnight: 00:00, never 24:00
    ['2026-11-26T15:59:00Z', 23 * 60 + 59],
  ])('%s is %i minutes after local midnight in Asia/Shanghai', (at, minutes) => {
    expect(localMinutes(new Date(at), 'Asia/Shanghai')).toBe(minutes);
  });
});
