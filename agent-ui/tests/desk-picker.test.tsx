// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ConversationDto } from '../../src/contracts/index.js';
import { ReplyBox } from '../src/console/conversations/ReplyBox.js';
import { I18nProvider } from '../src/console/i18n/I18nProvider.js';

const conversation: ConversationDto = {
  id: 'c-1',
  channel: 'webchat',
  status: 'open',
  queue: 'webchat',
  customer: { id: 'cu-1', name: null, identities: [], unverifiedEmail: null },
  assignedAgentId: 'a-1',
  createdAt: '2026-11-23T10:00:00.000Z',
  updatedAt: '2026-11-23T10:00:00.000Z',
};

const canned = [
  { id: 'r1', title: 'Greeting', shortcut: 'hello', body: 'Hello {{customer.name}}, I am {{agent.name}}.', language: 'en', queueId: null, channel: null, updatedAt: '' },
  { id: 'r2', title: 'Refund status', shortcut: 'refund', body: 'Your refund {{order.id}} is on its way.', language: 'en', queueId: null, channel: null, updatedAt: '' },
  { id: 'r3', title: 'خوشامد', shortcut: 'salam', body: 'سلام {{customer.name}} عزیز، من {{agent.name}} هستم.', language: 'fa', queueId: null, channel: null, updatedAt: '' },
];

const requested: string[] = [];

beforeEach(() => {
  // Drafts are kept in localStorage; each test starts with an empty reply box.
  localStorage.clear();
  localStorage.setItem('pasokh:console:lang', 'en');
  requested.length = 0;
  // The hub's answers for the two calls the picker makes.
  vi.stubGlobal('fetch', async (url: string) => {
    requested.push(url);
    const body = url.startsWith('/api/canned-responses') ? { cannedResponses: canned } : url === '/api/auth/me' ? { user: { name: 'Sara' } } : null;
    return new Response(JSON.stringify(body), { status: body ? 200 : 404, headers: { 'content-type': 'application/json' } });
  });
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function renderBox() {
  render(
    <I18nProvider>
      <ReplyBox userId="a-1" conversationId="c-1" disabled={false} onSent={() => undefined} conversation={conversation} />
    </I18nProvider>,
  );
  return screen.getByTestId('reply-input') as HTMLTextAreaElement;
}

describe('canned-response picker in the reply box', () => {
  it('"/" opens it; arrows and Enter insert the filled text; a missing customer name is left blank', async () => {
    const input = renderBox();
    fireEvent.change(input, { target: { value: '/' } });
    const search = await screen.findByRole('combobox', { name: 'Search canned responses' });
    await waitFor(() => expect(screen.getAllByRole('option')).toHaveLength(3));
    expect(requested).toContain('/api/canned-responses?conversationId=c-1');
    expect(document.activeElement).toBe(search);
    expect(input.value).toBe('');

    // Down to the second, up wraps back past the first to the last, down again lands on the first.
    fireEvent.keyDown(search, { key: 'ArrowDown' });
    expect(screen.getAllByRole('option')[1]!.getAttribute('aria-selected')).toBe('true');
    fireEvent.keyDown(search, { key: 'ArrowUp' });
    fireEvent.keyDown(search, { key: 'ArrowUp' });
    expect(screen.getAllByRole('option')[2]!.getAttribute('aria-selected')).toBe('true');
    expect(search.getAttribute('aria-activedescendant')).toBe(screen.getAllByRole('option')[2]!.id);
    fireEvent.keyDown(search, { key: 'ArrowDown' });
    await waitFor(() => expect(screen.getByTestId('canned-preview').textContent).toContain('Hello, I am Sara.'));
    fireEvent.keyDown(search, { key: 'Enter' });

    expect(screen.queryByTestId('canned-picker')).toBeNull();
    expect(input.value).toBe('Hello, I am Sara.');
    expect(document.activeElement).toBe(input);
  });

  it('search narrows by shortcut; Persian text is inserted as written; unknown placeholders stay and are flagged', async () => {
    const input = renderBox();
    fireEvent.click(screen.getByRole('button', { name: 'Canned responses' }));
    const search = await screen.findByRole('combobox');
    await waitFor(() => expect(screen.getAllByRole('option')).toHaveLength(3));

    fireEvent.change(search, { target: { value: 'refund' } });
    expect(screen.getAllByRole('option')).toHaveLength(1);
    expect(screen.getByTestId('canned-unknown').textContent).toContain('{{order.id}}');
    fireEvent.keyDown(search, { key: 'Escape' });
    expect(screen.queryByTestId('canned-picker')).toBeNull();
    expect(input.value).toBe('');

    fireEvent.click(screen.getByRole('button', { name: 'Canned responses' }));
    const again = await screen.findByRole('combobox');
    await waitFor(() => expect(screen.getAllByRole('option')).toHaveLength(3));
    fireEvent.change(again, { target: { value: 'sal' } });
    fireEvent.keyDown(again, { key: 'Enter' });
    expect(input.value).toBe('سلام عزیز، من Sara هستم.');
  });
});
