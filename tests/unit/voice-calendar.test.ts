import { describe, expect, it } from 'vitest';
import { businessState, localDay, parseHoliday, parseInterval, toJalali, type Calendar } from '../../src/channels/voice/calendar.js';

const tehran: Calendar = {
  timezone: 'Asia/Tehran',
  weekly: { sat: ['08:00-12:00', '13:00-17:00'], sun: ['08:00-17:00'], wed: ['08:00-24:00'] },
  holidays: ['2025-05-31', '12-25'],
  jalaliHolidays: ['01-01', '01-02', '01-03', '01-04', '01-12', '01-13', '1404-03-14'],
};

describe('Jalali dates', () => {
  it('converts Gregorian civil dates (Nowruz falls on 20 or 21 March)', () => {
    expect(toJalali(2024, 3, 20)).toEqual({ year: 1403, month: 1, day: 1 });
    expect(toJalali(2025, 3, 21)).toEqual({ year: 1404, month: 1, day: 1 });
    expect(toJalali(2025, 3, 20)).toEqual({ year: 1403, month: 12, day: 30 });
    expect(toJalali(2025, 9, 23)).toEqual({ year: 1404, month: 7, day: 1 });
  });

  it('reads the local date, weekday and time in the calendar’s zone', () => {
    // 23:30 UTC on 21 March is already 22 March (Saturday) 03:00 in Tehran.
    expect(localDay(new Date('2025-03-21T23:30:00Z'), 'Asia/Tehran')).toEqual({
      gregorian: { year: 2025, month: 3, day: 22 },
      jalali: { year: 1404, month: 1, day: 2 },
      weekday: 'sat',
      minutes: 180,
    });
  });
});

describe('business hours', () => {
  it('open inside an interval, closed in the lunch gap and on days without hours', () => {
    // Saturday 3 May 2025.
    expect(businessState(tehran, new Date('2025-05-03T05:00:00Z'))).toEqual({ open: true, reason: 'open' }); // 08:30
    expect(businessState(tehran, new Date('2025-05-03T09:00:00Z')).open).toBe(false); // 12:30
    expect(businessState(tehran, new Date('2025-05-03T13:29:00Z')).open).toBe(true); // 16:59
    expect(businessState(tehran, new Date('2025-05-03T13:30:00Z'))).toEqual({ open: false, reason: 'outside-hours' }); // 17:00
    expect(businessState(tehran, new Date('2025-05-02T06:00:00Z')).open).toBe(false); // Friday
    expect(businessState(tehran, new Date('2025-05-07T20:29:00Z')).open).toBe(true); // Wednesday 23:59, "24:00" end
  });

  it('closed on Gregorian holidays, once or every year', () => {
    expect(businessState(tehran, new Date('2025-05-31T06:00:00Z'))).toEqual({ open: false, reason: 'holiday' }); // a Saturday
    expect(businessState(tehran, new Date('2022-12-25T06:00:00Z'))).toEqual({ open: false, reason: 'holiday' }); // Sunday, yearly
  });

  it('closed on Jalali holidays: yearly Nowruz and a one-off date', () => {
    expect(businessState(tehran, new Date('2026-03-21T06:00:00Z'))).toEqual({ open: false, reason: 'jalali-holiday' }); // 1 Farvardin 1405, Saturday
    expect(businessState(tehran, new Date('2025-04-02T06:00:00Z')).reason).toBe('jalali-holiday'); // 13 Farvardin (Wednesday)
    expect(businessState(tehran, new Date('2025-06-04T06:00:00Z')).reason).toBe('jalali-holiday'); // 14 Khordad 1404 (Wednesday)
    expect(businessState(tehran, new Date('2026-06-04T06:00:00Z')).reason).not.toBe('jalali-holiday'); // 14 Khordad 1405 is not listed
  });

  it('parses intervals and holidays strictly', () => {
    expect(parseInterval('08:00-12:30')).toEqual([480, 750]);
    expect(parseInterval('00:00-24:00')).toEqual([0, 1440]);
    expect(parseInterval('12:00-12:00')).toBeNull();
    expect(parseInterval('24:00-24:30')).toBeNull();
    expect(parseHoliday('02-29', 'gregorian')).toEqual({ month: 2, day: 29 });
    expect(parseHoliday('2025-02-29', 'gregorian')).toBeNull();
    expect(parseHoliday('06-31', 'jalali')).toEqual({ month: 6, day: 31 });
    expect(parseHoliday('07-31', 'jalali')).toBeNull();
  });
});
