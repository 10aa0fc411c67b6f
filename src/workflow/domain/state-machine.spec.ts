/**
 * The workflow table, checked against an independent hand-written list of every allowed
 * (status, event, role) triple and its target status, over the full cross product
 * statuses × events × roles.
 */
import {
  ACTOR_ROLES,
  ActorRole,
  allowedEvents,
  CASE_EVENTS,
  CASE_STATUSES,
  CaseEvent,
  CaseStatus,
  EVENT_LABELS,
  STATUS_LABELS,
  transition,
  TRANSITIONS,
} from './state-machine';

// Written out by hand from the brief, one line per allowed triple: "from event role -> to".
const ALLOWED_LINES = `
new accept staff -> accepted
new accept admin -> accepted
new decline staff -> declined
new decline admin -> declined
accepted decline staff -> declined
accepted decline admin -> declined
new refer staff -> referred
new refer admin -> referred
accepted refer staff -> referred
accepted refer admin -> referred
accepted reply staff -> replied
accepted reply admin -> replied
feedback reply staff -> replied
feedback reply admin -> replied
accepted transfer staff -> transferred
accepted transfer admin -> transferred
accepted coordinate staff -> coordinating
accepted coordinate leader -> coordinating
accepted coordinate admin -> coordinating
transferred sign unit -> transferred
coordinating sign unit -> coordinating
transferred return unit -> accepted
transferred request_extension unit -> transferred
coordinating request_extension unit -> coordinating
transferred decide_extension staff -> transferred
transferred decide_extension admin -> transferred
coordinating decide_extension staff -> coordinating
coordinating decide_extension admin -> coordinating
transferred remind staff -> transferred
transferred remind system -> transferred
coordinating remind staff -> coordinating
coordinating remind system -> coordinating
transferred issue_reminder_notice staff -> transferred
transferred issue_reminder_notice system -> transferred
coordinating issue_reminder_notice staff -> coordinating
coordinating issue_reminder_notice system -> coordinating
transferred propose_criticism staff -> transferred
transferred propose_criticism system -> transferred
coordinating propose_criticism staff -> coordinating
coordinating propose_criticism system -> coordinating
transferred decide_criticism leader -> transferred
coordinating decide_criticism leader -> coordinating
feedback decide_criticism leader -> feedback
replied decide_criticism leader -> replied
closed decide_criticism leader -> closed
transferred refer_to_supervision leader -> transferred
coordinating refer_to_supervision leader -> coordinating
feedback refer_to_supervision leader -> feedback
replied refer_to_supervision leader -> replied
closed refer_to_supervision leader -> closed
transferred submit_feedback unit -> feedback
coordinating submit_feedback unit -> feedback
replied rate_satisfied citizen -> closed
replied rate_unsatisfied citizen -> accepted
replied close staff -> closed
replied close system -> closed
replied close admin -> closed
closed archive staff -> archived
closed archive system -> archived
closed archive admin -> archived
declined archive staff -> archived
declined archive system -> archived
declined archive admin -> archived
referred archive staff -> archived
referred archive system -> archived
referred archive admin -> archived
`;

const ALLOWED = new Map<string, string>();
for (const line of ALLOWED_LINES.trim().split('\n')) {
  const m = /^(\w+) (\w+) (\w+) -> (\w+)$/.exec(line.trim());
  if (!m) throw new Error(`bad line: ${line}`);
  ALLOWED.set(`${m[1]} ${m[2]} ${m[3]}`, m[4]);
}

// Hand-written too, so that a status or event missing from the module's constants is caught.
const STATUSES = ['new', 'accepted', 'transferred', 'coordinating', 'feedback', 'replied', 'closed', 'archived', 'declined', 'referred'];
const EVENTS = [
  'accept', 'decline', 'refer', 'reply', 'transfer', 'coordinate', 'sign', 'return', 'request_extension', 'decide_extension',
  'remind', 'issue_reminder_notice', 'propose_criticism', 'decide_criticism', 'refer_to_supervision', 'submit_feedback', 'rate_satisfied',
  'rate_unsatisfied', 'close', 'archive',
];
const ROLES = ['staff', 'unit', 'leader', 'admin', 'citizen', 'system'];

function eventAllowedFrom(status: string, event: string): boolean {
  return ROLES.some((r) => ALLOWED.has(`${status} ${event} ${r}`));
}

type Expectation = { ok: true; to: string } | { ok: false; code: 'not_from_status' | 'role_not_allowed' };
const CROSS: [string, string, string, Expectation][] = [];
for (const s of STATUSES) {
  for (const e of EVENTS) {
    for (const r of ROLES) {
      const to = ALLOWED.get(`${s} ${e} ${r}`);
      CROSS.push([
        s,
        e,
        r,
        to !== undefined ? { ok: true, to } : { ok: false, code: eventAllowedFrom(s, e) ? 'role_not_allowed' : 'not_from_status' },
      ]);
    }
  }
}

describe('constants', () => {
  test('the statuses, events and roles are exactly the brief’s', () => {
    expect([...CASE_STATUSES]).toEqual(STATUSES);
    expect([...CASE_EVENTS]).toEqual(EVENTS);
    expect([...ACTOR_ROLES]).toEqual(ROLES);
  });

  test('the cross product is complete: 10 statuses × 20 events × 6 roles, 66 allowed', () => {
    expect(CROSS).toHaveLength(10 * 20 * 6);
    expect(CROSS.filter(([, , , x]) => x.ok)).toHaveLength(66);
    expect(ALLOWED.size).toBe(66);
  });

  test.each<[CaseStatus, string]>([
    ['new', '已登记，等待受理'],
    ['accepted', '已受理，正在分办'],
    ['transferred', '已转办，承办单位办理中'],
    ['coordinating', '专题协调办理中'],
    ['feedback', '承办单位已反馈，等待答复'],
    ['replied', '已答复，等待评价'],
    ['closed', '已办结'],
    ['archived', '已归档'],
    ['declined', '不予受理'],
    ['referred', '已告知其他受理渠道'],
  ])('status label of %s', (status, label) => {
    expect(STATUS_LABELS[status]).toBe(label);
  });

  test('labels: every event has a Chinese label; 重办 for an unsatisfied rating', () => {
    for (const e of EVENTS) expect(EVENT_LABELS[e as CaseEvent]).toMatch(/[\u4e00-\u9fff]/);
    expect(EVENT_LABELS.rate_unsatisfied).toBe('重办');
    expect(EVENT_LABELS.transfer).toBe('转办');
    expect(EVENT_LABELS.return).toBe('退回');
    expect(EVENT_LABELS.sign).toBe('签收');
    expect(EVENT_LABELS.archive).toBe('归档');
  });

  test('the module’s table holds exactly the hand-written triples, one row per event', () => {
    const fromTable = new Map<string, string>();
    for (const row of TRANSITIONS) {
      for (const s of row.from) for (const r of row.roles) fromTable.set(`${s} ${row.event} ${r}`, row.to === 'same' ? s : row.to);
    }
    expect(new Map([...fromTable].sort())).toEqual(new Map([...ALLOWED].sort()));
    expect(TRANSITIONS.map((r) => r.event).sort()).toEqual([...EVENTS].sort());
  });
});

describe('transition: the full cross product', () => {
  test.each(CROSS)('%s + %s by %s', (status, event, role, expected) => {
    const result = transition(status as CaseStatus, event as CaseEvent, role as ActorRole);
    if (expected.ok) {
      expect(result).toEqual({ ok: true, to: expected.to });
    } else {
      expect(result).toMatchObject({ ok: false, code: expected.code });
      if (result.ok) return;
      // Each refusal names the event and the status (or, for the wrong role, the role too).
      expect(result.messageEn).toContain(event);
      expect(result.messageEn).toContain(status);
      if (expected.code === 'role_not_allowed') expect(result.messageEn).toContain(role);
      expect(result.messageZh).toContain(STATUS_LABELS[status as CaseStatus]);
      expect(result.message).toContain(result.messageZh);
      expect(result.message).toContain(result.messageEn);
    }
  });
});

describe('transition: specifics', () => {
  test('archived refuses every event for every role', () => {
    for (const e of EVENTS) {
      for (const r of ROLES) {
        const result = transition('archived', e as CaseEvent, r as ActorRole);
        expect(result).toMatchObject({ ok: false, code: 'not_from_status' });
      }
    }
    expect(allowedEvents('archived', 'admin')).toEqual([]);
  });

  test('the brief’s example message', () => {
    const result = transition('replied', 'transfer', 'staff');
    expect(result).toMatchObject({ ok: false, code: 'not_from_status' });
    if (result.ok) throw new Error('unreachable');
    expect(result.messageEn).toBe('cannot transfer a case that is replied (已答复，等待评价): transfer is allowed from accepted.');
    expect(result.messageZh).toContain('转办');
  });

  test('the wrong role names the allowed roles', () => {
    const result = transition('accepted', 'transfer', 'citizen');
    if (result.ok) throw new Error('expected a refusal');
    expect(result.code).toBe('role_not_allowed');
    expect(result.messageEn).toContain('allowed for staff, admin');
    expect(result.messageZh).toContain('网民');
  });

  test('the wrong status wins over the wrong role', () => {
    expect(transition('new', 'transfer', 'citizen')).toMatchObject({ ok: false, code: 'not_from_status' });
  });

  test.each(['fly', '', 'ACCEPT', 'toString', '__proto__'])('unknown event %p', (event) => {
    const result = transition('new', event as CaseEvent, 'staff');
    expect(result).toMatchObject({ ok: false, code: 'unknown_event' });
    if (!result.ok) expect(result.messageEn).toContain(`"${event}"`);
  });

  test('events that record an act keep the status', () => {
    expect(transition('coordinating', 'remind', 'system')).toEqual({ ok: true, to: 'coordinating' });
    expect(transition('transferred', 'sign', 'unit')).toEqual({ ok: true, to: 'transferred' });
    expect(transition('closed', 'decide_criticism', 'leader')).toEqual({ ok: true, to: 'closed' });
  });
});

describe('allowedEvents', () => {
  const cases: [string, string, string[]][] = [];
  for (const s of STATUSES) {
    for (const r of ROLES) cases.push([s, r, EVENTS.filter((e) => ALLOWED.has(`${s} ${e} ${r}`))]);
  }
  test.each(cases)('%s by %s', (status, role, expected) => {
    expect(allowedEvents(status as CaseStatus, role as ActorRole)).toEqual(expected);
  });

  test('a few by name', () => {
    expect(allowedEvents('accepted', 'staff')).toEqual(['decline', 'refer', 'reply', 'transfer', 'coordinate']);
    expect(allowedEvents('transferred', 'unit')).toEqual(['sign', 'return', 'request_extension', 'submit_feedback']);
    expect(allowedEvents('coordinating', 'unit')).toEqual(['sign', 'request_extension', 'submit_feedback']);
    expect(allowedEvents('replied', 'citizen')).toEqual(['rate_satisfied', 'rate_unsatisfied']);
    expect(allowedEvents('new', 'citizen')).toEqual([]);
  });
});
