// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { useRef } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TimelineItemDto, TimelinePageDto } from '../../src/customers/contracts.js';
import { CustomerHistory } from '../src/console/conversations/CustomerHistory.js';
import { I18nProvider } from '../src/console/i18n/I18nProvider.js';

const CUSTOMER = '11111111-1111-4111-8111-111111111111';
const OPEN = '22222222-2222-4222-8222-222222222222';
const EARLIER = [
  { id: '33333333-3333-4333-8333-333333333333', channel: 'sms' as const, status: 'closed' as const, createdAt: '2026-01-05T09:00:00.000Z' },
  { id: '44444444-4444-4444-8444-444444444444', channel: 'webchat' as const, status: 'closed' as const, createdAt: '2026-03-10T09:00:00.000Z' },
];

/** Five messages, newest first as the hub pages them: three in the March chat, two in the January SMS. */
const all: TimelineItemDto[] = [5, 4, 3, 2, 1].map((n) => {
  const conversation = n >= 3 ? EARLIER[1]! : EARLIER[0]!;
  return {
    id: `m-${n}`,
    conversationId: conversation.id,
    channel: conversation.channel,
    from: 'customer',
    authorName: null,
    body: `message ${n}`,
    status: 'received',
    statusReason: null,
    seq: n,
    at: `2026-0${n}-01T10:00:00.000Z`,
    conversation,
  };
});

const requested: string[] = [];
let observers: { callback: IntersectionObserverCallback; root: Element | Document | null | undefined }[] = [];

beforeEach(() => {
  localStorage.clear();
  localStorage.setItem('pasokh:console:lang', 'en');
  requested.length = 0;
  observers = [];
  vi.stubGlobal('fetch', async (url: string) => {
    requested.push(url);
    const u = new URL(url, 'http://hub');
    const before = u.searchParams.get('before');
    const limit = Number(u.searchParams.get('limit'));
    const from = before === null ? 0 : all.findIndex((m) => m.id === before) + 1;
    const items = all.slice(from, from + Math.min(limit, 2));
    const page: TimelinePageDto = { customer: { id: CUSTOMER, name: 'Sara', identities: [], unverifiedEmail: null }, items, nextCursor: from + items.length < all.length ? items[items.length - 1]!.id : null };
    return Response.json(page);
  });
  // happy-dom has no layout, so no IntersectionObserver: this one lets the test say when the top comes into view.
  vi.stubGlobal(
    'IntersectionObserver',
    class {
      constructor(callback: IntersectionObserverCallback, options?: IntersectionObserverInit) {
        observers.push({ callback, root: options?.root });
      }
      observe() {}
      disconnect() {}
    },
  );
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function View() {
  const scroll = useRef<HTMLDivElement>(null);
  return (
    <div ref={scroll} data-testid="scroll">
      <CustomerHistory customerId={CUSTOMER} conversationId={OPEN} scrollRoot={scroll} />
    </div>
  );
}

const bodies = () => screen.queryAllByTestId('history-message').map((m) => m.textContent?.replace(/Customer.*$/, '').trim());
const topInView = () => observers[observers.length - 1]!.callback([{ isIntersecting: true } as IntersectionObserverEntry], {} as IntersectionObserver);

describe('customer history in the conversation view', () => {
  it('pages back with the cursor, leaving out the open conversation, as the top comes into view or on the button', async () => {
    render(
      <I18nProvider>
        <View />
      </I18nProvider>,
    );
    await waitFor(() => expect(bodies()).toEqual(['message 4', 'message 5']));
    expect(requested[0]).toBe(`/api/customers/${CUSTOMER}/timeline?limit=20&exclude=${OPEN}`);
    // Observed inside the conversation's own scroll area, not the window.
    expect(observers.at(-1)!.root).toBe(screen.getByTestId('scroll'));

    // Scrolling to the top loads the next older page; it goes above, oldest first, under its conversation.
    // (The observer that knows the first page's cursor is the one set up after that page arrived.)
    await waitFor(() => expect(observers.length).toBeGreaterThanOrEqual(2));
    topInView();
    await waitFor(() => expect(bodies()).toEqual(['message 2', 'message 3', 'message 4', 'message 5']));
    expect(requested[1]).toBe(`/api/customers/${CUSTOMER}/timeline?limit=20&before=m-4&exclude=${OPEN}`);
    const headings = [...document.querySelectorAll('.history-conversation')].map((s) => s.getAttribute('data-conversation-id'));
    expect(headings).toEqual([EARLIER[0]!.id, EARLIER[1]!.id]);

    // Without an observer's help, the button does the same; at the start it says so and offers nothing more.
    fireEvent.click(screen.getByRole('button', { name: 'Load earlier messages' }));
    await waitFor(() => expect(bodies()).toEqual(['message 1', 'message 2', 'message 3', 'message 4', 'message 5']));
    expect(screen.getByTestId('history-start').textContent).toBe('Beginning of the customer’s history.');
    expect(screen.queryByTestId('history-older')).toBeNull();
    expect(requested).toHaveLength(3);
  });

  it('shows nothing when the customer has no other conversation', async () => {
    vi.stubGlobal('fetch', async (url: string) => {
      requested.push(url);
      return Response.json({ customer: { id: CUSTOMER, name: null, identities: [], unverifiedEmail: null }, items: [], nextCursor: null } satisfies TimelinePageDto);
    });
    render(
      <I18nProvider>
        <View />
      </I18nProvider>,
    );
    await waitFor(() => expect(requested).toHaveLength(1));
    await waitFor(() => expect(screen.queryByTestId('customer-history')).toBeNull());
  });
});
