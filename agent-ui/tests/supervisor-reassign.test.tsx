// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AgentStatsDto, ConversationDto } from '../../src/contracts/index.js';
import { I18nProvider } from '../src/console/i18n/I18nProvider.js';
import { AgentsTable } from '../src/console/supervisor/AgentsTable.js';

const agent = (id: string, name: string, p: Partial<AgentStatsDto> = {}): AgentStatsDto => ({
  id,
  name,
  status: 'available',
  connected: true,
  used: 0,
  capacity: 100,
  since: '2026-11-23T10:00:00Z',
  secondsInState: 60,
  conversations: 0,
  wrapUpUntil: null,
  ...p,
});

const agents = [
  agent('a1', 'Sara', { used: 34, conversations: 1 }),
  agent('a2', 'Reza', { used: 90 }),
  agent('a3', 'Mina', { status: 'offline', connected: false }),
  agent('a4', 'Omid'),
];

const conversation: ConversationDto = {
  id: 'c1',
  channel: 'webchat',
  status: 'open',
  queue: 'webchat',
  customer: { id: 'cu1', name: 'Nima', identities: [], unverifiedEmail: null },
  assignedAgentId: 'a1',
  createdAt: '2026-11-23T10:00:00Z',
  updatedAt: '2026-11-23T10:00:00Z',
};

let posts: { url: string; body: unknown }[] = [];
let assignAnswer: () => Response;

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

beforeEach(() => {
  posts = [];
  assignAnswer = () => json({ conversation: { ...conversation, assignedAgentId: 'a4' } });
  window.localStorage.setItem('pasokh:console:lang', 'en');
  vi.stubGlobal('fetch', (url: string, init?: RequestInit) => {
    if (init?.method === 'POST') {
      posts.push({ url, body: JSON.parse(String(init.body)) });
      return Promise.resolve(assignAnswer());
    }
    // Supervisors list everyone's open conversations; only Sara's belong in her form.
    return Promise.resolve(json({ conversations: [conversation, { ...conversation, id: 'c2', assignedAgentId: 'a2', customer: { ...conversation.customer, name: 'Other' } }] }));
  });
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  window.localStorage.clear();
});

async function openFormForSara() {
  render(
    <I18nProvider>
      <AgentsTable agents={agents} elapsedSeconds={0} hubNow={Date.parse('2026-11-23T10:01:00Z')} />
    </I18nProvider>,
  );
  // Only agents holding a conversation offer the action.
  expect(screen.getAllByTestId('reassign-open')).toHaveLength(1);
  fireEvent.click(screen.getByTestId('reassign-open'));
  const form = await screen.findByTestId('reassign-form');
  await within(form).findByTestId('reassign-conversation');
  return form;
}

describe('supervisor reassign from the agents table', () => {
  it('lists the agent’s own conversations and the others with their state, and moves one', async () => {
    const form = await openFormForSara();
    const conv = within(form).getByTestId('reassign-conversation') as HTMLSelectElement;
    expect([...conv.options].map((o) => o.textContent)).toEqual(['Nima · Web chat']);
    const target = within(form).getByTestId('reassign-target') as HTMLSelectElement;
    // A web chat costs 34: Reza at 90/100 has no room; Mina is offline.
    expect([...target.options].map((o) => o.textContent)).toEqual(['Reza (full)', 'Mina (offline)', 'Omid']);
    fireEvent.change(target, { target: { value: 'a4' } });
    fireEvent.click(within(form).getByTestId('reassign-submit'));
    expect((await screen.findByTestId('reassign-notice')).textContent).toBe('Conversation moved to Omid.');
    expect(posts).toEqual([{ url: '/api/conversations/c1/assign', body: { agentId: 'a4' } }]);
    expect(screen.queryByTestId('reassign-form')).toBeNull();
  });

  it('refuses an offline agent without calling the hub', async () => {
    const form = await openFormForSara();
    fireEvent.change(within(form).getByTestId('reassign-target'), { target: { value: 'a3' } });
    fireEvent.click(within(form).getByTestId('reassign-submit'));
    expect((await within(form).findByTestId('reassign-error')).textContent).toBe('Mina is offline. Choose an agent who is signed in.');
    expect(posts).toHaveLength(0);
  });

  it('explains the hub’s refusal when the agent is full, and keeps the form open', async () => {
    assignAnswer = () => json({ error: { code: 'no_room', message: 'that agent has no room for this conversation' } }, 409);
    const form = await openFormForSara();
    fireEvent.change(within(form).getByTestId('reassign-target'), { target: { value: 'a2' } });
    fireEvent.click(within(form).getByTestId('reassign-submit'));
    expect((await within(form).findByTestId('reassign-error')).textContent).toBe('Reza has no room for another conversation right now.');
    expect(posts).toHaveLength(1);
    await waitFor(() => expect((within(form).getByTestId('reassign-submit') as HTMLButtonElement).disabled).toBe(false));
  });

  it('says so when the conversation was closed meanwhile', async () => {
    assignAnswer = () => json({ error: { code: 'closed', message: 'the conversation is closed' } }, 409);
    const form = await openFormForSara();
    fireEvent.change(within(form).getByTestId('reassign-target'), { target: { value: 'a4' } });
    fireEvent.click(within(form).getByTestId('reassign-submit'));
    expect((await within(form).findByTestId('reassign-error')).textContent).toBe('That conversation has already been closed.');
  });
});
