// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CustomerDetailDto, MergeCandidateDto, MergeRecordDto, TimelineItemDto } from '../../src/customers/contracts.js';
import { CustomerPanel } from '../src/console/customers/CustomerPanel.js';
import { I18nProvider } from '../src/console/i18n/I18nProvider.js';

const SARA = '11111111-1111-4111-8111-111111111111';
const DUP = '22222222-2222-4222-8222-222222222222';

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

const item = (i: number, channel: 'sms' | 'webchat'): TimelineItemDto => ({
  id: `m${i}`,
  conversationId: `c-${channel}`,
  seq: i,
  channel,
  from: 'customer',
  authorName: null,
  body: `${channel} message ${i}`,
  status: 'received',
  statusReason: null,
  at: new Date(Date.UTC(2026, 10, 20, 10, i)).toISOString(),
  conversation: { id: `c-${channel}`, channel, status: 'closed', createdAt: '2026-11-20T10:00:00Z' },
});

// Five messages over two channels, newest first; pages of two.
const ALL = [item(5, 'sms'), item(4, 'webchat'), item(3, 'webchat'), item(2, 'sms'), item(1, 'sms')];

const merge: MergeRecordDto = {
  id: 'merge-1',
  survivorId: SARA,
  mergedId: DUP,
  mergedName: 'Sara A.',
  actor: { id: 'u1', name: 'Agent Mina' },
  evidence: [{ kind: 'unverified_email_matches_verified', detail: 'sara@example.com', weight: 0.9 }],
  score: 0.9,
  movedIdentities: [{ kind: 'email', value: 'sara@example.com' }],
  movedConversationIds: ['c-email'],
  createdAt: '2026-11-21T09:00:00Z',
  undoneAt: null,
  undoneBy: null,
};

let merges: MergeRecordDto[];
let calls: { method: string; url: string; body: unknown }[];
let mergeAnswer: () => Response;
let undoAnswer: () => Response;

function detail(): CustomerDetailDto {
  return {
    customer: {
      id: SARA,
      name: 'Sara Ahmadi',
      identities: [{ kind: 'phone', value: '+989121234567' }],
      unverifiedEmail: 'sara@example.com',
      lastContactAt: '2026-11-20T10:05:00Z',
      conversationCount: 2,
      profile: {},
      createdAt: '2026-11-01T00:00:00Z',
    },
    mergedInto: null,
    merges,
  };
}

const candidate: MergeCandidateDto = {
  customer: { id: DUP, name: 'Sara A.', identities: [{ kind: 'email', value: 'sara@example.com' }], unverifiedEmail: null, lastContactAt: null, conversationCount: 1 },
  score: 0.9,
  evidence: [{ kind: 'unverified_email_matches_verified', detail: 'sara@example.com', weight: 0.9 }],
};

function server(url: string, init?: RequestInit): Promise<Response> {
  const method = init?.method ?? 'GET';
  calls.push({ method, url, body: init?.body ? JSON.parse(String(init.body)) : undefined });
  const u = new URL(url, 'http://console.test');
  if (method === 'POST' && u.pathname.endsWith('/merge')) return Promise.resolve(mergeAnswer());
  if (method === 'POST' && u.pathname.endsWith('/undo')) return Promise.resolve(undoAnswer());
  if (u.pathname.endsWith('/merge-candidates')) return Promise.resolve(json({ candidates: merges.length ? [] : [candidate] }));
  if (u.pathname.endsWith('/timeline')) {
    const limit = Number(u.searchParams.get('limit'));
    const before = u.searchParams.get('before');
    const start = before ? ALL.findIndex((m) => m.id === before) + 1 : 0;
    const items = ALL.slice(start, start + Math.min(limit, 2));
    const more = start + items.length < ALL.length;
    return Promise.resolve(json({ customer: detail().customer, items, nextCursor: more ? items[items.length - 1]!.id : null }));
  }
  return Promise.resolve(json(detail()));
}

// A controllable IntersectionObserver: the test decides when the end of the list scrolls into view.
let observed: ((entries: { isIntersecting: boolean }[]) => void)[] = [];
class FakeObserver {
  constructor(private readonly cb: (entries: { isIntersecting: boolean }[]) => void) {}
  observe() {
    observed.push(this.cb);
  }
  disconnect() {
    observed = observed.filter((c) => c !== this.cb);
  }
}

function renderPanel(lang: 'en' | 'fa' = 'en') {
  window.localStorage.setItem('pasokh:console:lang', lang);
  return render(
    <I18nProvider>
      <CustomerPanel customerId={SARA} onOpen={() => undefined} />
    </I18nProvider>,
  );
}

const bodies = () => screen.queryAllByTestId('history-message').map((e) => e.textContent);

beforeEach(() => {
  merges = [];
  calls = [];
  observed = [];
  mergeAnswer = () => {
    merges = [merge];
    return json({ merge }, 201);
  };
  undoAnswer = () => json({ merge: { ...merge, undoneAt: '2026-11-22T09:00:00Z', undoneBy: { id: 'u1', name: 'Agent Mina' } } });
  vi.stubGlobal('fetch', server);
  vi.stubGlobal('IntersectionObserver', FakeObserver);
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  window.localStorage.clear();
});

describe('customer panel', () => {
  it('shows identities, and the timeline across channels grows older as the end scrolls into view, then by the button, without repeats', async () => {
    renderPanel();
    expect(await screen.findByRole('heading', { name: 'Sara Ahmadi' })).toBeTruthy();
    expect(screen.getByText('+989121234567')).toBeTruthy();
    expect(screen.getByText('Email typed in chat (not verified)')).toBeTruthy();
    await waitFor(() => expect(bodies()).toEqual(['sms message 5', 'webchat message 4']));

    // The sentinel comes into view: the next page loads with the cursor.
    await waitFor(() => expect(observed.length).toBeGreaterThan(0));
    observed[0]!([{ isIntersecting: true }]);
    await waitFor(() => expect(bodies()).toEqual(['sms message 5', 'webchat message 4', 'webchat message 3', 'sms message 2']));
    expect(calls.some((c) => c.url.includes('before=m4'))).toBe(true);

    // The button does the same; at the end it gives way to "beginning of the history".
    fireEvent.click(screen.getByTestId('timeline-older'));
    await waitFor(() => expect(bodies()).toHaveLength(5));
    expect(await screen.findByText('Beginning of the history.')).toBeTruthy();
    expect(screen.queryByTestId('timeline-older')).toBeNull();
    // Both channels are labelled where their conversations start.
    const separators = screen.getByTestId('customer-timeline').querySelectorAll('.timeline-conversation [data-channel]');
    expect([...separators].map((s) => s.getAttribute('data-channel'))).toEqual(['sms', 'webchat', 'sms']);
  });

  it('a candidate shows its evidence; merging asks first, then posts the merge and shows it in the history with an undo', async () => {
    renderPanel();
    const cand = await screen.findByTestId('candidate');
    expect(within(cand).getByText('An email typed in chat is a verified email of the other record: sara@example.com')).toBeTruthy();
    expect(within(cand).getByText('Match 90%')).toBeTruthy();
    fireEvent.click(within(cand).getByTestId('merge'));
    const dialog = within(cand).getByRole('alertdialog');
    expect(dialog.textContent).toContain('“Sara A.” will be merged into “Sara Ahmadi”');
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(0);
    fireEvent.click(within(dialog).getByTestId('confirm'));

    expect(await screen.findByTestId('customer-notice')).toHaveProperty('textContent', '“Sara A.” was merged into this customer.');
    expect(calls.filter((c) => c.method === 'POST')).toEqual([{ method: 'POST', url: `/api/customers/${SARA}/merge`, body: { mergedId: DUP } }]);
    const record = await screen.findByTestId('merge-record');
    expect(record.textContent).toContain('“Sara A.” merged in by Agent Mina');

    fireEvent.click(within(record).getByTestId('undo-merge'));
    fireEvent.click(within(record).getByTestId('confirm'));
    await waitFor(() => expect(calls.some((c) => c.url === '/api/customers/merges/merge-1/undo')).toBe(true));
    expect(await screen.findByText('Merge undone: “Sara A.” is a separate customer again.')).toBeTruthy();
  });

  it('a refused merge or undo says why, in the agent’s language', async () => {
    mergeAnswer = () => json({ error: { code: 'open_conversation_conflict', message: 'both customers have an open sms conversation; close one of them first', details: { channel: 'sms' } } }, 409);
    renderPanel();
    const cand = await screen.findByTestId('candidate');
    fireEvent.click(within(cand).getByTestId('merge'));
    fireEvent.click(within(cand).getByTestId('confirm'));
    expect((await screen.findByTestId('merge-error')).textContent).toBe('Merge refused: both customers have an open SMS conversation; close one of them first.');
    cleanup();

    merges = [merge];
    undoAnswer = () => json({ error: { code: 'contact_since_merge', message: 'since the merge, a moved identity wrote on sms…' } }, 409);
    renderPanel('fa');
    const record = await screen.findByTestId('merge-record');
    expect(screen.getByRole('heading', { name: 'تاریخچهٔ ادغام' })).toBeTruthy();
    fireEvent.click(within(record).getByTestId('undo-merge'));
    fireEvent.click(within(record).getByTestId('confirm'));
    expect((await screen.findByTestId('undo-error')).textContent).toContain('برگرداندن ممکن نیست: پس از ادغام');
  });
});
