import type { ConversationDto } from '../../../../src/contracts/index.js';

export function newestFirst(a: ConversationDto, b: ConversationDto): number {
  return a.updatedAt < b.updatedAt ? 1 : a.updatedAt > b.updatedAt ? -1 : 0;
}

export function upsertConversation(list: readonly ConversationDto[], c: ConversationDto): ConversationDto[] {
  if (c.status !== 'open') return list.filter((x) => x.id !== c.id);
  const current = list.find((x) => x.id === c.id);
  // A copy read before a later one (an event replayed behind a fresh list) must not roll it back.
  if (current && current.updatedAt > c.updatedAt) return [...list];
  return [...list.filter((x) => x.id !== c.id), c].sort(newestFirst);
}

export function removeConversation(list: readonly ConversationDto[], id: string): ConversationDto[] {
  return list.filter((x) => x.id !== id);
}

type Change = { tick: number } & ({ kind: 'upsert'; conversation: ConversationDto } | { kind: 'remove'; id: string });

/** What `begin` hands out: which request this is and how far the live changes had got when it left. */
export interface ListRequest {
  readonly id: number;
  readonly tick: number;
}

/**
 * Reconciles the inbox list fetched over HTTP with the live socket events that
 * arrive while the fetch is under way. A list answered just before a close
 * committed but received just after the `conversation:closed` event would
 * otherwise put the closed conversation back, and one answered before an
 * assignment would drop the new conversation — each until the next refetch.
 * Live changes are kept while a fetch is under way and laid over its answer;
 * an answer older than one already applied is ignored.
 */
export class InboxChanges {
  private tick = 0;
  private requests = 0;
  private appliedRequest = 0;
  private readonly pending = new Set<number>();
  private changes: Change[] = [];

  begin(): ListRequest {
    this.requests += 1;
    this.pending.add(this.requests);
    return { id: this.requests, tick: this.tick };
  }

  /** The fetch failed: nothing to lay changes over. */
  failed(request: ListRequest): void {
    this.done(request);
  }

  assigned(conversation: ConversationDto): void {
    this.record({ kind: 'upsert', conversation, tick: ++this.tick });
  }

  closed(id: string): void {
    this.record({ kind: 'remove', id, tick: ++this.tick });
  }

  /** The list to show for this answer, or null when a newer answer is already shown. */
  settle(request: ListRequest, fetched: readonly ConversationDto[]): ConversationDto[] | null {
    if (request.id < this.appliedRequest) {
      this.done(request);
      return null;
    }
    this.appliedRequest = request.id;
    // What happened before the request left is in its answer; later changes may not be.
    let list = [...fetched].sort(newestFirst);
    for (const c of this.changes) {
      if (c.tick <= request.tick) continue;
      list = c.kind === 'upsert' ? upsertConversation(list, c.conversation) : removeConversation(list, c.id);
    }
    this.done(request);
    return list;
  }

  private done(request: ListRequest): void {
    this.pending.delete(request.id);
    // With no fetch under way, no answer can be older than what is shown.
    if (this.pending.size === 0) this.changes = [];
  }

  private record(change: Change): void {
    if (this.pending.size === 0) return;
    // Only the latest change per conversation matters when laying them over a list.
    const id = change.kind === 'upsert' ? change.conversation.id : change.id;
    this.changes = this.changes.filter((c) => (c.kind === 'upsert' ? c.conversation.id : c.id) !== id);
    this.changes.push(change);
  }
}
