import { describe, expect, it } from 'vitest';
import type { ConversationDto } from '../../src/contracts/index.js';
import { InboxChanges } from '../src/console/conversations/inbox.js';

const conversation = (id: string, minute: number): ConversationDto => ({
  id,
  channel: 'webchat',
  status: 'open',
  queue: 'webchat',
  customer: { id: `cust-${id}`, name: `Customer ${id}`, identities: [], unverifiedEmail: null },
  assignedAgentId: 'agent-1',
  createdAt: '2026-11-23T10:00:00Z',
  updatedAt: `2026-11-23T10:${String(minute).padStart(2, '0')}:00Z`,
});

const ids = (list: ConversationDto[] | null) => list?.map((c) => c.id) ?? null;

describe('inbox list fetched while live events arrive', () => {
  it('a conversation closed while the list was on its way does not come back', () => {
    const inbox = new InboxChanges();
    const request = inbox.begin();
    // The hub answered before the close committed; the close event overtook the answer.
    inbox.closed('a');
    expect(ids(inbox.settle(request, [conversation('a', 1), conversation('b', 2)]))).toEqual(['b']);
  });

  it('a conversation assigned while the list was on its way stays, newest first', () => {
    const inbox = new InboxChanges();
    const request = inbox.begin();
    inbox.assigned(conversation('c', 5));
    expect(ids(inbox.settle(request, [conversation('a', 1), conversation('b', 2)]))).toEqual(['c', 'b', 'a']);
  });

  it('what happened before the list was requested is left to the hub’s answer', () => {
    const inbox = new InboxChanges();
    const first = inbox.begin();
    inbox.closed('a');
    const second = inbox.begin();
    // The second answer comes first; the first one, older, is then ignored.
    expect(ids(inbox.settle(second, [conversation('b', 2)]))).toEqual(['b']);
    expect(inbox.settle(first, [conversation('a', 1), conversation('b', 2)])).toBeNull();
  });

  it('a conversation handed back after being taken away is listed again', () => {
    const inbox = new InboxChanges();
    const request = inbox.begin();
    inbox.closed('a');
    inbox.assigned(conversation('a', 9));
    expect(ids(inbox.settle(request, [conversation('b', 2)]))).toEqual(['a', 'b']);
  });
});
