// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { BusinessCalendarDto, BusinessCalendarsDto, Calendar } from '../../src/channels/voice/contracts.js';
import { BusinessHoursAdmin } from '../src/console/admin/BusinessHoursAdmin.js';
import { I18nProvider } from '../src/console/i18n/I18nProvider.js';

const office: BusinessCalendarDto = {
  number: '+15005550006',
  flowName: 'Main line',
  name: 'office',
  calendar: { timezone: 'Asia/Tehran', weekly: { sat: ['08:00-17:00'], tue: ['08:00-17:00'] }, jalaliHolidays: ['01-01'] },
  usedBy: ['hours'],
  state: { open: false, reason: 'outside-hours' },
  updatedAt: '2025-05-06T06:30:00.000Z',
};

interface Call {
  method: string;
  url: string;
  body: unknown;
}

const calls: Call[] = [];
/** What the hub answers to the next PUT. */
let answer: (body: Calendar) => { status: number; body: unknown };

beforeEach(() => {
  localStorage.clear();
  localStorage.setItem('pasokh:console:lang', 'en');
  calls.length = 0;
  answer = (body) => ({ status: 200, body: { calendar: { ...office, calendar: body } } });
  vi.stubGlobal('fetch', async (url: string, init?: RequestInit) => {
    const method = init?.method ?? 'GET';
    const body: unknown = init?.body ? JSON.parse(String(init.body)) : undefined;
    calls.push({ method, url, body });
    const reply =
      method === 'GET' && url === '/api/voice/calendars'
        ? { status: 200, body: { calendars: [office], unreadable: [], now: '2025-05-06T06:30:00.000Z' } satisfies BusinessCalendarsDto }
        : method === 'PUT'
          ? answer(body as Calendar)
          : { status: 404, body: { error: { code: 'not_found', message: 'no' } } };
    return new Response(JSON.stringify(reply.body), { status: reply.status, headers: { 'content-type': 'application/json' } });
  });
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

async function openForm(lang: 'en' | 'fa' = 'en') {
  localStorage.setItem('pasokh:console:lang', lang);
  render(
    <I18nProvider>
      <BusinessHoursAdmin />
    </I18nProvider>,
  );
  const row = await screen.findByTestId('hours-row');
  fireEvent.click(within(row).getByTestId('hours-edit'));
  return screen.getByTestId('hours-form');
}

const day = (form: HTMLElement, d: string) => form.querySelector<HTMLElement>(`[data-testid="hours-day"][data-day="${d}"]`)!;
const holidays = (form: HTMLElement, kind: 'gregorian' | 'jalali') => within(within(form).getByTestId(`hours-holidays-${kind}`));

describe('business hours admin', () => {
  it('lists the calendar with why it is closed now, and opens it with its hours and Jalali holiday in words', async () => {
    render(
      <I18nProvider>
        <BusinessHoursAdmin />
      </I18nProvider>,
    );
    const row = await screen.findByTestId('hours-row');
    expect(within(row).getByTestId('hours-state').textContent).toBe('Closed: outside opening hours');
    expect(row.textContent).toContain('Asia/Tehran');
    // The number is isolated left-to-right inside the sentence (LRI … PDI), so "+" stays in front in Persian too.
    fireEvent.click(within(row).getByRole('button', { name: 'Edit calendar office of \u2066+15005550006\u2069' }));
    const form = screen.getByTestId('hours-form');
    // English weeks start on Monday; Tuesday and Saturday are open, the others closed.
    expect([...form.querySelectorAll('[data-testid="hours-day"]')].map((d) => d.getAttribute('data-day'))).toEqual(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);
    expect(within(day(form, 'tue')).getByLabelText('Tuesday: opening time 1')).toHaveProperty('value', '08:00');
    expect(within(day(form, 'mon')).getByText('Closed')).toBeTruthy();
    expect(holidays(form, 'jalali').getByTestId('hours-holiday').textContent).toContain('1 Farvardin, every year');
  });

  it('takes a Jalali holiday as day, Jalali month and year (Persian digits too), shows its Gregorian date, and refuses days the month lacks', async () => {
    const form = await openForm();
    const jalali = holidays(form, 'jalali');
    fireEvent.change(jalali.getByTestId('hours-holiday-day'), { target: { value: '۱۳' } });
    fireEvent.change(jalali.getByTestId('hours-holiday-month'), { target: { value: '1' } });
    fireEvent.change(jalali.getByTestId('hours-holiday-year'), { target: { value: '۱۴۰۴' } });
    fireEvent.click(jalali.getByTestId('hours-holiday-add'));
    expect(jalali.getAllByTestId('hours-holiday').map((li) => li.getAttribute('data-value'))).toEqual(['01-01', '1404-01-13']);
    expect(jalali.getAllByTestId('hours-holiday')[1]!.textContent).toContain('13 Farvardin 1404 (2 April 2025)');

    // 30 Esfand exists in 1403 (a leap year) but not in 1404; Enter in the adder adds, it does not submit the form.
    fireEvent.change(jalali.getByTestId('hours-holiday-day'), { target: { value: '30' } });
    fireEvent.change(jalali.getByTestId('hours-holiday-month'), { target: { value: '12' } });
    fireEvent.change(jalali.getByTestId('hours-holiday-year'), { target: { value: '1404' } });
    fireEvent.keyDown(jalali.getByTestId('hours-holiday-year'), { key: 'Enter' });
    expect(jalali.getByTestId('field-error-jalaliHolidays.new').textContent).toBe('That month has no such day.');
    expect(jalali.getByTestId('hours-holiday-day').getAttribute('aria-invalid')).toBe('true');
    fireEvent.change(jalali.getByTestId('hours-holiday-year'), { target: { value: '1403' } });
    fireEvent.keyDown(jalali.getByTestId('hours-holiday-year'), { key: 'Enter' });
    expect(jalali.queryByTestId('field-error-jalaliHolidays.new')).toBeNull();
    expect(jalali.getAllByTestId('hours-holiday').at(-1)!.textContent).toContain('30 Esfand 1403 (20 March 2025)');
    expect(calls.filter((c) => c.method === 'PUT')).toHaveLength(0);

    fireEvent.click(screen.getByTestId('hours-save'));
    await screen.findByTestId('admin-saved');
    const put = calls.find((c) => c.method === 'PUT')!;
    expect(put.url).toBe('/api/voice/flows/%2B15005550006/calendars/office');
    expect(put.body).toEqual({ timezone: 'Asia/Tehran', weekly: { tue: ['08:00-17:00'], sat: ['08:00-17:00'] }, holidays: [], jalaliHolidays: ['01-01', '1404-01-13', '1403-12-30'] });
  });

  it("shows the hub's field errors beside the time zone and the interval, and moves focus to the first", async () => {
    answer = () => ({
      status: 400,
      body: {
        error: {
          code: 'invalid_request',
          message: 'body.timezone: unknown time zone "Asia/Tehrn" (use an IANA name such as Asia/Tehran)',
          details: [
            { path: 'body.timezone', message: 'unknown time zone "Asia/Tehrn" (use an IANA name such as Asia/Tehran)' },
            { path: 'body.weekly.tue.0', message: '"08:00-17:00" is not an interval "HH:MM-HH:MM" with the start before the end' },
          ],
        },
      },
    });
    const form = await openForm();
    fireEvent.change(within(form).getByTestId('hours-timezone'), { target: { value: 'Asia/Tehrn' } });
    fireEvent.click(within(form).getByTestId('hours-save'));

    const tzError = await within(form).findByTestId('field-error-timezone');
    expect(tzError.textContent).toContain('unknown time zone "Asia/Tehrn"');
    const tz = within(form).getByTestId('hours-timezone');
    expect(tz.getAttribute('aria-invalid')).toBe('true');
    expect(tz.getAttribute('aria-describedby')).toBe(tzError.id);
    await waitFor(() => expect(document.activeElement).toBe(tz));
    expect(within(day(form, 'tue')).getByTestId('field-error-weekly.tue.0').textContent).toContain('with the start before the end');
    expect(within(form).queryByTestId('form-error')).toBeNull();
    // The form stays open with what was typed, ready to fix.
    expect(tz).toHaveProperty('value', 'Asia/Tehrn');
  });

  it('checks the clock times before asking the hub: a closing time before the opening one, and a time that is not one', async () => {
    const form = await openForm();
    const tue = day(form, 'tue');
    fireEvent.change(within(tue).getByTestId('hours-end'), { target: { value: '07:30' } });
    fireEvent.click(within(day(form, 'mon')).getByTestId('hours-add-interval'));
    fireEvent.change(within(day(form, 'mon')).getByTestId('hours-start'), { target: { value: '9.5' } });
    fireEvent.click(within(form).getByTestId('hours-save'));
    expect(within(tue).getByTestId('field-error-weekly.tue.0').textContent).toBe('The closing time must be after the opening time.');
    expect(within(day(form, 'mon')).getByTestId('field-error-weekly.mon.0').textContent).toBe('Write the time as HH:MM, e.g. 09:00.');
    expect(calls.filter((c) => c.method === 'PUT')).toHaveLength(0);

    // Fixed (Persian digits are fine), it saves.
    fireEvent.change(within(tue).getByTestId('hours-end'), { target: { value: '۱۶:۳۰' } });
    fireEvent.change(within(day(form, 'mon')).getByTestId('hours-start'), { target: { value: '9:30' } });
    fireEvent.click(within(form).getByTestId('hours-save'));
    await screen.findByTestId('admin-saved');
    expect(calls.find((c) => c.method === 'PUT')!.body).toMatchObject({ weekly: { mon: ['09:30-17:00'], tue: ['08:00-16:30'] } });
  });

  it('in Persian: Saturday first, Jalali dates in Persian words and digits', async () => {
    const form = await openForm('fa');
    expect([...form.querySelectorAll('[data-testid="hours-day"]')].map((d) => d.getAttribute('data-day'))[0]).toBe('sat');
    expect(within(day(form, 'sat')).getByText('شنبه')).toBeTruthy();
    expect(holidays(form, 'jalali').getByTestId('hours-holiday').textContent).toContain('۱ فروردین، هر سال');
    expect(within(form).getByTestId('hours-preview').textContent).toContain('با این تنظیمات:');
  });
});
