import { describe, expect, it } from 'vitest';
import { allTabledZones, isKnownTimeZone, resolveTimeZones, UK_RULES, US_RULES, withinCallingWindow } from '../../../src/dialer/rules/index.js';

// 15 January 2024: New York on EST (UTC−5), Los Angeles on PST (UTC−8), Honolulu UTC−10.
const jan = (h: number, m = 0) => Date.UTC(2024, 0, 15, h, m);
// 15 July 2024: New York on EDT (UTC−4), London on BST (UTC+1).
const jul = (h: number, m = 0) => Date.UTC(2024, 6, 15, h, m);

const NY = '+12125550123';
const LA = '+12135550123';

describe('withinCallingWindow', () => {
  it('opens at 08:00 in the callee’s zone, not the dialler’s', () => {
    expect(withinCallingWindow(NY, jan(12, 59), US_RULES).allowed).toBe(false); // 07:59 EST
    expect(withinCallingWindow(NY, jan(13, 0), US_RULES).allowed).toBe(true); // 08:00 EST
    expect(withinCallingWindow(LA, jan(13, 0), US_RULES).allowed).toBe(false); // 05:00 PST
    expect(withinCallingWindow(LA, jan(16, 0), US_RULES).allowed).toBe(true); // 08:00 PST
  });

  it('follows daylight saving time', () => {
    expect(withinCallingWindow(NY, jul(12, 0), US_RULES).allowed).toBe(true); // 08:00 EDT
    expect(withinCallingWindow(NY, jan(12, 0), US_RULES).allowed).toBe(false); // 07:00 EST
  });

  it('closes before 21:00, a minute early by default so a ringing call does not run past it', () => {
    const at2058 = Date.UTC(2024, 0, 16, 1, 58); // 20:58 EST
    const at2059 = Date.UTC(2024, 0, 16, 1, 59); // 20:59 EST
    expect(withinCallingWindow(NY, at2058, US_RULES).allowed).toBe(true);
    expect(withinCallingWindow(NY, at2059, US_RULES).allowed).toBe(false);
    expect(withinCallingWindow(NY, at2059, US_RULES, undefined, { endMarginMs: 0 }).allowed).toBe(true);
    expect(withinCallingWindow(NY, Date.UTC(2024, 0, 16, 2, 0), US_RULES, undefined, { endMarginMs: 0 }).allowed).toBe(false);
  });

  it('reports each zone with its local time as evidence', () => {
    const v = withinCallingWindow(NY, jan(14, 30), US_RULES);
    expect(v).toMatchObject({ allowed: true, reason: 'inside', region: 'US', source: 'area-code' });
    expect(v.zones).toEqual([{ zone: 'America/New_York', localTime: '09:30', inside: true }]);
  });

  it('requires the window in every zone an area code straddles (850: Florida panhandle)', () => {
    const panhandle = '+18505550123';
    expect(resolveTimeZones(panhandle).zones).toEqual(['America/New_York', 'America/Chicago']);
    // 20:30 EST is 19:30 CST; both inside.
    expect(withinCallingWindow(panhandle, Date.UTC(2024, 0, 16, 1, 30), US_RULES).allowed).toBe(true);
    // 08:30 EST is 07:30 CST: not yet in Pensacola.
    expect(withinCallingWindow(panhandle, jan(13, 30), US_RULES).allowed).toBe(false);
  });

  it('treats an area code it cannot place as anywhere in the country', () => {
    const unplaced = '+14725550123'; // a valid NANP code the tables leave out
    const r = resolveTimeZones(unplaced);
    expect(r).toMatchObject({ region: 'US', source: 'region' });
    expect(r.zones).toContain('Pacific/Honolulu');
    expect(r.zones).toContain('America/New_York');
    // 16:00 UTC: 11:00 in New York but 06:00 in Honolulu.
    expect(withinCallingWindow(unplaced, jan(16, 0), US_RULES).allowed).toBe(false);
    // 19:00 UTC: 14:00 in New York, 09:00 in Honolulu, 10:00 in Anchorage.
    expect(withinCallingWindow(unplaced, jan(19, 0), US_RULES).allowed).toBe(true);
  });

  it('places Canadian, Puerto Rican and UK numbers', () => {
    expect(resolveTimeZones('+16045550123').zones).toEqual(['America/Vancouver']);
    expect(resolveTimeZones('+17875550123').zones).toEqual(['America/Puerto_Rico']);
    expect(withinCallingWindow('+442079460000', jul(7, 0), UK_RULES).allowed).toBe(true); // 08:00 BST
    expect(withinCallingWindow('+442079460000', jul(6, 59), UK_RULES).allowed).toBe(false);
  });

  it('uses Australian geographic prefixes, and every Australian zone for mobiles', () => {
    expect(resolveTimeZones('+61291234567')).toMatchObject({ source: 'number-prefix', zones: ['Australia/Sydney', 'Australia/Lord_Howe'] });
    expect(resolveTimeZones('+61412345678').zones).toContain('Australia/Perth');
  });

  it('an explicit time zone wins; an invalid one blocks rather than guesses', () => {
    expect(withinCallingWindow(LA, jan(13, 0), US_RULES, 'America/New_York')).toMatchObject({ allowed: true, source: 'explicit' });
    expect(withinCallingWindow(LA, jan(13, 0), US_RULES, 'Mars/Olympus_Mons')).toMatchObject({ allowed: false, reason: 'invalid-time-zone' });
  });

  it('never allows an invalid number or a region without a zone table', () => {
    expect(withinCallingWindow('+19995550123', jan(16), US_RULES)).toMatchObject({ allowed: false, reason: 'invalid-number' });
    expect(withinCallingWindow('+5511987654321', jan(16), US_RULES)).toMatchObject({ allowed: false, reason: 'unknown-time-zone', region: 'BR' });
  });

  it('only names zones the runtime knows', () => {
    expect(allTabledZones().filter((z) => !isKnownTimeZone(z))).toEqual([]);
  });
});
