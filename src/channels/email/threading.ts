// Which conversation an inbound email continues. Pure: the store looks the
// candidates up, this decides.
import { conversationOfMarker } from './ids.js';

export interface ThreadCandidate {
  /** The Message-ID that points to the conversation (from the map, or our marker). */
  messageId: string;
  conversationId: string;
  /** Email addresses of the conversation's customer. */
  customerEmails: string[];
}

export type ThreadVia = 'in-reply-to' | 'references' | 'marker';

export interface ThreadMatch {
  conversationId: string;
  via: ThreadVia;
  messageId: string;
}

/** The ids to look up: In-Reply-To first, then References newest first. */
export function threadLookupIds(p: { inReplyTo: string | null; references: string[] }): string[] {
  const ids: string[] = [];
  if (p.inReplyTo) ids.push(p.inReplyTo);
  for (const r of [...p.references].reverse()) if (!ids.includes(r)) ids.push(r);
  return ids;
}

/** Conversation ids carried by our own Message-ID marker in any of the ids. */
export function markerConversations(ids: string[]): { messageId: string; conversationId: string }[] {
  return ids.flatMap((id) => {
    const conversationId = conversationOfMarker(id);
    return conversationId ? [{ messageId: id, conversationId }] : [];
  });
}

/**
 * In-Reply-To, then References (newest first), then our marker; a candidate
 * counts only when its conversation's customer is the sender, so replies of
 * different people to one message (a newsletter, a CC'd thread) never merge.
 */
export function chooseThread(
  p: { inReplyTo: string | null; references: string[]; sender: string },
  known: ThreadCandidate[],
  markers: ThreadCandidate[],
): ThreadMatch | null {
  const sender = p.sender.toLowerCase();
  const owned = (c: ThreadCandidate) => c.customerEmails.includes(sender);
  if (p.inReplyTo) {
    const hit = known.find((c) => c.messageId === p.inReplyTo && owned(c));
    if (hit) return { conversationId: hit.conversationId, via: 'in-reply-to', messageId: hit.messageId };
  }
  for (const ref of [...p.references].reverse()) {
    const hit = known.find((c) => c.messageId === ref && owned(c));
    if (hit) return { conversationId: hit.conversationId, via: 'references', messageId: hit.messageId };
  }
  for (const id of threadLookupIds(p)) {
    const hit = markers.find((c) => c.messageId === id && owned(c));
    if (hit) return { conversationId: hit.conversationId, via: 'marker', messageId: hit.messageId };
  }
  return null;
}
