/**
 * Unit assessment (考核) from hand-built case timelines.
 *
 * Every expected number below is worked out by hand from the assessment rules (cohort = assignments
 * STARTED in the period; acts counted on their own day; score = 100 × weighted rates re-normalised
 * over the rates that exist, − 2 per 催办通知书, − 5 per approved 通报批评, one decimal), never by
 * calling the code under test.
 *
 * The fake calendar: Saturday/Sunday off, 2026-10-01..08 off (国庆), 2026-09-27 (Sun) and
 * 2026-10-10 (Sat) make-up workdays; it throws for any day of 2024 (a year it does not cover).
 * Working days of October 2026: 09 10 | 12-16 | 19-23 | 26-30 (17 in all).
 */
import {
  Act,
  AssessmentBuilder,
  ASSESSMENT_FORMULAS,
  CaseTimeline,
  foldTimeline,
  score,
  TimelineEvent,
  WorkdayCounter,
} from './assessment';
import { CriticisedCase, OverdueCase, Period, UnitFigures } from './figures';
import { fakeCalendar } from '../../../test/utils/fake-calendar';

// ---------------------------------------------------------------- fakes and helpers

const cal: WorkdayCounter = fakeCalendar;

/** One timeline event; `at` is 10:00 (or `time`) local time of `day`. */
function ev(type: string, day: string, data: Record<string, unknown> = {}, time = '10:00'): TimelineEvent {
  return { type, day, at: new Date(`${day}T${time}:00+08:00`), data };
}

function tl(caseNo: string, events: TimelineEvent[], title = `关于${caseNo}的留言`): CaseTimeline {
  return { caseNo, title, events };
}

const OCT: Period = { from: '2026-10-01', to: '2026-10-31' };
const AS_OF = '2026-10-31T16:00:00.000Z';

const A = '市住建局';
const B = '市交通局';
const C = '市发改委';
const D = '市水务局';
const E = '市公安局';

const transfer = (day: string, unit: string, deadline: string) => ev('transfer', day, { unit, deadline, returnDeadline: deadline });
const feedback = (day: string, unit: string) => ev('submit_feedback', day, { unit, onTime: true });
const reply = (day: string, unit: string) => ev('reply', day, { unit });
const satisfied = (day: string, satisfaction = '满意') => ev('rate_satisfied', day, { satisfaction });
const unsatisfied = (day: string) => ev('rate_unsatisfied', day, { satisfaction: '不满意' });
const requestExt = (day: string, newDeadline: string) => ev('request_extension', day, { newDeadline });
const decideExt = (day: string, approved: boolean, deadline: string) => ev('decide_extension', day, { approved, deadline });
const remind = (day: string, unit: string, deadline: string | null = null) => ev('remind', day, { unit, deadline, rung: 1, remindersTotal: 1 });
const notice = (day: string, unit: string, deadline: string | null = null) => ev('issue_reminder_notice', day, { unit, deadline });
const propose = (day: string, unit: string, docNo: string, time = '10:00') =>
  ev('propose_criticism', day, { unit, docNo, workdaysOverdue: 3, decision: 'pending' }, time);
const decideCrit = (day: string, unit: string, docNo: string, approved: boolean, time = '10:00') =>
  ev('decide_criticism', day, { docNo, approved, unit }, time);
const supervision = (day: string, unit: string) => ev('refer_to_supervision', day, { unit, office: '市政府督查室' });
const giveBack = (day: string, unit: string) => ev('return', day, { unit, basis: '不属本单位职责', late: false });

function assess(timelines: CaseTimeline[], period: Period = OCT, calendar: WorkdayCounter = cal) {
  const b = new AssessmentBuilder(period, calendar);
  for (const t of timelines) b.add(t);
  return b.build(AS_OF);
}

/** A unit's complete figures: zero counts and null rates unless given (score and rank must be given). */
function fig(unit: string, f: Partial<UnitFigures> & { score: number; rank: number }): UnitFigures {
  return {
    unit, transferred: 0, returned: 0, due: 0, finished: 0, onTime: 0, overdueOpen: 0, replied: 0, rated: 0, satisfied: 0, unsatisfied: 0,
    extensionsRequested: 0, extensionsApproved: 0, reminders: 0, reminderNotices: 0, criticismsProposed: 0, criticisms: 0, supervisionReferrals: 0,
    handlingRate: null, onTimeRate: null, replyRate: null, satisfactionRate: null,
    ...f,
  };
}

/** One assignment fed back with nothing else: 1 转办, 1 应办, 1 已反馈. */
const fedBack = { transferred: 1, due: 1, finished: 1, handlingRate: 1, replyRate: 0 } as const;

// ---------------------------------------------------------------- the fake calendar itself

describe('the fake calendar (test fixture)', () => {
  test.each([
    ['2026-09-25', '2026-09-28', 2], // Sat off, Sun 09-27 make-up, Mon
    ['2026-09-30', '2026-10-09', 1], // 国庆 10-01..08 off
    ['2026-10-09', '2026-10-12', 2], // Sat 10-10 make-up, Sun off
    ['2026-10-16', '2026-10-31', 10],
    ['2026-09-29', '2026-10-31', 18],
    ['2026-10-12', '2026-10-12', 0],
  ])('(%s, %s] has %i working days', (a, b, n) => {
    expect(cal.workdaysBetween(a, b)).toBe(n);
  });

  test('throws for 2024', () => {
    expect(() => cal.workdaysBetween('2024-10-08', '2024-10-15')).toThrow();
  });
});

// ---------------------------------------------------------------- unit figures, case by case

describe('unit figures of one period (October 2026)', () => {
  const cases: [string, CaseTimeline[], UnitFigures[]][] = [
    [
      'fed back before the deadline: on time',
      [tl('YC001', [transfer('2026-10-09', A, '2026-10-16'), feedback('2026-10-14', A)])],
      // rates: onTime 1, handling 1, reply 0, satisfaction null → 100 × (40 + 30 + 0) / 80 = 87.5
      [fig(A, { ...fedBack, onTime: 1, onTimeRate: 1, score: 87.5, rank: 1 })],
    ],
    [
      'fed back on the deadline day itself: on time',
      [tl('YC001', [transfer('2026-10-09', A, '2026-10-16'), feedback('2026-10-16', A)])],
      [fig(A, { ...fedBack, onTime: 1, onTimeRate: 1, score: 87.5, rank: 1 })],
    ],
    [
      'fed back the working day after the deadline: late',
      [tl('YC001', [transfer('2026-10-09', A, '2026-10-16'), feedback('2026-10-19', A)])],
      // onTime 0 / (1 + 0) = 0 → 100 × (0 + 30 + 0) / 80 = 37.5
      [fig(A, { ...fedBack, onTime: 0, onTimeRate: 0, score: 37.5, rank: 1 })],
    ],
    [
      'no deadline at all: on time',
      [tl('YC001', [ev('transfer', '2026-10-09', { unit: A }), feedback('2026-10-30', A)])],
      [fig(A, { ...fedBack, onTime: 1, onTimeRate: 1, score: 87.5, rank: 1 })],
    ],
    [
      'extension approved, then fed back after the first deadline but within the new one: on time',
      [
        tl('YC001', [
          transfer('2026-10-09', A, '2026-10-16'),
          requestExt('2026-10-14', '2026-10-23'),
          decideExt('2026-10-15', true, '2026-10-23'),
          feedback('2026-10-22', A), // would be late against 10-16
        ]),
      ],
      [fig(A, { ...fedBack, onTime: 1, onTimeRate: 1, extensionsRequested: 1, extensionsApproved: 1, score: 87.5, rank: 1 })],
    ],
    [
      'two extensions approved: the latest deadline is in force',
      [
        tl('YC001', [
          transfer('2026-10-09', A, '2026-10-16'),
          requestExt('2026-10-14', '2026-10-23'),
          decideExt('2026-10-15', true, '2026-10-23'),
          requestExt('2026-10-21', '2026-10-30'),
          decideExt('2026-10-22', true, '2026-10-30'),
          feedback('2026-10-28', A),
        ]),
      ],
      [fig(A, { ...fedBack, onTime: 1, onTimeRate: 1, extensionsRequested: 2, extensionsApproved: 2, score: 87.5, rank: 1 })],
    ],
    [
      'extension rejected, then fed back after the deadline: late',
      [
        tl('YC001', [
          transfer('2026-10-09', A, '2026-10-16'),
          requestExt('2026-10-14', '2026-10-23'),
          decideExt('2026-10-15', false, '2026-10-16'),
          feedback('2026-10-22', A),
        ]),
      ],
      [fig(A, { ...fedBack, onTime: 0, onTimeRate: 0, extensionsRequested: 1, extensionsApproved: 0, score: 37.5, rank: 1 })],
    ],
    [
      'extension approved only after the (late) feedback: does not move the deadline, no open assignment to count it for',
      [
        tl('YC001', [
          transfer('2026-10-09', A, '2026-10-16'),
          requestExt('2026-10-15', '2026-10-23'),
          feedback('2026-10-19', A),
          decideExt('2026-10-20', true, '2026-10-23'),
        ]),
      ],
      [fig(A, { ...fedBack, onTime: 0, onTimeRate: 0, extensionsRequested: 1, extensionsApproved: 0, score: 37.5, rank: 1 })],
    ],
    [
      'returned: counted in 转办 and 退回, not in 应办; every rate null → score 0',
      [tl('YC001', [transfer('2026-10-09', A, '2026-10-16'), giveBack('2026-10-12', A)])],
      [fig(A, { transferred: 1, returned: 1, due: 0, score: 0, rank: 1 })],
    ],
    [
      'returned, then transferred to another unit: both units have an assignment',
      [tl('YC001', [transfer('2026-10-09', A, '2026-10-16'), giveBack('2026-10-12', A), transfer('2026-10-13', B, '2026-10-20'), feedback('2026-10-19', B)])],
      [
        fig(B, { ...fedBack, onTime: 1, onTimeRate: 1, score: 87.5, rank: 1 }),
        fig(A, { transferred: 1, returned: 1, score: 0, rank: 2 }),
      ],
    ],
    [
      'still open and past the deadline at the end of the period: 超期未反馈',
      [tl('YC001', [transfer('2026-10-09', A, '2026-10-16'), remind('2026-10-19', A, '2026-10-16'), notice('2026-10-21', A, '2026-10-16')])],
      // handling 0/1, onTime 0/(0+1), reply 0/1 → base 0; − 2 for the 催办通知书
      [fig(A, { transferred: 1, due: 1, overdueOpen: 1, handlingRate: 0, onTimeRate: 0, replyRate: 0, reminders: 1, reminderNotices: 1, score: -2, rank: 1 })],
    ],
    [
      'still open, deadline on the last day of the period: 超期未反馈 (deadline ≤ period end)',
      [tl('YC001', [transfer('2026-10-26', A, '2026-10-31')])],
      [fig(A, { transferred: 1, due: 1, overdueOpen: 1, handlingRate: 0, onTimeRate: 0, replyRate: 0, score: 0, rank: 1 })],
    ],
    [
      'still open, deadline after the end of the period: neither finished nor overdue (onTimeRate null)',
      [tl('YC001', [transfer('2026-10-28', A, '2026-11-04')])],
      // handling 0, reply 0, onTime null, satisfaction null → 100 × 0 / 40 = 0
      [fig(A, { transferred: 1, due: 1, handlingRate: 0, replyRate: 0, score: 0, rank: 1 })],
    ],
    [
      'open, deadline extended past the end of the period: not overdue',
      [tl('YC001', [transfer('2026-10-20', A, '2026-10-27'), requestExt('2026-10-26', '2026-11-05'), decideExt('2026-10-27', true, '2026-11-05')])],
      [fig(A, { transferred: 1, due: 1, handlingRate: 0, replyRate: 0, extensionsRequested: 1, extensionsApproved: 1, score: 0, rank: 1 })],
    ],
    [
      '专题协调: the lead unit has the assignment, its extension and its reminder; the other 责任单位 none',
      [
        tl('YC001', [
          ev('coordinate', '2026-10-09', { leadUnit: C, units: [C, A, B], deadline: '2026-10-23' }),
          requestExt('2026-10-20', '2026-10-30'),
          decideExt('2026-10-21', true, '2026-10-30'),
          remind('2026-10-26', C, '2026-10-30'),
          feedback('2026-10-29', C), // after 10-23, within the extended 10-30
        ]),
      ],
      [fig(C, { ...fedBack, onTime: 1, onTimeRate: 1, extensionsRequested: 1, extensionsApproved: 1, reminders: 1, score: 87.5, rank: 1 })],
    ],
    [
      '重办 after 不满意, transferred again to the same unit: two assignments, the first rated 不满意, the second fresh',
      [
        tl('YC001', [
          transfer('2026-10-09', A, '2026-10-16'),
          feedback('2026-10-14', A),
          reply('2026-10-15', A),
          unsatisfied('2026-10-16'),
          transfer('2026-10-19', A, '2026-10-26'),
          feedback('2026-10-23', A),
          reply('2026-10-26', A),
        ]),
      ],
      // handling 2/2, onTime 2/2, reply 2/2, satisfaction 0/1 → 40 + 30 + 0 + 10 = 80
      [
        fig(A, {
          transferred: 2, due: 2, finished: 2, onTime: 2, replied: 2, rated: 1, satisfied: 0, unsatisfied: 1,
          handlingRate: 1, onTimeRate: 1, replyRate: 1, satisfactionRate: 0, score: 80, rank: 1,
        }),
      ],
    ],
    [
      '重办 after 不满意, second assignment rated 满意: one rating each',
      [
        tl('YC001', [
          transfer('2026-10-09', A, '2026-10-16'),
          feedback('2026-10-14', A),
          reply('2026-10-15', A),
          unsatisfied('2026-10-16'),
          transfer('2026-10-19', A, '2026-10-26'),
          feedback('2026-10-23', A),
          reply('2026-10-26', A),
          satisfied('2026-10-27'),
        ]),
      ],
      // satisfaction 1/2 → 40 + 30 + 10 + 10 = 90
      [
        fig(A, {
          transferred: 2, due: 2, finished: 2, onTime: 2, replied: 2, rated: 2, satisfied: 1, unsatisfied: 1,
          handlingRate: 1, onTimeRate: 1, replyRate: 1, satisfactionRate: 0.5, score: 90, rank: 1,
        }),
      ],
    ],
    [
      '重办 after 不满意, transferred to another unit which is rated 满意',
      [
        tl('YC001', [
          transfer('2026-10-09', A, '2026-10-16'),
          feedback('2026-10-14', A),
          reply('2026-10-15', A),
          unsatisfied('2026-10-16'),
          transfer('2026-10-19', B, '2026-10-26'),
          feedback('2026-10-23', B),
          reply('2026-10-26', B),
          satisfied('2026-10-27', '满意'),
        ]),
      ],
      [
        fig(B, { ...fedBack, onTime: 1, replied: 1, rated: 1, satisfied: 1, onTimeRate: 1, replyRate: 1, satisfactionRate: 1, score: 100, rank: 1 }),
        fig(A, { ...fedBack, onTime: 1, replied: 1, rated: 1, unsatisfied: 1, onTimeRate: 1, replyRate: 1, satisfactionRate: 0, score: 80, rank: 2 }),
      ],
    ],
    [
      'reply and 基本满意 belong to the unit that fed back, not to the unit that returned the case',
      [
        tl('YC001', [
          transfer('2026-10-09', A, '2026-10-16'),
          giveBack('2026-10-12', A),
          transfer('2026-10-13', B, '2026-10-20'),
          feedback('2026-10-19', B),
          reply('2026-10-20', B),
          satisfied('2026-10-21', '基本满意'),
        ]),
      ],
      [
        fig(B, { ...fedBack, onTime: 1, replied: 1, rated: 1, satisfied: 1, onTimeRate: 1, replyRate: 1, satisfactionRate: 1, score: 100, rank: 1 }),
        fig(A, { transferred: 1, returned: 1, score: 0, rank: 2 }),
      ],
    ],
    [
      'a rating before the reply is ignored; the first rating after the reply counts',
      [
        tl('YC001', [
          transfer('2026-10-09', A, '2026-10-16'),
          feedback('2026-10-14', A),
          satisfied('2026-10-15', '满意'), // impossible in the workflow (not replied yet): ignored
          reply('2026-10-16', A),
          unsatisfied('2026-10-19'),
        ]),
      ],
      [fig(A, { ...fedBack, onTime: 1, replied: 1, rated: 1, unsatisfied: 1, onTimeRate: 1, replyRate: 1, satisfactionRate: 0, score: 80, rank: 1 })],
    ],
    [
      'a rating before the reply and none after: replied but not rated',
      [tl('YC001', [transfer('2026-10-09', A, '2026-10-16'), feedback('2026-10-14', A), satisfied('2026-10-15'), reply('2026-10-16', A)])],
      // onTime 1, handling 1, reply 1, satisfaction null → (40 + 30 + 10) / 80 = 100
      [fig(A, { ...fedBack, onTime: 1, replied: 1, onTimeRate: 1, replyRate: 1, score: 100, rank: 1 })],
    ],
    [
      'only the first rating after the reply counts',
      [
        tl('YC001', [
          transfer('2026-10-09', A, '2026-10-16'),
          feedback('2026-10-14', A),
          reply('2026-10-16', A),
          satisfied('2026-10-19', '基本满意'),
          unsatisfied('2026-10-20'),
        ]),
      ],
      [fig(A, { ...fedBack, onTime: 1, replied: 1, rated: 1, satisfied: 1, onTimeRate: 1, replyRate: 1, satisfactionRate: 1, score: 100, rank: 1 })],
    ],
    [
      'a reply after the end of the period does not count',
      [tl('YC001', [transfer('2026-10-26', A, '2026-10-30'), feedback('2026-10-30', A), reply('2026-11-02', A), satisfied('2026-11-03')])],
      [fig(A, { ...fedBack, onTime: 1, onTimeRate: 1, score: 87.5, rank: 1 })],
    ],
    [
      'feedback after the end of the period: still open and overdue at the end of the period',
      [tl('YC001', [transfer('2026-10-20', A, '2026-10-27'), feedback('2026-11-02', A)])],
      [fig(A, { transferred: 1, due: 1, overdueOpen: 1, handlingRate: 0, onTimeRate: 0, replyRate: 0, score: 0, rank: 1 })],
    ],
    [
      'an assignment started the month before: not in the cohort, but its October acts are counted',
      [
        tl('YC001', [
          transfer('2026-09-24', A, '2026-09-29'),
          remind('2026-09-30', A, '2026-09-29'), // September: not counted
          remind('2026-10-09', A, '2026-09-29'),
          notice('2026-10-12', A, '2026-09-29'),
          propose('2026-10-19', A, '运信通〔2026〕3号'),
          feedback('2026-10-20', A), // fed back in October: still not in the cohort
        ]),
      ],
      // no rate has a denominator: nothing to weight (base 0), − 2 for the notice
      [fig(A, { reminders: 1, reminderNotices: 1, criticismsProposed: 1, score: -2, rank: 1 })],
    ],
    [
      'an assignment started on the first day of the period is in the cohort; one started on the day after the end is not',
      [
        tl('YC001', [transfer('2026-10-01', A, '2026-10-12'), feedback('2026-10-12', A)]),
        tl('YC002', [transfer('2026-11-01', B, '2026-11-06')]),
      ],
      [fig(A, { ...fedBack, onTime: 1, onTimeRate: 1, score: 87.5, rank: 1 })],
    ],
    [
      'acts: reminder, 催办通知书, two criticism proposals (one approved, one rejected), 转交督查室',
      [
        tl('YC001', [
          transfer('2026-09-24', A, '2026-09-29'),
          remind('2026-10-09', A, '2026-09-29'),
          notice('2026-10-12', A, '2026-09-29'),
          propose('2026-10-13', A, '运信通〔2026〕1号'),
          decideCrit('2026-10-15', A, '运信通〔2026〕1号', true),
          propose('2026-10-19', A, '运信通〔2026〕2号'),
          decideCrit('2026-10-21', A, '运信通〔2026〕2号', false),
          supervision('2026-10-22', A),
        ]),
      ],
      // no rates; − 2 × 1 notice − 5 × 1 approved criticism = −7
      [fig(A, { reminders: 1, reminderNotices: 1, criticismsProposed: 2, criticisms: 1, supervisionReferrals: 1, score: -7, rank: 1 })],
    ],
    [
      'acts are counted for the unit named in them, even after the case has left that unit',
      [
        tl('YC001', [
          transfer('2026-09-21', B, '2026-09-28'),
          propose('2026-09-30', B, '运信通〔2026〕9号'), // September
          feedback('2026-10-09', B),
          reply('2026-10-12', B),
          decideCrit('2026-10-13', B, '运信通〔2026〕9号', true),
          supervision('2026-10-14', B),
        ]),
      ],
      [fig(B, { criticisms: 1, supervisionReferrals: 1, score: -5, rank: 1 })],
    ],
    [
      'penalties on top of rates: late, replied, 满意, one notice, one approved criticism',
      [
        tl('YC001', [
          transfer('2026-10-09', A, '2026-10-16'),
          remind('2026-10-19', A, '2026-10-16'),
          notice('2026-10-20', A, '2026-10-16'),
          propose('2026-10-21', A, '运信通〔2026〕4号'),
          decideCrit('2026-10-22', A, '运信通〔2026〕4号', true),
          feedback('2026-10-23', A),
          reply('2026-10-26', A),
          satisfied('2026-10-27'),
        ]),
      ],
      // onTime 0, handling 1, satisfaction 1, reply 1 → 0 + 30 + 20 + 10 = 60; − 2 − 5 = 53
      [
        fig(A, {
          ...fedBack, onTime: 0, replied: 1, rated: 1, satisfied: 1, onTimeRate: 0, replyRate: 1, satisfactionRate: 1,
          reminders: 1, reminderNotices: 1, criticismsProposed: 1, criticisms: 1, score: 53, rank: 1,
        }),
      ],
    ],
    [
      'several cases of one unit: 4 转办, 1 退回, 3 应办, 2 反馈 (1 on time), 1 overdue open',
      [
        tl('YC001', [transfer('2026-10-09', A, '2026-10-16'), feedback('2026-10-15', A), reply('2026-10-16', A), satisfied('2026-10-19', '基本满意')]),
        tl('YC002', [transfer('2026-10-09', A, '2026-10-16'), feedback('2026-10-20', A)]),
        tl('YC003', [transfer('2026-10-12', A, '2026-10-19')]),
        tl('YC004', [transfer('2026-10-12', A, '2026-10-19'), giveBack('2026-10-13', A)]),
      ],
      // handling 2/3, onTime 1/(2+1) = 1/3, reply 1/3, satisfaction 1/1
      // 40/3 + 20 + 20 + 10/3 = 56.666… → 56.7
      [
        fig(A, {
          transferred: 4, returned: 1, due: 3, finished: 2, onTime: 1, overdueOpen: 1, replied: 1, rated: 1, satisfied: 1,
          handlingRate: 2 / 3, onTimeRate: 1 / 3, replyRate: 1 / 3, satisfactionRate: 1, score: 56.7, rank: 1,
        }),
      ],
    ],
  ];

  test.each(cases)('%s', (_name, timelines, expected) => {
    const { assessment } = assess(timelines);
    expect(assessment.units).toEqual(expected);
  });
});

// ---------------------------------------------------------------- the overdue list

describe('overdue list', () => {
  const row = (caseNo: string, unit: string, deadline: string, workdaysOverdue: number, reminders = 0, reminderNotice = false): OverdueCase => ({
    caseNo, title: `关于${caseNo}的留言`, unit, deadline, workdaysOverdue, reminders, reminderNotice,
  });

  const cases: [string, Period, CaseTimeline[], OverdueCase[]][] = [
    [
      'open past the deadline: working days (deadline, period end]; reminders include the 催办通知书',
      OCT,
      [tl('YC001', [transfer('2026-10-09', A, '2026-10-16'), remind('2026-10-19', A, '2026-10-16'), notice('2026-10-21', A, '2026-10-16')])],
      [row('YC001', A, '2026-10-16', 10, 2, true)],
    ],
    [
      'across the National Day holiday and the make-up Saturday (period 09-01..10-12)',
      { from: '2026-09-01', to: '2026-10-12' },
      // (09-29, 10-12]: 09-30, [10-01..08 off], 10-09, 10-10 (make-up), 10-12 = 4
      [tl('YC001', [transfer('2026-09-24', A, '2026-09-29')])],
      [row('YC001', A, '2026-09-29', 4)],
    ],
    [
      'started the month before and still open: listed (whatever month it started)',
      OCT,
      // (09-29, 10-31]: 09-30 + 17 October working days = 18
      [tl('YC001', [transfer('2026-09-24', B, '2026-09-29'), remind('2026-09-30', B, '2026-09-29')])],
      [row('YC001', B, '2026-09-29', 18, 1, false)],
    ],
    [
      'deadline on the last day of the period: listed with 0 working days',
      OCT,
      [tl('YC001', [transfer('2026-10-26', A, '2026-10-30')])],
      [row('YC001', A, '2026-10-30', 0)],
    ],
    [
      'returned then re-transferred: only the current assignment is listed',
      OCT,
      // (10-20, 10-31]: 21 22 23 26 27 28 29 30 = 8
      [tl('YC001', [transfer('2026-10-09', A, '2026-10-16'), giveBack('2026-10-12', A), transfer('2026-10-13', D, '2026-10-20')])],
      [row('YC001', D, '2026-10-20', 8)],
    ],
    [
      'not listed: fed back late, deadline after the period, extended past the period, returned',
      OCT,
      [
        tl('YC001', [transfer('2026-10-09', A, '2026-10-16'), feedback('2026-10-19', A)]),
        tl('YC002', [transfer('2026-10-28', A, '2026-11-04')]),
        tl('YC003', [transfer('2026-10-20', A, '2026-10-27'), requestExt('2026-10-26', '2026-11-05'), decideExt('2026-10-27', true, '2026-11-05')]),
        tl('YC004', [transfer('2026-10-20', A, '2026-10-27'), giveBack('2026-10-21', A)]),
      ],
      [],
    ],
    [
      'sorted by working days overdue, most first, then by case number',
      OCT,
      [
        tl('YC002', [transfer('2026-10-09', A, '2026-10-16')]), // 10
        tl('YC005', [transfer('2026-10-26', A, '2026-10-30')]), // 0
        tl('YC003', [transfer('2026-09-24', B, '2026-09-29')]), // 18
        tl('YC001', [transfer('2026-10-09', E, '2026-10-16')]), // 10
        tl('YC004', [transfer('2026-10-13', D, '2026-10-20')]), // 8
      ],
      [
        row('YC003', B, '2026-09-29', 18),
        row('YC001', E, '2026-10-16', 10),
        row('YC002', A, '2026-10-16', 10),
        row('YC004', D, '2026-10-20', 8),
        row('YC005', A, '2026-10-30', 0),
      ],
    ],
  ];

  test.each(cases)('%s', (_name, period, timelines, expected) => {
    expect(assess(timelines, period).overdue).toEqual(expected);
  });

  test('a year the calendar does not cover: the case is still listed', () => {
    const period = { from: '2024-10-01', to: '2024-10-31' };
    const { overdue, assessment } = assess([tl('YC2024001', [transfer('2024-10-08', A, '2024-10-15')])], period);
    expect(overdue).toHaveLength(1);
    expect(overdue[0]).toMatchObject({ caseNo: 'YC2024001', unit: A, deadline: '2024-10-15' });
    expect(assessment.units[0]).toMatchObject({ unit: A, transferred: 1, due: 1, overdueOpen: 1 });
  });
});

// ---------------------------------------------------------------- events after the end of the period

describe('events after the end of the period are ignored (a report regenerated later gives the same figures)', () => {
  const base = (): TimelineEvent[] => [
    transfer('2026-10-20', A, '2026-10-27'),
    requestExt('2026-10-26', '2026-11-05'),
    remind('2026-10-28', A, '2026-10-27'),
    propose('2026-10-30', A, '运信通〔2026〕7号'),
  ];
  const others = (): CaseTimeline[] => [
    tl('YC002', [transfer('2026-10-09', B, '2026-10-16'), feedback('2026-10-14', B), reply('2026-10-15', B)]),
    tl('YC003', [transfer('2026-10-26', D, '2026-10-30')]),
  ];
  const later: [string, TimelineEvent[], TimelineEvent[]][] = [
    ['feedback, reply and rating in November', [feedback('2026-11-02', A), reply('2026-11-03', A), satisfied('2026-11-04')], [satisfied('2026-11-02')]],
    ['extension approved in November', [decideExt('2026-11-02', true, '2026-11-05')], [remind('2026-11-02', D, '2026-10-30')]],
    ['criticism decided, notice and supervision in November', [decideCrit('2026-11-02', A, '运信通〔2026〕7号', true), notice('2026-11-03', A), supervision('2026-11-04', A)], []],
    ['returned and transferred to another unit in November', [giveBack('2026-11-02', A), transfer('2026-11-02', E, '2026-11-09'), feedback('2026-11-03', E)], [feedback('2026-11-01', D)]],
  ];

  test.each(later)('%s', (_name, extraA, extraD) => {
    const now = assess([tl('YC001', base()), ...others()]);
    const regenerated = assess([
      tl('YC001', [...base(), ...extraA]),
      others()[0],
      tl('YC003', [...others()[1].events, ...extraD]),
    ]);
    expect(regenerated).toEqual(now);
    // and the figures are the hand-made ones as of 2026-10-31:
    const a = now.assessment.units.find((u) => u.unit === A)!;
    expect(a).toMatchObject({ transferred: 1, due: 1, finished: 0, overdueOpen: 1, extensionsRequested: 1, extensionsApproved: 0, reminders: 1, criticismsProposed: 1, criticisms: 0 });
    expect(now.overdue.map((o) => [o.caseNo, o.unit, o.workdaysOverdue])).toEqual([
      ['YC001', A, 3], // (10-27, 10-31]: 28 29 30
      ['YC003', D, 0], // (10-30, 10-31]: Saturday
    ]);
    expect(now.criticised).toEqual([{ caseNo: 'YC001', unit: A, docNo: '运信通〔2026〕7号', decision: 'pending', at: '2026-10-30T02:00:00.000Z' }]);
  });
});

// ---------------------------------------------------------------- score

describe('score', () => {
  type Rates = Parameters<typeof score>[0];
  const r = (onTimeRate: number | null, handlingRate: number | null, satisfactionRate: number | null, replyRate: number | null, reminderNotices = 0, criticisms = 0): Rates => ({
    onTimeRate, handlingRate, satisfactionRate, replyRate, reminderNotices, criticisms,
  });

  test.each<[string, Rates, number]>([
    ['all rates 1', r(1, 1, 1, 1), 100],
    ['all rates 0', r(0, 0, 0, 0), 0],
    ['all four rates: 40×0.75 + 30×0.5 + 20×1 + 10×0.25', r(0.75, 0.5, 1, 0.25), 67.5],
    ['only onTimeRate 1, the rest 0', r(1, 0, 0, 0), 40],
    ['only replyRate 1, the rest 0', r(0, 0, 0, 1), 10],
    ['satisfaction null: (40 + 30 + 10×0.5) / 80 = 93.75 → 93.8', r(1, 1, null, 0.5), 93.8],
    ['onTime null: (30×0.5 + 20×0.5 + 10×0.5) / 60 = 50', r(null, 0.5, 0.5, 0.5), 50],
    ['onTime and satisfaction null: (30×1 + 10×0) / 40 = 75', r(null, 1, null, 0), 75],
    ['only satisfaction present: 20×0.5 / 20 = 50', r(null, null, 0.5, null), 50],
    ['rounded to one decimal: (40×2/3 + 30 + 10) / 80 = 83.33… → 83.3', r(2 / 3, 1, null, 1), 83.3],
    ['rounded to one decimal: 40×1/3 + 30×1/3 + 20×1/3 + 10×1/3 = 33.33… → 33.3', r(1 / 3, 1 / 3, 1 / 3, 1 / 3), 33.3],
    ['penalties: 100 − 2×2 − 5×1', r(1, 1, 1, 1, 2, 1), 91],
    ['penalties with re-weighted rates: 87.5 − 2 − 5', r(1, 1, null, 0, 1, 1), 80.5],
    ['penalties can take the score below zero', r(0, 0, null, 0, 3, 1), -11],
    ['no rate at all: nothing to weight, only penalties', r(null, null, null, null, 1, 0), -2],
    // Was a defect (fixed by roundHalfUp): score() rounded the binary floating-point sum: 40×1/3 + 30×5/8 + 20×1/3 + 10×1/2 is exactly
    // 43.75 (13.333… + 18.75 + 6.666… + 5), which rounds to 43.8, but the float sum is 43.74999999999999
    // and Math.round gives 43.7. (E.g. 应办 8, 已反馈 5, 超期未反馈 1, 按时 2, 已答复 4, 评价 3, 满意 1.)
    ['exact half: 40×1/3 + 30×5/8 + 20×1/3 + 10×1/2 = 43.75 → 43.8', r(1 / 3, 5 / 8, 1 / 3, 1 / 2), 43.8],
  ])('%s', (_name, rates, expected) => {
    expect(score(rates)).toBe(expected);
  });

  test('the formulas shown with the assessment give the same weights and penalties', () => {
    const f = ASSESSMENT_FORMULAS.find((x) => x.key === 'score')!.formula;
    for (const part of ['40% × 按时办结率', '30% × 办理率', '20% × 满意率', '10% × 回复率', '2 × 催办通知书份数', '5 × 通报批评次数']) expect(f).toContain(part);
  });
});

// ---------------------------------------------------------------- ranking

describe('ranking', () => {
  const onTime = (caseNo: string, unit: string) => tl(caseNo, [transfer('2026-10-09', unit, '2026-10-16'), feedback('2026-10-14', unit)]); // 87.5
  const late = (caseNo: string, unit: string) => tl(caseNo, [transfer('2026-10-09', unit, '2026-10-16'), feedback('2026-10-19', unit)]); // 37.5
  const perfect = (caseNo: string, unit: string) =>
    tl(caseNo, [transfer('2026-10-09', unit, '2026-10-16'), feedback('2026-10-14', unit), reply('2026-10-15', unit), satisfied('2026-10-16')]); // 100

  test.each<[string, CaseTimeline[], [string, number, number][]]>([
    [
      'equal scores share a rank and the next rank is skipped (1, 2, 2, 4); ties by unit name',
      [late('YC1', D), onTime('YC2', A), perfect('YC3', E), onTime('YC4', B)],
      [
        [E, 100, 1],
        [B, 87.5, 2],
        [A, 87.5, 2],
        [D, 37.5, 4],
      ],
    ],
    [
      'a tie at the top (1, 1, 3)',
      [onTime('YC1', A), late('YC2', D), onTime('YC3', B)],
      [
        [B, 87.5, 1],
        [A, 87.5, 1],
        [D, 37.5, 3],
      ],
    ],
    [
      'penalties change the order: a perfect unit with two notices (96) after a perfect one (100), before an on-time one (87.5)',
      [
        perfect('YC1', A),
        tl('YC2', [transfer('2026-10-09', B, '2026-10-16'), notice('2026-10-12', B), notice('2026-10-13', B), feedback('2026-10-14', B), reply('2026-10-15', B), satisfied('2026-10-16')]),
        onTime('YC3', C),
      ],
      [
        [A, 100, 1],
        [B, 96, 2],
        [C, 87.5, 3],
      ],
    ],
  ])('%s', (_name, timelines, expected) => {
    expect(assess(timelines).assessment.units.map((u) => [u.unit, u.score, u.rank])).toEqual(expected);
  });

  test('the assessment carries the period, asOf and the formulas', () => {
    const { assessment } = assess([]);
    expect(assessment).toEqual({ period: OCT, asOf: AS_OF, units: [], formulas: ASSESSMENT_FORMULAS });
  });
});

// ---------------------------------------------------------------- the criticised list

describe('criticised list', () => {
  const crit = (caseNo: string, unit: string, docNo: string, decision: string, at: string): CriticisedCase => ({ caseNo, unit, docNo, decision, at });

  test.each<[string, CaseTimeline[], CriticisedCase[]]>([
    [
      'proposed in the period: pending, approved, rejected; ordered by time',
      [
        tl('YC001', [
          transfer('2026-09-24', A, '2026-09-29'),
          propose('2026-10-13', A, '运信通〔2026〕1号', '09:00'),
          decideCrit('2026-10-15', A, '运信通〔2026〕1号', true),
          propose('2026-10-19', A, '运信通〔2026〕2号', '09:00'),
          decideCrit('2026-10-21', A, '运信通〔2026〕2号', false),
        ]),
        tl('YC002', [transfer('2026-09-24', B, '2026-09-29'), propose('2026-10-28', B, '运信通〔2026〕3号', '09:00')]),
      ],
      [
        crit('YC001', A, '运信通〔2026〕1号', '同意通报批评', '2026-10-13T01:00:00.000Z'),
        crit('YC001', A, '运信通〔2026〕2号', '不同意通报批评', '2026-10-19T01:00:00.000Z'),
        crit('YC002', B, '运信通〔2026〕3号', 'pending', '2026-10-28T01:00:00.000Z'),
      ],
    ],
    [
      'decided after the end of the period: still pending',
      [tl('YC001', [transfer('2026-09-24', A, '2026-09-29'), propose('2026-10-29', A, '运信通〔2026〕4号', '09:00'), decideCrit('2026-11-02', A, '运信通〔2026〕4号', true)])],
      [crit('YC001', A, '运信通〔2026〕4号', 'pending', '2026-10-29T01:00:00.000Z')],
    ],
    [
      'proposed and decided before the period: not listed',
      [tl('YC001', [transfer('2026-09-10', A, '2026-09-17'), propose('2026-09-28', A, '运信通〔2026〕5号'), decideCrit('2026-09-29', A, '运信通〔2026〕5号', true)])],
      [],
    ],
  ])('%s', (_name, timelines, expected) => {
    expect(assess(timelines).criticised).toEqual(expected);
  });

  test('proposed before the period, decided in it: listed with its decision', () => {
    const { criticised } = assess([
      tl('YC001', [transfer('2026-09-10', A, '2026-09-17'), propose('2026-09-29', A, '运信通〔2026〕6号'), decideCrit('2026-10-09', A, '运信通〔2026〕6号', true)]),
    ]);
    expect(criticised).toHaveLength(1);
    expect(criticised[0]).toMatchObject({ caseNo: 'YC001', unit: A, docNo: '运信通〔2026〕6号', decision: '同意通报批评' });
  });
});

// ---------------------------------------------------------------- foldTimeline

describe('foldTimeline', () => {
  test.each<[string, TimelineEvent[], { unit: string; startDay: string; deadline: string | null; returned: boolean; finishedDay: string | null; onTime: boolean | null; replied: boolean; rating: string | null }[]]>([
    [
      'deadline in force moved by the approved extension only',
      [
        transfer('2026-10-09', A, '2026-10-16'),
        requestExt('2026-10-13', '2026-10-23'),
        decideExt('2026-10-14', false, '2026-10-16'),
        requestExt('2026-10-15', '2026-10-22'),
        decideExt('2026-10-15', true, '2026-10-22'),
        feedback('2026-10-22', A),
      ],
      [{ unit: A, startDay: '2026-10-09', deadline: '2026-10-22', returned: false, finishedDay: '2026-10-22', onTime: true, replied: false, rating: null }],
    ],
    [
      '退回 then 转办, 反馈, 答复, 不满意, 转办 again',
      [
        transfer('2026-10-09', A, '2026-10-16'),
        giveBack('2026-10-12', A),
        transfer('2026-10-13', B, '2026-10-20'),
        feedback('2026-10-21', B),
        reply('2026-10-22', B),
        unsatisfied('2026-10-23'),
        transfer('2026-10-26', B, '2026-11-02'),
      ],
      [
        { unit: A, startDay: '2026-10-09', deadline: '2026-10-16', returned: true, finishedDay: null, onTime: null, replied: false, rating: null },
        { unit: B, startDay: '2026-10-13', deadline: '2026-10-20', returned: false, finishedDay: '2026-10-21', onTime: false, replied: true, rating: '不满意' },
        { unit: B, startDay: '2026-10-26', deadline: '2026-11-02', returned: false, finishedDay: null, onTime: null, replied: false, rating: null },
      ],
    ],
  ])('%s', (_name, events, expected) => {
    const { assignments } = foldTimeline(tl('YC001', events), OCT);
    expect(assignments).toMatchObject(expected);
    expect(assignments).toHaveLength(expected.length);
  });

  test('acts are dated and named; acts after the end of the period are not folded', () => {
    const { acts } = foldTimeline(
      tl('YC001', [
        transfer('2026-10-09', A, '2026-10-16'),
        requestExt('2026-10-13', '2026-10-23'),
        decideExt('2026-10-14', true, '2026-10-23'),
        remind('2026-10-26', A),
        remind('2026-11-02', A),
      ]),
      OCT,
    );
    expect(acts).toEqual<Act[]>([
      { unit: A, day: '2026-10-13', kind: 'extensionRequested', caseNo: 'YC001' },
      { unit: A, day: '2026-10-14', kind: 'extensionApproved', caseNo: 'YC001' },
      { unit: A, day: '2026-10-26', kind: 'reminder', caseNo: 'YC001' },
    ]);
  });
});
