// Decision deadlines: business days in California time, weekends and configured holidays skipped; expedited in hours.
import { describe, expect, it } from 'vitest';
import { businessDaysAfter, decisionDeadline, pacificMidnight } from '../../src/referrals/deadlines.js';

const policy = { routineBusinessDays: 5, expeditedHours: 72, holidays: [] as string[] };

describe('routine decisions are due at the end of the 5th business day after receipt', () => {
  it('received on a Friday afternoon: due the next Friday, 23:59:59.999 Pacific (weekend skipped)', () => {
    const due = businessDaysAfter(new Date('2026-03-06T15:00:00-08:00'), 5, []);
    expect(due.toISOString()).toBe('2026-03-14T06:59:59.999Z'); // Fri 13 Mar 23:59:59.999 PDT (DST began 8 Mar)
  });

  it('received on a Saturday: counting starts Monday, due Friday', () => {
    expect(businessDaysAfter(new Date('2026-01-10T12:00:00-08:00'), 5, []).toISOString()).toBe('2026-01-17T07:59:59.999Z');
  });

  it('received late Thursday evening Pacific (already Friday in UTC) counts from Thursday', () => {
    expect(businessDaysAfter(new Date('2026-01-09T06:30:00Z'), 1, []).toISOString()).toBe('2026-01-10T07:59:59.999Z');
  });

  it('a configured holiday is skipped', () => {
    // Received Wednesday 14 Jan; Monday 19 Jan (MLK Day) closed: Thu, Fri, Tue, Wed, Thu 22 Jan.
    expect(businessDaysAfter(new Date('2026-01-14T10:00:00-08:00'), 5, []).toISOString()).toBe('2026-01-22T07:59:59.999Z');
    expect(businessDaysAfter(new Date('2026-01-14T10:00:00-08:00'), 5, ['2026-01-19']).toISOString()).toBe('2026-01-23T07:59:59.999Z');
  });

  it('expedited (urgent, asap, stat) is 72 hours from receipt, weekends included', () => {
    const received = new Date('2026-01-09T16:00:00Z');
    for (const priority of ['urgent', 'asap', 'stat'] as const) {
      expect(decisionDeadline({ resourceType: 'Task', status: 'requested', intent: 'order', priority }, received, policy).toISOString()).toBe('2026-01-12T16:00:00.000Z');
    }
    expect(decisionDeadline({ resourceType: 'Task', status: 'requested', intent: 'order', priority: 'routine' }, received, policy).toISOString()).toBe('2026-01-17T07:59:59.999Z');
  });

  it('Pacific midnight follows daylight saving time', () => {
    expect(pacificMidnight('2026-07-01').toISOString()).toBe('2026-07-01T07:00:00.000Z');
    expect(pacificMidnight('2026-12-01').toISOString()).toBe('2026-12-01T08:00:00.000Z');
  });
});
