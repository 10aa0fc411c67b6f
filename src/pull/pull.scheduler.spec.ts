/**
 * dueSlot: the schedule's fire time within the last tick, (now - 1 minute, now]. Pure; the Nest
 * class is not instantiated.
 */
import { dueSlot } from './pull.scheduler';

const at = (iso: string) => new Date(iso);

describe('dueSlot', () => {
  test.each<[string, string, string, string | undefined]>([
    ['a slot 20 s ago is due', '*/5 * * * *', '2026-11-26T02:05:20Z', '2026-11-26T02:05:00.000Z'],
    ['a slot exactly now is due', '*/5 * * * *', '2026-11-26T02:05:00Z', '2026-11-26T02:05:00.000Z'],
    ['a slot 59.999 s ago is due', '*/5 * * * *', '2026-11-26T02:05:59.999Z', '2026-11-26T02:05:00.000Z'],
    ['a slot exactly one minute ago was the previous tick', '*/5 * * * *', '2026-11-26T02:06:00Z', undefined],
    ['two minutes after the slot: not due', '*/5 * * * *', '2026-11-26T02:07:00Z', undefined],
    ['just before the slot: not due', '*/5 * * * *', '2026-11-26T02:04:59.999Z', undefined],
    ['every minute is always due', '* * * * *', '2026-11-26T02:07:30Z', '2026-11-26T02:07:00.000Z'],
    ['every 30 minutes at :30', '*/30 * * * *', '2026-11-26T02:30:45Z', '2026-11-26T02:30:00.000Z'],
    ['every 30 minutes at :45: not due', '*/30 * * * *', '2026-11-26T02:45:00Z', undefined],
    ['hourly on the hour', '0 * * * *', '2026-11-26T03:00:30Z', '2026-11-26T03:00:00.000Z'],
    ['hourly at :01: the hour was the previous tick', '0 * * * *', '2026-11-26T03:01:00Z', undefined],
    ['hourly at :30: not due', '0 * * * *', '2026-11-26T03:30:00Z', undefined],
    ['across midnight UTC', '0 * * * *', '2026-11-27T00:00:10Z', '2026-11-27T00:00:00.000Z'],
  ])('%s (%s at %s)', (_name, schedule, now, expected) => {
    expect(dueSlot(schedule, at(now))?.toISOString()).toBe(expected);
  });

  test('hourly in Asia/Shanghai, given explicitly', () => {
    expect(dueSlot('0 * * * *', at('2026-11-26T16:00:05Z'), 'Asia/Shanghai')?.toISOString()).toBe('2026-11-26T16:00:00.000Z');
    expect(dueSlot('0 * * * *', at('2026-11-26T16:30:05Z'), 'Asia/Shanghai')).toBeUndefined();
  });

  test('consecutive ticks find each slot exactly once', () => {
    const start = at('2026-11-26T01:00:30Z').getTime();
    const slots: string[] = [];
    for (let i = 0; i < 60; i++) {
      const slot = dueSlot('*/15 * * * *', new Date(start + i * 60_000));
      if (slot) slots.push(slot.toISOString());
    }
    expect(slots).toEqual(['2026-11-26T01:00:00.000Z', '2026-11-26T01:15:00.000Z', '2026-11-26T01:30:00.000Z', '2026-11-26T01:45:00.000Z']);
  });

  test('returns a Date', () => {
    expect(dueSlot('*/5 * * * *', at('2026-11-26T02:05:20Z'))).toBeInstanceOf(Date);
  });

  test.each<[string]>([['whenever'], [''], ['61 * * * *'], ['* * * * * * *'], ['*/5 * * *']])('invalid expression %j → undefined', (schedule) => {
    expect(dueSlot(schedule, at('2026-11-26T02:05:20Z'))).toBeUndefined();
  });

  test('an unknown time zone → undefined', () => {
    expect(dueSlot('*/5 * * * *', at('2026-11-26T02:05:20Z'), 'Mars/Olympus_Mons')).toBeUndefined();
  });
});

test('the schedule is read in Asia/Shanghai whatever the process zone: 09:00 there is 01:00Z', () => {
  expect(dueSlot('0 9 * * *', at('2026-11-26T01:00:10Z'))).toEqual(at('2026-11-26T01:00:00Z'));
  expect(dueSlot('0 9 * * *', at('2026-11-26T09:00:10Z'))).toBeUndefined();
});
