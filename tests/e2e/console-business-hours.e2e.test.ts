import { type Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { saveScreenshot } from '../helpers/browser.js';
import { consoleSuite } from '../helpers/console-e2e.js';
import { ADMIN } from '../helpers/hub.js';

// The business-hours admin screen in a real browser against a hub with real
// services: the calendar of an IVR flow is listed with whether it is open now,
// edited (hours, a Jalali holiday typed as a Jalali date), saved through the
// calendars API, and a time zone the hub does not know comes back as an error
// under that field. In Persian the week starts on Saturday and dates are Jalali.

const BUSINESS = '+15005550006';
const e2e = consoleSuite('e2e_business_hours');

const flow = {
  name: 'Main line',
  start: 'hours',
  calendars: { office: { timezone: 'Asia/Tehran', weekly: { sat: ['08:00-17:00'], sun: ['08:00-17:00'] }, jalaliHolidays: ['01-01'] } },
  nodes: {
    hours: { type: 'hours', calendar: 'office', open: 'queue', closed: 'bye' },
    queue: { type: 'queue', queue: 'voice' },
    bye: { type: 'hangup', prompt: 'We are closed.' },
  },
};

beforeAll(async () => {
  expect((await e2e.admin.json('PUT', `/api/voice/flows/${BUSINESS}`, flow)).status).toBe(200);
});

/** Text without the direction isolates (LRI, PDI) that keep "+98…" readable inside Persian sentences. */
const plain = (text: string | null) => (text ?? '').replace(/[\u2066-\u2069]/g, '');
const day = (page: Page, d: string) => page.locator(`[data-testid="hours-day"][data-day="${d}"]`);
const stored = async () => (await e2e.admin.json<{ flow: typeof flow }>('GET', `/api/voice/flows/${BUSINESS}`)).body.flow.calendars.office;

describe('business hours admin', () => {
  it('edits and saves a calendar; a time zone the hub does not know is shown under the field; Persian reads Jalali', async () => {
    const page = await e2e.openConsole(ADMIN, { viewport: { width: 1280, height: 900 } });
    await page.getByTestId('nav-admin').click();
    await page.getByTestId('admin-tab-hours').click();
    const row = page.getByTestId('hours-row');
    await row.waitFor();
    expect(await row.getAttribute('data-number')).toBe(BUSINESS);
    expect(await row.getAttribute('data-name')).toBe('office');
    // Open or closed depends on when the test runs; either way it says which, and why when closed.
    expect(await row.getByTestId('hours-state').textContent()).toMatch(/^(Open now|Closed: .+)$/);

    await row.getByTestId('hours-edit').click();
    const form = page.getByTestId('hours-form');
    await form.waitFor();
    expect(plain(await page.locator(':focus').textContent())).toBe(`Calendar “office” · ${BUSINESS}`);

    // Tuesday opens 09:00–12:30 and 13:30–18:00; Sunday closes.
    await day(page, 'tue').getByTestId('hours-add-interval').click();
    await day(page, 'tue').getByTestId('hours-end').fill('12:30');
    await day(page, 'tue').getByTestId('hours-add-interval').click();
    await day(page, 'tue').getByTestId('hours-start').nth(1).fill('13:30');
    await day(page, 'tue').getByTestId('hours-end').nth(1).fill('18:00');
    await day(page, 'sun').getByTestId('hours-remove-interval').click();
    expect(await day(page, 'sun').textContent()).toContain('Closed');

    // Sizdah Bedar 1404, typed as a Jalali date; the list says it in words with its Gregorian date.
    const jalali = page.getByTestId('hours-holidays-jalali');
    await jalali.getByTestId('hours-holiday-day').fill('13');
    await jalali.getByTestId('hours-holiday-month').selectOption('1');
    await jalali.getByTestId('hours-holiday-year').fill('1404');
    await jalali.getByTestId('hours-holiday-add').click();
    await expect.poll(() => jalali.getByTestId('hours-holiday').allTextContents()).toEqual([expect.stringContaining('1 Farvardin, every year'), expect.stringContaining('13 Farvardin 1404 (2 April 2025)')]);

    // A zone the hub does not know: its own words, under the field, which gets the focus.
    await form.getByTestId('hours-timezone').fill('Asia/Tehrn');
    await form.getByTestId('hours-save').click();
    const tzError = form.getByTestId('field-error-timezone');
    await tzError.waitFor();
    expect(await tzError.textContent()).toContain('unknown time zone "Asia/Tehrn"');
    await expect.poll(() => page.locator(':focus').getAttribute('data-testid')).toBe('hours-timezone');
    expect(await form.getByTestId('hours-timezone').getAttribute('aria-invalid')).toBe('true');
    expect((await stored()).timezone).toBe('Asia/Tehran');
    await saveScreenshot(page, 'business-hours-error-en.png', { fullPage: true });

    // Fixed, it saves: the hub has exactly what the form showed.
    await form.getByTestId('hours-timezone').fill('Asia/Tehran');
    await form.getByTestId('hours-save').click();
    await page.getByTestId('admin-saved').waitFor();
    expect(plain(await page.getByTestId('admin-saved').textContent())).toBe(`Business hours “office” of ${BUSINESS} saved.`);
    await expect.poll(stored).toEqual({ timezone: 'Asia/Tehran', weekly: { sat: ['08:00-17:00'], tue: ['09:00-12:30', '13:30-18:00'] }, holidays: [], jalaliHolidays: ['01-01', '1404-01-13'] });
    const audit = await e2e.hub.db.selectFrom('audit_log').select('action').where('action', '=', 'voice_calendar.update').execute();
    expect(audit).toHaveLength(1);

    // In Persian: Saturday first, Persian day names, Jalali dates in Persian digits, mirrored.
    await page.getByTestId('lang-switch').click();
    await page.getByTestId('hours-row').getByTestId('hours-edit').click();
    await form.waitFor();
    expect(await page.evaluate('document.documentElement.dir')).toBe('rtl');
    expect(await page.getByTestId('hours-day').first().getAttribute('data-day')).toBe('sat');
    expect(await day(page, 'tue').textContent()).toContain('سه‌شنبه');
    expect(await jalali.getByTestId('hours-holiday').nth(1).textContent()).toContain('۱۳ فروردین ۱۴۰۴');
    expect(plain(await page.locator('#hours-form-title').textContent())).toBe(`تقویم «office» · ${BUSINESS}`);
    // The day names sit on the right in RTL.
    const name = await day(page, 'sat').locator('.hours-day-name').boundingBox();
    const start = await day(page, 'sat').getByTestId('hours-start').boundingBox();
    expect(name!.x).toBeGreaterThan(start!.x);
    await saveScreenshot(page, 'business-hours-fa.png', { fullPage: true });
  }, 60_000);
});
