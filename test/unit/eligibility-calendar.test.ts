// Contract conventions on dates and ages: calendar days in Los Angeles, partial dates, month windows, birthdays.
import { describe, expect, it } from 'vitest';
import { ageOn, columnsFor, possibleAges, restrictToColumn } from '../../src/eligibility/age.js';
import { dayRange, dayToIso, minusMonths, parseFullDate, todayInLosAngeles } from '../../src/eligibility/calendar.js';

const day = (s: string) => parseFullDate(s) as number;
const range = (s: string) => {
  const r = dayRange(s);
  return r && [dayToIso(r.lo), dayToIso(r.hi)];
};

describe('dates as calendar days', () => {
  it('a full date is one day; an impossible date is invalid', () => {
    expect(range('2026-02-28')).toEqual(['2026-02-28', '2026-02-28']);
    expect(range('2026-02-29')).toBeUndefined();
    expect(range('2024-02-29')).toEqual(['2024-02-29', '2024-02-29']);
    expect(range('2026-13-01')).toBeUndefined();
    expect(range('yesterday')).toBeUndefined();
    expect(dayRange(undefined)).toBeUndefined();
  });

  it('a partial date stands for every day it covers', () => {
    expect(range('2026')).toEqual(['2026-01-01', '2026-12-31']);
    expect(range('2026-06')).toEqual(['2026-06-01', '2026-06-30']);
    expect(range('2024-02')).toEqual(['2024-02-01', '2024-02-29']);
  });

  it('a dateTime counts as its calendar date in America/Los_Angeles', () => {
    expect(range('2026-01-01T03:00:00Z')).toEqual(['2025-12-31', '2025-12-31']);
    expect(range('2026-01-01T08:00:00Z')).toEqual(['2026-01-01', '2026-01-01']);
    expect(range('2026-01-01T07:59:59.999Z')).toEqual(['2025-12-31', '2025-12-31']);
    expect(range('2025-12-31T23:30:00-05:00')).toEqual(['2025-12-31', '2025-12-31']);
    expect(range('2026-03-01T01:00:00+09:00')).toEqual(['2026-02-28', '2026-02-28']);
  });

  it('follows daylight saving time: 07:00-08:00 UTC is the previous day in winter, the same day in summer', () => {
    expect(range('2026-07-01T07:30:00Z')).toEqual(['2026-07-01', '2026-07-01']);
    expect(range('2026-01-15T07:30:00Z')).toEqual(['2026-01-14', '2026-01-14']);
    // DST starts 2026-03-08 10:00 UTC and ends 2026-11-01 09:00 UTC.
    expect(range('2026-03-08T07:30:00Z')).toEqual(['2026-03-07', '2026-03-07']);
    expect(range('2026-11-01T07:30:00Z')).toEqual(['2026-11-01', '2026-11-01']);
  });

  it('today defaults to the Los Angeles date', () => {
    expect(todayInLosAngeles(new Date('2026-01-01T05:00:00Z'))).toBe('2025-12-31');
    expect(todayInLosAngeles(new Date('2026-07-01T12:00:00Z'))).toBe('2026-07-01');
  });
});

describe('asOf - N months', () => {
  it('is the same day N months earlier', () => {
    expect(dayToIso(minusMonths(day('2026-06-15'), 6))).toBe('2025-12-15');
    expect(dayToIso(minusMonths(day('2026-06-15'), 12))).toBe('2025-06-15');
  });

  it("clamps to the month's last day when it has no such day", () => {
    expect(dayToIso(minusMonths(day('2026-08-31'), 6))).toBe('2026-02-28');
    expect(dayToIso(minusMonths(day('2028-08-31'), 6))).toBe('2028-02-29');
    expect(dayToIso(minusMonths(day('2025-02-28'), 12))).toBe('2024-02-28');
    expect(dayToIso(minusMonths(day('2024-02-29'), 12))).toBe('2023-02-28');
    expect(dayToIso(minusMonths(day('2026-05-31'), 1))).toBe('2026-04-30');
  });
});

describe('age', () => {
  it('gains a year on the birthday', () => {
    expect(ageOn(day('2005-06-15'), day('2026-06-14'))).toBe(20);
    expect(ageOn(day('2005-06-15'), day('2026-06-15'))).toBe(21);
  });

  it('a 29 February birthday comes on 1 March in common years', () => {
    expect(ageOn(day('2004-02-29'), day('2025-02-28'))).toBe(20);
    expect(ageOn(day('2004-02-29'), day('2025-03-01'))).toBe(21);
    expect(ageOn(day('2004-02-29'), day('2024-02-29'))).toBe(20);
  });

  it('a partial or absent birthDate gives every possible age, and then both columns when they straddle 21', () => {
    expect(possibleAges('2005', day('2026-06-15'))).toEqual({ min: 20, max: 21 });
    expect(columnsFor(possibleAges('2005', day('2026-06-15')))).toEqual(['adult', 'child']);
    expect(possibleAges('2005-06', day('2026-06-15'))).toEqual({ min: 20, max: 21 });
    expect(possibleAges('2005-05', day('2026-06-15'))).toEqual({ min: 21, max: 21 });
    expect(columnsFor(possibleAges(undefined, day('2026-06-15')))).toEqual(['adult', 'child']);
    expect(possibleAges('1990-01-01T00:00:00Z', day('2026-06-15')).max).toBe(Number.POSITIVE_INFINITY);
    expect(restrictToColumn({ min: 20, max: 21 }, 'adult')).toEqual({ min: 21, max: 21 });
    expect(restrictToColumn({ min: 20, max: 21 }, 'child')).toEqual({ min: 20, max: 20 });
  });
});
