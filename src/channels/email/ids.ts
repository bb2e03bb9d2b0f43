// Message-ID handling and the marker Pasokh puts in its own outgoing mail.

/** `<abc@host>` or `abc@host` → `abc@host`; null when nothing usable is left. */
export function bareMessageId(value: string | null | undefined): string | null {
  if (!value) return null;
  const m = /<([^<>\s]+)>/.exec(value);
  const id = (m ? m[1]! : value).trim().replace(/^<|>$/g, '');
  return id && id.length <= 995 && !/\s/.test(id) ? id : null;
}

/** Every Message-ID in a header value such as References (several `<…>`), in order, without duplicates. */
export function messageIdList(value: string | string[] | null | undefined): string[] {
  if (!value) return [];
  const text = Array.isArray(value) ? value.join(' ') : value;
  const ids = [...text.matchAll(/<([^<>\s]+)>/g)].map((m) => m[1]!);
  // A bare id without brackets (seen from a few mailers) when nothing bracketed is there.
  if (ids.length === 0) for (const part of text.split(/[\s,]+/)) if (/^[^\s@<>]+@[^\s@<>]+$/.test(part)) ids.push(part);
  return [...new Set(ids)];
}

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const MARKER = new RegExp(`^pasokh\\.(${UUID})\\.([0-9a-z]+)@`, 'i');

/**
 * Our own Message-ID for an outgoing message: it carries the conversation, so a
 * reply threads even when the Message-ID map does not know it (another hub's
 * database restored, a client that rewrote In-Reply-To but kept References).
 * Deterministic per message: a retried send reuses it, so a copy that did go
 * out the first time is one message to the recipient's client, not two.
 */
export function ourMessageId(conversationId: string, token: string, address: string): string {
  const domain = address.split('@')[1] || 'pasokh.invalid';
  return `pasokh.${conversationId}.${token.replace(/[^0-9a-z]/gi, '').toLowerCase()}@${domain}`;
}

/** The conversation id in one of our Message-IDs, or null. */
export function conversationOfMarker(messageId: string): string | null {
  const m = MARKER.exec(messageId);
  return m ? m[1]!.toLowerCase() : null;
}

/** `Re: Order 5` for `Order 5`, `RE: Order 5`, `Re: Re: AW: Order 5`. */
export function replySubject(subject: string | null | undefined): string {
  const base = baseSubject(subject);
  return base ? `Re: ${base}` : 'Re: (no subject)';
}

/** The subject without reply/forward prefixes (English, German, Persian/Arabic clients). */
export function baseSubject(subject: string | null | undefined): string {
  let s = (subject ?? '').replace(/\s+/g, ' ').trim();
  for (;;) {
    const next = s.replace(/^(re|aw|sv|fw|fwd|wg|tr|رد|پاسخ|ارسال مجدد|ج)\s*(\[\d+\])?\s*[:：]\s*/i, '');
    if (next === s) return s;
    s = next;
  }
}

const RTL_CHAR = /[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF]/g;
const LTR_CHAR = /[A-Za-z\u00C0-\u024F\u0370-\u03FF\u0400-\u04FF]/g;

/** 'rtl' when most letters are Persian/Arabic/Hebrew, 'auto' otherwise (the client decides per paragraph). */
export function textDirection(text: string): 'rtl' | 'auto' {
  const rtl = text.match(RTL_CHAR)?.length ?? 0;
  const ltr = text.match(LTR_CHAR)?.length ?? 0;
  return rtl > 0 && rtl >= ltr ? 'rtl' : 'auto';
}
