// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ReportDto, ReportRowDto } from '../../src/contracts/index.js';
import { I18nProvider } from '../src/console/i18n/I18nProvider.js';
import { ReportsPage } from '../src/console/reports/ReportsPage.js';
import { addDays, lastDays, rangeProblem, reportQuery } from '../src/console/reports/range.js';

const row = (id: string, name: string, p: Partial<ReportRowDto> = {}): ReportRowDto => ({
  id,
  name,
  offered: 0,
  answered: 0,
  abandoned: 0,
  serviceLevel: null,
  asaSeconds: null,
  ahtSeconds: null,
  abandonRate: null,
  occupancy: null,
  loggedInSeconds: null,
  busySeconds: null,
  firstResponseSeconds: null,
  resolutionSeconds: null,
  csatAverage: null,
  csatCount: 0,
  ...p,
});

const sales = row('q1', 'Sales, "VIP"', { offered: 12, answered: 10, abandoned: 2, serviceLevel: 0.8, asaSeconds: 42.4, ahtSeconds: 605, abandonRate: 1 / 6, firstResponseSeconds: 65, resolutionSeconds: 3725, csatAverage: 4.25, csatCount: 4 });
const report = (p: Partial<ReportDto> = {}): ReportDto => ({
  from: '2026-11-17',
  to: '2026-11-24',
  tz: 'Asia/Tehran',
  groupBy: 'queue',
  rows: [sales, row('q2', 'quiet')],
  total: row('total', 'total', { offered: 12, answered: 10, abandoned: 2, serviceLevel: 0.8, asaSeconds: 42.4, ahtSeconds: 605, abandonRate: 1 / 6, occupancy: 0.5, csatAverage: 4.25, csatCount: 4 }),
  ...p,
});

let calls: string[] = [];
let answer: () => Response;

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

beforeEach(() => {
  calls = [];
  answer = () => json(report());
  window.localStorage.setItem('pasokh:console:lang', 'en');
  vi.stubGlobal('fetch', (url: string) => {
    calls.push(url);
    return Promise.resolve(answer());
  });
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  window.localStorage.clear();
});

const renderPage = () =>
  render(
    <I18nProvider>
      <ReportsPage today="2026-11-23" timeZone="Asia/Tehran" />
    </I18nProvider>,
  );

describe('reports page', () => {
  it('opens on the last seven days by queue, with the figures, the totals and a CSV link for the same query', async () => {
    renderPage();
    const table = await screen.findByTestId('reports-table');
    // The API's end is the day after the last day shown.
    expect(calls[0]).toBe('/api/reports?from=2026-11-17&to=2026-11-24&groupBy=queue&tz=Asia%2FTehran');
    const first = within(table).getAllByTestId('reports-row')[0]!;
    const cells = within(first).getAllByRole('cell').map((c) => c.textContent);
    // offered, answered, abandoned, SL, ASA, AHT, abandon rate, first response, resolution, CSAT
    expect(within(first).getByRole('rowheader').textContent).toBe('Sales, "VIP"');
    expect(cells).toEqual(['12', '10', '2', '80%', '0:42', '10:05', '17%', '1:05', '1:02:05', '4.3 (4)']);
    // No occupancy column per queue; nothing invented for an idle queue.
    expect(within(table).queryByText('Occupancy')).toBeNull();
    const quiet = within(table).getAllByTestId('reports-row')[1]!;
    expect(within(quiet).getAllByRole('cell').map((c) => c.textContent)).toContain('—');
    expect(within(screen.getByTestId('reports-total')).getAllByRole('cell')[0]!.textContent).toBe('12');
    expect(screen.getByTestId('reports-csv').getAttribute('href')).toBe('/api/reports.csv?from=2026-11-17&to=2026-11-24&groupBy=queue&tz=Asia%2FTehran');
    expect(screen.getByTestId('reports-range').textContent).toContain('Asia/Tehran');
  });

  it('by agent: asks for agents and shows occupancy instead of abandonment', async () => {
    renderPage();
    await screen.findByTestId('reports-table');
    answer = () => json(report({ groupBy: 'agent', rows: [row('a1', 'Ann', { offered: 3, answered: 2, abandoned: null, occupancy: 0.625, loggedInSeconds: 7385, busySeconds: 4615.6 })] }));
    fireEvent.change(screen.getByLabelText('Group by'), { target: { value: 'agent' } });
    fireEvent.click(screen.getByTestId('reports-show'));
    await waitFor(() => expect(screen.getByText('Occupancy')).toBeTruthy());
    expect(calls[1]).toContain('groupBy=agent');
    expect(screen.queryByText('Abandoned')).toBeNull();
    const ann = screen.getAllByTestId('reports-row')[0]!;
    expect(within(ann).getAllByRole('cell').map((c) => c.textContent)).toContain('63%');
    // Logged-in time beside occupancy, and the rule that credits each agent with their own part.
    expect(screen.getByText('Logged in')).toBeTruthy();
    expect(within(ann).getAllByRole('cell').map((c) => c.textContent)).toContain('2:03:05');
    expect(screen.getByTestId('reports-help').textContent).toContain('credited with the part of a conversation they held');
  });

  it('refuses an end before the start without asking the server', async () => {
    renderPage();
    await screen.findByTestId('reports-table');
    fireEvent.change(screen.getByLabelText('To (inclusive)'), { target: { value: '2026-11-01' } });
    expect(screen.getByTestId('reports-range-error').textContent).toBe('The end date must be on or after the start date.');
    expect((screen.getByTestId('reports-show') as HTMLButtonElement).disabled).toBe(true);
    expect(calls).toHaveLength(1);
  });

  it('says so when nothing happened in the range', async () => {
    answer = () => json(report({ rows: [row('q2', 'quiet')], total: row('total', 'total') }));
    renderPage();
    expect((await screen.findByTestId('reports-empty')).textContent).toContain('No conversations in this range.');
    expect(screen.queryByTestId('reports-table')).toBeNull();
  });

  it('shows the server’s reason when the report fails, and retries', async () => {
    answer = () => json({ error: { code: 'forbidden', message: 'requires role supervisor or admin' } }, 403);
    renderPage();
    const alert = await screen.findByTestId('reports-error');
    expect(alert.textContent).toContain('requires role supervisor or admin');
    answer = () => json(report());
    fireEvent.click(within(alert).getByRole('button', { name: 'Retry' }));
    await screen.findByTestId('reports-table');
  });

  it('in Persian: Jalali dates and Persian digits', async () => {
    window.localStorage.setItem('pasokh:console:lang', 'fa');
    renderPage();
    const table = await screen.findByTestId('reports-table');
    // 2026-11-17 is 26 Aban 1405.
    expect(screen.getByTestId('reports-from-shown').textContent).toContain('۱۴۰۵');
    expect(screen.getByTestId('reports-from-shown').textContent).toContain('آبان');
    const first = within(table).getAllByTestId('reports-row')[0]!;
    expect(within(first).getAllByRole('cell')[0]!.textContent).toBe('۱۲');
    expect(screen.getByTestId('reports-csv').textContent).toBe('دریافت CSV');
  });
});

describe('report range helpers', () => {
  it('inclusive ranges, month ends and limits', () => {
    expect(lastDays('2026-03-02', 7)).toEqual({ from: '2026-02-24', to: '2026-03-02' });
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(rangeProblem('2026-11-01', '2026-11-01')).toBeNull();
    expect(rangeProblem('2026-11-02', '2026-11-01')).toBe('badRange');
    // 366 days inclusive is the most the hub accepts.
    expect(rangeProblem('2025-01-01', '2026-01-01')).toBeNull();
    expect(rangeProblem('2025-01-01', '2026-01-02')).toBe('tooLong');
    expect(reportQuery('2026-11-01', '2026-11-30', 'agent', 'UTC')).toBe('from=2026-11-01&to=2026-12-01&groupBy=agent&tz=UTC');
  });
});
