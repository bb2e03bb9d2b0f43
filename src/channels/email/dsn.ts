// Delivery status notifications (RFC 3464): which of our messages bounced, and why.
import { bareMessageId, messageIdList } from './ids.js';

export interface DsnRecipient {
  finalRecipient: string | null;
  action: string | null;
  status: string | null;
  diagnosticCode: string | null;
}

export interface DeliveryReport {
  recipients: DsnRecipient[];
  /** Message-IDs that may be the original message, most likely first. */
  originalMessageIds: string[];
  /** True when at least one recipient failed for good (Action: failed / 5.x.x). */
  failed: boolean;
  /** A reason for the timeline, e.g. `5.1.1 smtp; 550-5.1.1 The email account … does not exist.` */
  reason: string | null;
}

/** RFC 822-style fields (`Name: value`, folded lines) split in groups at blank lines. */
export function parseFieldGroups(text: string): Record<string, string>[] {
  const groups: Record<string, string>[] = [];
  for (const block of text.replace(/\r\n/g, '\n').split(/\n\s*\n/)) {
    const fields: Record<string, string> = {};
    let last: string | null = null;
    for (const line of block.split('\n')) {
      if (/^[ \t]/.test(line) && last) {
        fields[last] += ' ' + line.trim();
        continue;
      }
      const m = /^([A-Za-z0-9-]+):\s*(.*)$/.exec(line);
      if (!m) continue;
      last = m[1]!.toLowerCase();
      fields[last] ??= m[2]!.trim();
    }
    if (Object.keys(fields).length > 0) groups.push(fields);
  }
  return groups;
}

const addressOf = (v: string | undefined) => (v ? v.replace(/^[a-z0-9-]+;\s*/i, '').trim().replace(/^<|>$/g, '') : null);

/**
 * Reads a delivery report from its parts: the message/delivery-status text,
 * the returned message or its headers, and the report's own threading headers
 * (some servers set In-Reply-To / References to the original).
 */
export function parseDeliveryReport(parts: { deliveryStatus: string | null; returnedHeaders: string | null; inReplyTo?: string | null; references?: string | string[] | null }): DeliveryReport {
  const groups = parts.deliveryStatus ? parseFieldGroups(parts.deliveryStatus) : [];
  // The first group is per-message (Reporting-MTA …); the others are per recipient.
  const perMessage = groups[0] && !groups[0]['final-recipient'] && !groups[0]['action'] ? groups[0] : {};
  const recipients = groups
    .filter((g) => g['final-recipient'] || g['action'] || g['status'])
    .map((g) => ({
      finalRecipient: addressOf(g['final-recipient'] ?? g['original-recipient']),
      action: g['action']?.toLowerCase() ?? null,
      status: g['status'] ?? null,
      diagnosticCode: g['diagnostic-code']?.replace(/\s+/g, ' ') ?? null,
    }));
  const ids: string[] = [];
  const add = (id: string | null) => {
    if (id && !ids.includes(id)) ids.push(id);
  };
  add(bareMessageId(perMessage['original-message-id'] ?? perMessage['x-original-message-id']));
  if (parts.returnedHeaders) {
    const returned = parseFieldGroups(parts.returnedHeaders.split(/\r?\n\r?\n/)[0] ?? '')[0] ?? {};
    add(bareMessageId(returned['message-id']));
  }
  add(bareMessageId(parts.inReplyTo ?? null));
  for (const id of messageIdList(parts.references ?? null).reverse()) add(id);

  const failedOnes = recipients.filter((r) => r.action === 'failed' || (r.action === null && r.status?.startsWith('5')));
  const failed = failedOnes.length > 0;
  const pick = failedOnes[0] ?? null;
  const reason = pick
    ? [pick.status, pick.diagnosticCode, pick.finalRecipient ? `(${pick.finalRecipient})` : null].filter(Boolean).join(' ').slice(0, 500) || 'bounced'
    : null;
  return { recipients, originalMessageIds: ids, failed, reason };
}
