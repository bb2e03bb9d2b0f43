// Twilio message statuses and how they move a message on our timeline. Pure.
//
// Twilio posts a status callback for each step (queued → sending → sent →
// delivered, or undelivered / failed), but callbacks can arrive late or out of
// order. A status only ever moves forward: delivered followed by a late
// "sent" stays delivered, and a final state (delivered, failed) is never
// replaced by another final state.

import type { DeliveryStatus } from '../../contracts/index.js';

/** Order of Twilio's outbound statuses; unknown statuses have none and are ignored. */
const TWILIO_RANK: Record<string, number> = {
  accepted: 0,
  scheduled: 0,
  queued: 0,
  sending: 1,
  sent: 2,
  delivered: 3,
  undelivered: 3,
  failed: 3,
  canceled: 3,
  read: 4,
};

export function twilioRank(status: string): number | null {
  return TWILIO_RANK[status.toLowerCase()] ?? null;
}

/** Our delivery status for a Twilio status, or null for statuses we do not track. */
export function deliveryStatusOf(twilioStatus: string): 'sent' | 'delivered' | 'failed' | null {
  switch (twilioStatus.toLowerCase()) {
    case 'accepted':
    case 'scheduled':
    case 'queued':
    case 'sending':
    case 'sent':
      return 'sent';
    case 'delivered':
    case 'read':
      return 'delivered';
    case 'undelivered':
    case 'failed':
    case 'canceled':
      return 'failed';
    default:
      return null;
  }
}

const OUR_RANK: Record<DeliveryStatus, number> = { received: -1, queued: 0, sent: 1, delivered: 2, failed: 2 };

/** Short descriptions of the Twilio error codes an agent is most likely to meet. */
const ERROR_TEXT: Record<number, string> = {
  21211: 'not a valid phone number',
  21408: 'sending to this region is not enabled on the Twilio account',
  21606: 'the sending number cannot send SMS',
  21610: 'the customer unsubscribed (replied STOP)',
  21612: 'Twilio cannot route to this number',
  21614: 'not a mobile number',
  30001: 'queue overflow at Twilio',
  30002: 'the Twilio account is suspended',
  30003: 'the handset is unreachable',
  30004: 'the message was blocked',
  30005: 'unknown or inactive handset',
  30006: 'a landline or an unreachable carrier',
  30007: 'filtered by the carrier',
  30008: 'unknown error at the carrier',
  30034: 'the sending number is not registered for A2P 10DLC',
};

/** What a Twilio error code means, for the codes we know. */
export function twilioErrorText(code: number | null | undefined): string | null {
  return code === null || code === undefined ? null : (ERROR_TEXT[code] ?? null);
}

export function describeTwilioError(code: number | null | undefined): string | null {
  if (code === null || code === undefined) return null;
  const text = twilioErrorText(code);
  return text ? `Twilio error ${code}: ${text}` : `Twilio error ${code}`;
}

export interface StatusChange {
  status: 'sent' | 'delivered' | 'failed';
  reason: string | null;
}

/**
 * What a Twilio status does to a message now in `current`: the change, or null
 * when it would not move the message forward. A message still `queued` is left
 * alone: the outbox has not recorded the send yet, and it reconciles once it has.
 */
export function statusChange(current: DeliveryStatus, twilioStatus: string, errorCode: number | null = null): StatusChange | null {
  if (current === 'received' || current === 'queued') return null;
  const next = deliveryStatusOf(twilioStatus);
  if (!next || OUR_RANK[next] <= OUR_RANK[current]) return null;
  if (next !== 'failed') return { status: next, reason: null };
  const why = describeTwilioError(errorCode);
  return { status: 'failed', reason: `${twilioStatus.toLowerCase()}${why ? ` (${why})` : ''}` };
}
