import { roundHalfUp } from './round';
import { WORKFLOW_AT_INDEX_TYPES } from '../../../migrations/1764250000000-stats-and-reports';
import { WORKFLOW_EVENT_TYPES } from '../stats.repository';

describe('roundHalfUp', () => {
  test.each([
    [43.74999999999999, 1, 43.8],
    [41 / 40, 2, 1.03],
    [63.238, 1, 63.2],
    [100, 1, 100],
    [-2.25, 1, -2.2],
    [0, 2, 0],
  ])('%d to %i places is %d', (x, d, want) => {
    expect(roundHalfUp(x, d)).toBe(want);
  });
});

describe('the partial index of workflow events', () => {
  it('lists exactly the event types the statistics query with it (else the planner cannot use it)', () => {
    expect([...WORKFLOW_EVENT_TYPES]).toEqual(WORKFLOW_AT_INDEX_TYPES);
  });
});
