// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { QueueRow } from '../src/console/api/endpoints.js';
import { CampaignForm } from '../src/console/campaigns/CampaignForm.js';
import type { ImportState } from '../src/console/campaigns/campaignsApi.js';
import { ImportPanel } from '../src/console/campaigns/ImportPanel.js';
import { ImportReport } from '../src/console/campaigns/ImportReport.js';
import { StatsBlock } from '../src/console/campaigns/StatsBlock.js';
import { I18nProvider } from '../src/console/i18n/I18nProvider.js';

const queue = { id: '11111111-1111-4111-8111-111111111111', name: 'Outbound', channel: 'voice' } as QueueRow;

interface Call {
  method: string;
  url: string;
  body: unknown;
}
let calls: Call[] = [];
let answer: (call: Call) => Response;

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

beforeEach(() => {
  calls = [];
  window.localStorage.setItem('pasokh:console:lang', 'en');
  vi.stubGlobal('fetch', (url: string, init: RequestInit = {}) => {
    const call = { method: init.method ?? 'GET', url, body: init.body };
    calls.push(call);
    return Promise.resolve(answer(call));
  });
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  window.localStorage.clear();
});

const finished: ImportState = {
  id: 'imp1',
  campaignId: 'c1',
  status: 'done',
  filename: 'list.csv',
  total: 8,
  imported: 3,
  invalid: 3,
  duplicates: 1,
  dnc: 1,
  error: null,
  report: [
    { line: 4, reason: 'invalid-number', value: 'not a number' },
    { line: 5, reason: 'malformed-row', value: '"+12125550173,Unclosed quote,,' },
    { line: 7, reason: 'duplicate', value: '+12025550171 (as line 2)' },
    { line: 8, reason: 'do-not-call', value: '+12125550150' },
  ],
};

describe('campaign form', () => {
  it('shows the hub’s field errors beside the fields they name and focuses the first of them', async () => {
    answer = () =>
      json(
        {
          error: {
            code: 'invalid_request',
            message: 'body.callingWindow.end: must be after the start',
            details: [
              { path: 'body.callingWindow.end', message: 'must be after the start (14:00): the window is empty' },
              { path: 'body.message', message: 'US rules need the safe-harbour message played on an abandoned call: give an audioUrl or a text' },
              { path: 'body.retry.machine.gapMinutes', message: 'must be at least 1440 minutes (24 h) under the UK rules' },
              { path: 'body.somethingNew', message: 'unknown' },
            ],
          },
        },
        400,
      );
    render(
      <I18nProvider>
        <CampaignForm queues={[queue]} onCancel={() => undefined} onSaved={() => undefined} />
      </I18nProvider>,
    );
    fireEvent.change(screen.getByTestId('campaign-name'), { target: { value: 'Renewals' } });
    fireEvent.change(screen.getByTestId('campaign-caller-id'), { target: { value: '+12025550100' } });
    fireEvent.change(screen.getByTestId('campaign-queue'), { target: { value: queue.id } });
    fireEvent.change(screen.getByTestId('campaign-window-start'), { target: { value: '14:00' } });
    fireEvent.change(screen.getByTestId('campaign-window-end'), { target: { value: '14:00' } });
    fireEvent.change(screen.getByTestId('campaign-retry-machine-gap'), { target: { value: '60' } });
    fireEvent.change(screen.getByTestId('campaign-retry-machine-gap').closest('tr')!.querySelectorAll('input')[1]!, { target: { value: '2' } });
    fireEvent.click(screen.getByTestId('campaign-save'));

    expect(await screen.findByTestId('field-error-callingWindow.end')).toHaveProperty('textContent', 'must be after the start (14:00): the window is empty');
    expect(screen.getByTestId('field-error-message').textContent).toMatch(/safe-harbour message/);
    expect(screen.getByTestId('field-error-retry.machine.gapMinutes').textContent).toMatch(/1440 minutes/);
    // A path no field shows lands in the banner, with its path.
    expect(screen.getByTestId('form-error').textContent).toMatch(/somethingNew/);
    expect(screen.getByTestId('campaign-window-end').getAttribute('aria-invalid')).toBe('true');
    // Focus goes to the first field in the form's order that has a problem: the message.
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId('campaign-message-text')));

    // What was sent: the body the hub validates, with the machine retry as typed.
    const sent = JSON.parse(String(calls[0]!.body)) as Record<string, unknown>;
    expect(calls[0]).toMatchObject({ method: 'POST', url: '/api/dialer/campaigns' });
    expect(sent).toMatchObject({ name: 'Renewals', queueId: queue.id, abandonTarget: 0.03, callingWindow: { start: '14:00', end: '14:00' }, retry: { machine: { gapMinutes: 60, maxAttempts: 2 } } });
  });
});

describe('contact list import', () => {
  it('the report lists each row left out with its line and reason, in Persian too', () => {
    const { unmount } = render(
      <I18nProvider>
        <ImportReport state={finished} />
      </I18nProvider>,
    );
    expect(screen.getByTestId('import-summary').textContent).toBe('Import finished: 3 imported, 3 invalid, 1 duplicates, 1 on the do-not-call list.');
    const rows = screen.getAllByTestId('import-problem').map((r) => within(r).getAllByRole('cell').map((c) => c.textContent));
    expect(rows).toEqual([
      ['4', 'Not a valid phone number', 'not a number'],
      ['5', 'Malformed row (check the quotes)', '"+12125550173,Unclosed quote,,'],
      ['7', 'Duplicate', '+12025550171 (as line 2)'],
      ['8', 'On the do-not-call list', '+12125550150'],
    ]);
    // More left out than the stored report holds: say so.
    expect(screen.getByText('Showing the first 4 of 5.')).toBeTruthy();
    unmount();

    window.localStorage.setItem('pasokh:console:lang', 'fa');
    render(
      <I18nProvider>
        <ImportReport state={finished} />
      </I18nProvider>,
    );
    const first = within(screen.getAllByTestId('import-problem')[0]!).getAllByRole('cell');
    expect(first[0]!.textContent).toBe('۴');
    expect(first[1]!.textContent).toBe('شمارهٔ تلفن نامعتبر');
  });

  it('uploads the file as text/csv, follows the import to its end and shows the report', async () => {
    let polls = 0;
    answer = (call) => {
      if (call.method === 'POST') return json({ importId: 'imp1' }, 202);
      polls += 1;
      return json({ import: polls === 1 ? { ...finished, status: 'running', imported: 1, invalid: 1, duplicates: 0, dnc: 0, report: [] } : finished });
    };
    const onFinished = vi.fn();
    render(
      <I18nProvider>
        <ImportPanel campaignId="c1" onFinished={onFinished} />
      </I18nProvider>,
    );
    const csv = 'phone,name\n+12025550171,Jane\nnot a number,Bad\n';
    fireEvent.change(screen.getByTestId('import-file'), { target: { files: [new File([csv], 'list.csv', { type: 'text/csv' })] } });
    fireEvent.click(screen.getByTestId('import-upload'));

    // While it runs: a progress bar over the file's data rows.
    const bar = (await screen.findByTestId('import-progress')) as HTMLProgressElement;
    expect(Number(bar.getAttribute('max'))).toBeGreaterThanOrEqual(2);
    expect(await screen.findByTestId('import-summary', {}, { timeout: 5000 })).toBeTruthy();
    expect(screen.getAllByTestId('import-problem')).toHaveLength(4);
    expect(onFinished).toHaveBeenCalledTimes(1);
    const upload = calls.find((c) => c.method === 'POST')!;
    expect(upload.url).toBe('/api/dialer/campaigns/c1/imports?filename=list.csv');
    expect(calls.filter((c) => c.url === '/api/dialer/imports/imp1').length).toBe(2);
  });
});

describe('campaign figures', () => {
  it('shows the runtime’s figures when its endpoint answers, and nothing when it does not', async () => {
    answer = () => json({ stats: { abandon30d: { rate: 0.02, live: 50, abandoned: 1 }, abandon24h: { rate: null }, attempts: 1234, connected: 50, pausedReason: 'abandonment over the 3 % target' } });
    const { unmount } = render(
      <I18nProvider>
        <StatsBlock campaignId="c1" refreshKey={0} />
      </I18nProvider>,
    );
    const block = await screen.findByTestId('campaign-stats');
    expect(calls[0]!.url).toBe('/api/dialer/campaigns/c1/stats');
    expect(block.textContent).toMatch(/Attempts/);
    expect(block.textContent).toMatch(/1,234/);
    expect(block.textContent).toMatch(/Abandoned, 30 days/);
    // A rate not known yet is left out rather than shown as 0.
    expect(block.textContent).not.toMatch(/Abandoned, 24 hours/);
    expect(screen.getByTestId('campaign-paused-reason').textContent).toBe('Paused by the dialer: abandonment over the 3 % target');
    unmount();

    calls = [];
    answer = () => json({ error: { code: 'not_found', message: 'no route' } }, 404);
    render(
      <I18nProvider>
        <StatsBlock campaignId="c2" refreshKey={0} />
      </I18nProvider>,
    );
    await waitFor(() => expect(calls).toHaveLength(1));
    expect(screen.queryByTestId('campaign-stats')).toBeNull();
  });
});
