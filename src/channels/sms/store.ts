import type { Db, Tx } from '../../db/index.js';

type Q = Db | Tx;

export interface OptState {
  optedOut: boolean;
  keyword: string;
  at: Date;
}

/** Keyword recorded when Twilio itself refused a send because the customer unsubscribed. */
export const TWILIO_UNSUBSCRIBED = 'twilio:21610';

/** The current opt-out state of a customer number towards one business number, or null if never changed. */
export async function optState(db: Q, customerNumber: string, businessNumber: string): Promise<OptState | null> {
  const row = await db
    .selectFrom('sms_opt_outs')
    .select(['opted_out', 'keyword', 'at'])
    .where('customer_number', '=', customerNumber)
    .where('business_number', '=', businessNumber)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? { optedOut: row.opted_out, keyword: row.keyword, at: row.at } : null;
}

/** Appends to the opt-out history; a repeat of the same inbound message (same SID) changes nothing. */
export async function recordOpt(
  db: Q,
  entry: { customerNumber: string; businessNumber: string; optedOut: boolean; keyword: string; messageSid: string | null },
): Promise<boolean> {
  const inserted = await db
    .insertInto('sms_opt_outs')
    .values({
      customer_number: entry.customerNumber,
      business_number: entry.businessNumber,
      opted_out: entry.optedOut,
      keyword: entry.keyword,
      message_sid: entry.messageSid,
    })
    .onConflict((oc) => oc.column('message_sid').doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}

/** The reason shown on the timeline when a reply to an opted-out number is refused. */
export function optOutReason(state: OptState): string {
  const day = state.at.toISOString().slice(0, 10);
  if (state.keyword === TWILIO_UNSUBSCRIBED) return `the customer opted out of SMS (Twilio reported the number unsubscribed on ${day})`;
  return `the customer opted out of SMS (${state.keyword} on ${day})`;
}

/** For conversation channel_meta and the console: the opt-out state as plain JSON. */
export function optStateJson(state: OptState | null): { optedOut: boolean; keyword: string | null; at: string | null } {
  return state ? { optedOut: state.optedOut, keyword: state.keyword, at: state.at.toISOString() } : { optedOut: false, keyword: null, at: null };
}

/** The queue a business number is mapped to (its name, as ingest takes it), if any. */
export async function mappedQueueName(db: Q, businessNumber: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('sms_numbers')
    .innerJoin('queues', 'queues.id', 'sms_numbers.queue_id')
    .select('queues.name')
    .where('sms_numbers.number', '=', businessNumber)
    .executeTakeFirst();
  return row?.name;
}
