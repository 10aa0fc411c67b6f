/**
 * Working-day time limits against a small fake calendar around the 2025 National Day holiday:
 * 2025-10-01..08 off, make-up workdays Sun 2025-09-28 and Sat 2025-10-11, weekends otherwise off.
 * It knows 2025-09-28..2025-11-30 (November so the default 20-working-day extension cap fits)
 * and throws for anything else, like the real calendar does for years it does not cover.
 */
import {
  canRequestExtension,
  canReturn,
  criticismDue,
  ExtensionRequest,
  finishDeadline,
  isOverdue,
  isValidDay,
  reminderDue,
  ReminderInput,
  returnDeadline,
  validateExtension,
  WorkdayCalendar,
  workdaysOverdue,
} from './deadlines';

const FIRST = '2025-09-28';
const LAST = '2025-11-30';
const HOLIDAYS = new Set(['2025-10-01', '2025-10-02', '2025-10-03', '2025-10-04', '2025-10-05', '2025-10-06', '2025-10-07', '2025-10-08']);
const MAKEUP_WORKDAYS = new Set(['2025-09-28', '2025-10-11']);

function nextDay(d: string): string {
  const t = new Date(`${d}T00:00:00Z`);
  t.setUTCDate(t.getUTCDate() + 1);
  return t.toISOString().slice(0, 10);
}

function covered(d: string): void {
  if (d < FIRST || d > LAST) throw new Error(`fake calendar does not cover ${d}`);
}

const cal: WorkdayCalendar = {
  isWorkday(d) {
    covered(d);
    if (MAKEUP_WORKDAYS.has(d)) return true;
    if (HOLIDAYS.has(d)) return false;
    const dow = new Date(`${d}T00:00:00Z`).getUTCDay();
    return dow !== 0 && dow !== 6;
  },
  addWorkdays(from, n) {
    covered(from);
    if (n < 0) throw new Error('the fake calendar only counts forward');
    let d = from;
    for (let k = 0; k < n; ) {
      d = nextDay(d);
      if (cal.isWorkday(d)) k++;
    }
    return d;
  },
  workdaysBetween(a, b) {
    covered(a);
    covered(b);
    if (b < a) return -cal.workdaysBetween(b, a);
    let count = 0;
    for (let d = nextDay(a); d <= b; d = nextDay(d)) if (cal.isWorkday(d)) count++;
    return count;
  },
};

describe('the fake calendar itself', () => {
  test.each([
    ['2025-09-28', true],
    ['2025-09-30', true],
    ['2025-10-01', false],
    ['2025-10-08', false],
    ['2025-10-09', true],
    ['2025-10-11', true],
    ['2025-10-12', false],
    ['2025-10-18', false],
  ])('%s workday: %p', (d, expected) => {
    expect(cal.isWorkday(d)).toBe(expected);
  });
});

describe('isValidDay', () => {
  test.each([
    ['2025-10-11', true],
    ['2024-02-29', true],
    ['2025-02-29', false],
    ['2025-10-32', false],
    ['2025-13-01', false],
    ['2025-1-01', false],
    ['10/11/2025', false],
    ['2025-10-11T00:00', false],
    ['', false],
  ])('%p → %p', (d, expected) => {
    expect(isValidDay(d)).toBe(expected);
  });
});

describe('finishDeadline: 3 working days, the day of receipt not counted', () => {
  test.each([
    ['2025-09-30', '2025-10-11'], // the plan's case: across the holiday, onto the make-up Saturday
    ['2025-09-29', '2025-10-10'],
    ['2025-09-28', '2025-10-09'], // received on the make-up Sunday
    ['2025-10-03', '2025-10-11'], // received during the holiday
    ['2025-10-10', '2025-10-14'],
    ['2025-10-13', '2025-10-16'],
    ['2025-10-16', '2025-10-21'], // over a plain weekend
  ])('received %s → %s', (received, deadline) => {
    expect(finishDeadline(received, cal)).toBe(deadline);
  });

  test('calendar errors propagate', () => {
    expect(() => finishDeadline('2026-01-05', cal)).toThrow('does not cover 2026-01-05');
  });

  test('a malformed day is refused', () => {
    expect(() => finishDeadline('2025/09/30', cal)).toThrow(RangeError);
  });
});

describe('returnDeadline and canReturn: 1 working day counted from the day after receipt', () => {
  test.each([
    ['2025-09-30', '2025-10-09'],
    ['2025-10-05', '2025-10-09'],
    ['2025-10-10', '2025-10-11'],
    ['2025-10-11', '2025-10-13'],
    ['2025-10-17', '2025-10-20'],
  ])('received %s → return by %s', (received, deadline) => {
    expect(returnDeadline(received, cal)).toBe(deadline);
  });

  test.each([
    ['2025-09-30', true],
    ['2025-10-08', true],
    ['2025-10-09', true],
    ['2025-10-10', false],
    ['2025-10-13', false],
  ])('received 2025-09-30, return on %s: %p', (today, expected) => {
    expect(canReturn('2025-09-30', today, cal)).toBe(expected);
  });

  test('calendar errors propagate', () => {
    expect(() => canReturn('2026-03-02', '2026-03-02', cal)).toThrow('does not cover');
  });
});

describe('extension card (延长办理卡)', () => {
  test.each([
    ['2025-10-10', true],
    ['2025-10-11', true], // on the deadline day itself: still before it expires
    ['2025-10-12', false],
    ['2025-10-13', false],
  ])('deadline 2025-10-11, filed %s: %p', (today, expected) => {
    expect(canRequestExtension('2025-10-11', today)).toBe(expected);
  });

  const good: ExtensionRequest = {
    currentDeadline: '2025-10-11',
    newDeadline: '2025-10-17',
    today: '2025-10-10',
    basis: '《运城市集中受理网民留言工作实施方案》',
    reason: '需现场勘查并征求相关部门意见。',
  };
  const codes = (req: Partial<ExtensionRequest>, max?: number) =>
    validateExtension({ ...good, ...req }, cal, max).map((p) => `${p.field}:${p.code}`);

  test('a good card has no problems', () => {
    expect(validateExtension(good, cal)).toEqual([]);
  });

  test.each<[string, Partial<ExtensionRequest>, string[]]>([
    ['filed after the deadline', { today: '2025-10-13' }, ['today:late']],
    ['filed on the deadline day', { today: '2025-10-11' }, []],
    ['malformed filing day', { today: 'yesterday' }, ['today:invalid_date']],
    ['new deadline equal to the current one', { newDeadline: '2025-10-11' }, ['newDeadline:not_after_current']],
    ['new deadline before the current one', { newDeadline: '2025-10-09' }, ['newDeadline:not_after_current']],
    ['new deadline the next day', { newDeadline: '2025-10-12' }, []],
    ['malformed new deadline', { newDeadline: '2025-10-32' }, ['newDeadline:invalid_date']],
    ['new deadline at the default cap (20 working days: 2025-11-07)', { newDeadline: '2025-11-07' }, []],
    ['new deadline past the default cap', { newDeadline: '2025-11-10' }, ['newDeadline:too_far']],
    ['the Saturday right after the cap', { newDeadline: '2025-11-08' }, ['newDeadline:too_far']],
    ['empty basis', { basis: '' }, ['basis:required']],
    ['blank reason', { reason: ' \n\t ' }, ['reason:required']],
    ['reason of 1000 Chinese characters', { reason: '理'.repeat(1000) }, []],
    ['reason of 1001 characters', { reason: '理'.repeat(1001) }, ['reason:too_long']],
    ['basis of 1001 characters', { basis: 'x'.repeat(1001) }, ['basis:too_long']],
    [
      'everything wrong at once',
      { today: '2025-10-13', newDeadline: '2025-10-01', basis: '', reason: '' },
      ['today:late', 'newDeadline:not_after_current', 'basis:required', 'reason:required'],
    ],
  ])('%s', (_name, req, expected) => {
    expect(codes(req)).toEqual(expected);
  });

  test('the cap is a parameter, counted in working days', () => {
    expect(codes({ newDeadline: '2025-10-17' }, 5)).toEqual([]); // 13,14,15,16,17
    expect(codes({ newDeadline: '2025-10-18' }, 5)).toEqual(['newDeadline:too_far']);
    expect(codes({ newDeadline: '2025-10-13' }, 1)).toEqual([]);
    expect(codes({ newDeadline: '2025-10-14' }, 1)).toEqual(['newDeadline:too_far']);
  });

  test('problems carry bilingual messages', () => {
    const [p] = validateExtension({ ...good, today: '2025-10-13' }, cal);
    expect(p.message).toContain('届满前');
    expect(p.message).toContain('2025-10-11');
    expect(p.message).toMatch(/must be filed/);
  });

  test('calendar errors propagate', () => {
    expect(() => validateExtension({ ...good, currentDeadline: '2025-11-28', today: '2025-11-27', newDeadline: '2025-12-05' }, cal)).toThrow(
      'does not cover',
    );
  });
});

describe('overdue', () => {
  test.each([
    ['2025-10-11', '2025-10-10', false, 0],
    ['2025-10-11', '2025-10-11', false, 0],
    ['2025-10-11', '2025-10-12', true, 0], // overdue, but a Sunday is not a working day
    ['2025-10-11', '2025-10-13', true, 1],
    ['2025-10-11', '2025-10-15', true, 3],
    ['2025-10-11', '2025-10-20', true, 6],
    ['2025-09-30', '2025-10-08', true, 0], // the whole holiday counts for nothing
    ['2025-09-30', '2025-10-09', true, 1],
    ['2025-09-30', '2025-10-11', true, 3],
    ['2025-09-30', '2025-09-29', false, 0],
  ])('deadline %s, today %s: overdue %p, by %p working days', (deadline, today, overdue, days) => {
    expect(isOverdue(deadline, today)).toBe(overdue);
    expect(workdaysOverdue(deadline, today, cal)).toBe(days);
  });

  test('calendar errors propagate', () => {
    expect(() => workdaysOverdue('2025-11-28', '2025-12-01', cal)).toThrow('does not cover');
  });
});

describe('reminderDue', () => {
  const at = (h: number, m = 0) => h * 60 + m;
  const base = (over: Partial<ReminderInput>): ReminderInput => ({
    deadline: '2025-10-14',
    today: '2025-10-13',
    nowMinutes: at(10),
    remindersSent: 0,
    lastReminderDay: null,
    ...over,
  });

  test.each<[string, Partial<ReminderInput>, ReturnType<typeof reminderDue>]>([
    ['default ladder: the working day before the deadline', {}, { kind: 'reminder', rung: 0, daysBefore: 1 }],
    ['two working days before: too early', { today: '2025-10-11' }, undefined],
    ['08:29: before working hours', { nowMinutes: at(8, 29) }, undefined],
    ['08:30: working hours start', { nowMinutes: at(8, 30) }, { kind: 'reminder', rung: 0, daysBefore: 1 }],
    ['17:29: still working hours', { nowMinutes: at(17, 29) }, { kind: 'reminder', rung: 0, daysBefore: 1 }],
    ['17:30: working hours over', { nowMinutes: at(17, 30) }, undefined],
    ['03:00 at night', { nowMinutes: at(3) }, undefined],
    ['custom working hours', { nowMinutes: at(8), workingHours: { start: at(8), end: at(12) } }, { kind: 'reminder', rung: 0, daysBefore: 1 }],
    ['already reminded today', { lastReminderDay: '2025-10-13' }, undefined],
    ['the rung already sent', { today: '2025-10-14', remindersSent: 1, lastReminderDay: '2025-10-13' }, undefined],
    ['a missed rung is caught up on the deadline day', { today: '2025-10-14' }, { kind: 'reminder', rung: 0, daysBefore: 1 }],
    ['ladder [0]: not the day before', { ladder: [0] }, undefined],
    ['ladder [0]: on the deadline day', { ladder: [0], today: '2025-10-14' }, { kind: 'reminder', rung: 0, daysBefore: 0 }],
    ['empty ladder: no reminder before the deadline', { ladder: [] }, undefined],
    // Deadline Monday 2025-10-13: the working day before is the make-up Saturday.
    ['on the make-up Saturday', { deadline: '2025-10-13', today: '2025-10-11' }, { kind: 'reminder', rung: 0, daysBefore: 1 }],
    ['never on a Sunday, even if due', { deadline: '2025-10-13', today: '2025-10-12' }, undefined],
    // Deadline 2025-10-09: the working day before is 2025-09-30, before the holiday.
    ['before the holiday', { deadline: '2025-10-09', today: '2025-09-30' }, { kind: 'reminder', rung: 0, daysBefore: 1 }],
    ['never during the holiday', { deadline: '2025-10-09', today: '2025-10-05' }, undefined],
    ['too early before the holiday', { deadline: '2025-10-09', today: '2025-09-29' }, undefined],
  ])('%s', (_name, over, expected) => {
    expect(reminderDue(base(over), cal)).toEqual(expected);
  });

  describe('a three-rung ladder [2, 1, 0], deadline Thu 2025-10-16', () => {
    test.each<[string, Partial<ReminderInput>, ReturnType<typeof reminderDue>]>([
      ['Mon: too early', { today: '2025-10-13' }, undefined],
      ['Tue: rung 0', { today: '2025-10-14' }, { kind: 'reminder', rung: 0, daysBefore: 2 }],
      ['Tue again, once sent', { today: '2025-10-14', remindersSent: 1, lastReminderDay: '2025-10-14' }, undefined],
      ['Wed: rung 1', { today: '2025-10-15', remindersSent: 1, lastReminderDay: '2025-10-14' }, { kind: 'reminder', rung: 1, daysBefore: 1 }],
      ['Thu: rung 2', { today: '2025-10-16', remindersSent: 2, lastReminderDay: '2025-10-15' }, { kind: 'reminder', rung: 2, daysBefore: 0 }],
      ['Thu: all sent', { today: '2025-10-16', remindersSent: 3, lastReminderDay: '2025-10-16' }, undefined],
      ['Wed, nothing sent yet: only the earliest rung, one per day', { today: '2025-10-15' }, { kind: 'reminder', rung: 0, daysBefore: 2 }],
    ])('%s', (_name, over, expected) => {
      expect(reminderDue(base({ deadline: '2025-10-16', ladder: [2, 1, 0], ...over }), cal)).toEqual(expected);
      // The ladder's order and duplicates do not matter.
      expect(reminderDue(base({ deadline: '2025-10-16', ladder: [0, 1, 2, 1], ...over }), cal)).toEqual(expected);
    });
  });

  describe('after the deadline: one 催办通知书', () => {
    // Deadline Fri 2025-10-10; the first working day after it is the make-up Saturday.
    test.each<[string, Partial<ReminderInput>, ReturnType<typeof reminderDue>]>([
      ['the first working day after', { today: '2025-10-11', remindersSent: 1, lastReminderDay: '2025-10-09' }, { kind: 'overdue_notice' }],
      ['even without any earlier reminder', { today: '2025-10-11' }, { kind: 'overdue_notice' }],
      ['not outside working hours', { today: '2025-10-11', nowMinutes: at(18) }, undefined],
      ['not twice the same day', { today: '2025-10-11', lastReminderDay: '2025-10-11' }, undefined],
      ['not again on a later day', { today: '2025-10-13', remindersSent: 2, lastReminderDay: '2025-10-11' }, undefined],
      ['caught up on the next working day if missed', { today: '2025-10-13', remindersSent: 1, lastReminderDay: '2025-10-10' }, { kind: 'overdue_notice' }],
      ['not on the Sunday', { today: '2025-10-12' }, undefined],
      ['not when the unit reported a reason', { today: '2025-10-11', reasonReported: true }, undefined],
    ])('%s', (_name, over, expected) => {
      expect(reminderDue(base({ deadline: '2025-10-10', ...over }), cal)).toEqual(expected);
    });

    test('across the holiday: not during it, on 2025-10-09', () => {
      expect(reminderDue(base({ deadline: '2025-09-30', today: '2025-10-03' }), cal)).toBeUndefined();
      expect(reminderDue(base({ deadline: '2025-09-30', today: '2025-10-09' }), cal)).toEqual({ kind: 'overdue_notice' });
    });
  });

  test('bad input is refused', () => {
    expect(() => reminderDue(base({ ladder: [-1] }), cal)).toThrow(RangeError);
    expect(() => reminderDue(base({ remindersSent: -1 }), cal)).toThrow(RangeError);
    expect(() => reminderDue(base({ today: '13/10/2025' }), cal)).toThrow(RangeError);
  });

  test('calendar errors propagate', () => {
    expect(() => reminderDue(base({ deadline: '2026-01-06', today: '2026-01-05' }), cal)).toThrow('does not cover');
  });
});

describe('criticismDue: two reminders, still ≥ 3 working days overdue, no reason reported', () => {
  const base = { remindersSent: 2, deadline: '2025-10-10', today: '2025-10-14', reasonReported: false, alreadyProposed: false };

  test.each<[string, Partial<typeof base>, boolean]>([
    ['3 working days overdue (11 Sat make-up, 13, 14)', {}, true],
    ['4 working days overdue', { today: '2025-10-15' }, true],
    ['only 2 working days overdue', { today: '2025-10-13' }, false],
    ['the Sunday does not count', { today: '2025-10-12' }, false],
    ['not overdue at all', { today: '2025-10-10' }, false],
    ['only one reminder', { remindersSent: 1, today: '2025-10-20' }, false],
    ['three reminders', { remindersSent: 3 }, true],
    ['a reason was reported', { reasonReported: true }, false],
    ['already proposed', { alreadyProposed: true }, false],
    ['across the holiday: 2 working days', { deadline: '2025-09-30', today: '2025-10-10' }, false],
    ['across the holiday: 3 working days', { deadline: '2025-09-30', today: '2025-10-11' }, true],
  ])('%s → %p', (_name, over, expected) => {
    expect(criticismDue({ ...base, ...over }, cal)).toBe(expected);
  });

  test('calendar errors propagate', () => {
    expect(() => criticismDue({ ...base, deadline: '2025-11-28', today: '2025-12-03' }, cal)).toThrow('does not cover');
  });
});

describe('a transfer card received 2025-09-30, with the worker running at 10:00 every day', () => {
  test('reminder the day before, notice the first working day after, criticism 3 working days after', () => {
    const deadline = finishDeadline('2025-09-30', cal);
    expect(deadline).toBe('2025-10-11');
    let remindersSent = 0;
    let lastReminderDay: string | null = null;
    const sent: string[] = [];
    let criticised: string | undefined;
    for (let today = '2025-09-30'; today <= '2025-10-20'; today = nextDay(today)) {
      const due = reminderDue({ deadline, today, nowMinutes: 600, remindersSent, lastReminderDay }, cal);
      if (due) {
        sent.push(`${today} ${due.kind}`);
        remindersSent++;
        lastReminderDay = today;
      }
      if (!criticised && criticismDue({ remindersSent, deadline, today, reasonReported: false, alreadyProposed: false }, cal)) {
        criticised = today;
      }
    }
    expect(sent).toEqual(['2025-10-10 reminder', '2025-10-13 overdue_notice']);
    expect(criticised).toBe('2025-10-15');
  });
});
