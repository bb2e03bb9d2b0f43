// Pure helpers that keep a conversation's message list consistent while the same
// message can arrive from several places (initial fetch, socket push, the reply
// POST's response, a refetch after reconnect): one entry per id, ordered by seq,
// delivery status never moving backwards.
import type { DeliveryStatus, MessageDto } from '../../../../src/contracts/index.js';

const STATUS_RANK: Record<DeliveryStatus, number> = {
  received: 0,
  queued: 1,
  sent: 2,
  delivered: 3,
  failed: 3,
};

function newer(existing: MessageDto, incoming: MessageDto): MessageDto {
  // Take the incoming copy but keep a later delivery status if we already know it
  // (a `message:status` push can overtake the `conversation:message` push).
  if (STATUS_RANK[existing.status] > STATUS_RANK[incoming.status]) {
    return { ...incoming, status: existing.status, statusReason: existing.statusReason };
  }
  return incoming;
}

export function bySeq(a: MessageDto, b: MessageDto): number {
  if (a.seq !== b.seq) return a.seq - b.seq;
  return a.at < b.at ? -1 : a.at > b.at ? 1 : 0;
}

export function mergeMessages(current: readonly MessageDto[], incoming: readonly MessageDto[]): MessageDto[] {
  if (incoming.length === 0) return current as MessageDto[];
  const byId = new Map<string, MessageDto>();
  for (const m of current) byId.set(m.id, m);
  for (const m of incoming) {
    const existing = byId.get(m.id);
    byId.set(m.id, existing ? newer(existing, m) : m);
  }
  return [...byId.values()].sort(bySeq);
}

export function applyStatus(
  current: readonly MessageDto[],
  update: { id: string; status: DeliveryStatus; statusReason: string | null },
): MessageDto[] {
  let changed = false;
  const next = current.map((m) => {
    if (m.id !== update.id) return m;
    // A failed message may be retried by the hub, so anything after `failed` is
    // taken; otherwise the status only moves forward.
    if (m.status !== 'failed' && STATUS_RANK[update.status] < STATUS_RANK[m.status]) return m;
    changed = true;
    return { ...m, status: update.status, statusReason: update.statusReason };
  });
  return changed ? next : (current as MessageDto[]);
}
