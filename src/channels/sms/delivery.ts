import { sql } from 'kysely';
import type { Db } from '../../db/index.js';
import type { HubEvents } from '../../events.js';
import type { Logger } from '../../logger.js';
import { statusChange, twilioRank } from './status.js';
import { recordOpt, TWILIO_UNSUBSCRIBED } from './store.js';

export interface DeliveryDeps {
  db: Db;
  events: HubEvents;
  log: Logger;
}

/**
 * - applied: the send record moved forward (and the timeline with it, when the outbox has recorded the send)
 * - stale: a repeat, or older than what we have
 * - early: no send with this SID yet; kept until the send records it
 * - unknown-status: a status word we do not track
 */
export type StatusOutcome = 'applied' | 'stale' | 'early' | 'unknown-status';

/**
 * One Twilio status callback: records Twilio's status on our send record if it
 * is further along than what we have, then moves the message on the timeline.
 * Idempotent: a repeat, or a status older than the one stored, changes nothing.
 */
export async function applyTwilioStatus(deps: DeliveryDeps, sid: string, twilioStatus: string, errorCode: number | null): Promise<StatusOutcome> {
  const rank = twilioRank(twilioStatus);
  if (rank === null) return 'unknown-status';
  const outcome = await raise(deps, sid, twilioStatus.toLowerCase(), rank, errorCode);
  if (outcome !== 'unknown-sid') return outcome;

  // Twilio can call back before its answer to our create has reached us: keep the status for the send to pick up.
  await deps.db
    .insertInto('sms_status_early')
    .values({ sid, twilio_status: twilioStatus.toLowerCase(), twilio_rank: rank, error_code: errorCode })
    .onConflict((oc) =>
      oc
        .column('sid')
        .doUpdateSet((eb) => ({ twilio_status: eb.ref('excluded.twilio_status'), twilio_rank: eb.ref('excluded.twilio_rank'), error_code: eb.ref('excluded.error_code'), at: sql<Date>`now()` }))
        .where('sms_status_early.twilio_rank', '<', (eb) => eb.ref('excluded.twilio_rank')),
    )
    .execute();
  await deps.db.deleteFrom('sms_status_early').where('at', '<', sql<Date>`now() - interval '1 day'`).execute();
  // The send may have recorded its SID meanwhile, after looking for early statuses: then apply it here.
  const known = await deps.db.selectFrom('sms_outbound').select('message_id').where('sid', '=', sid).executeTakeFirst();
  if (known && (await adoptEarlyStatus(deps, sid))) return 'applied';
  return 'early';
}

/** Applies (and forgets) a status callback that arrived before the send stored this SID. */
export async function adoptEarlyStatus(deps: DeliveryDeps, sid: string): Promise<boolean> {
  const early = await deps.db.deleteFrom('sms_status_early').where('sid', '=', sid).returningAll().executeTakeFirst();
  if (!early) return false;
  return (await raise(deps, sid, early.twilio_status, early.twilio_rank, early.error_code)) === 'applied';
}

async function raise(deps: DeliveryDeps, sid: string, twilioStatus: string, rank: number, errorCode: number | null): Promise<'applied' | 'stale' | 'unknown-sid'> {
  const updated = await deps.db
    .updateTable('sms_outbound')
    .set({ twilio_status: twilioStatus, twilio_rank: rank, error_code: errorCode, updated_at: new Date() })
    .where('sid', '=', sid)
    .where('twilio_rank', '<', rank)
    .returning(['message_id', 'from_number', 'to_number'])
    .executeTakeFirst();
  if (!updated) {
    const known = await deps.db.selectFrom('sms_outbound').select('message_id').where('sid', '=', sid).executeTakeFirst();
    return known ? 'stale' : 'unknown-sid';
  }
  if (errorCode === 21610) {
    // Twilio refuses to deliver because the customer unsubscribed (e.g. a STOP sent before we knew the number).
    await recordOpt(deps.db, { customerNumber: updated.to_number, businessNumber: updated.from_number, optedOut: true, keyword: TWILIO_UNSUBSCRIBED, messageSid: sid });
  }
  await reconcileMessage(deps, updated.message_id);
  return 'applied';
}

/**
 * Brings the message's timeline status up to the Twilio status we recorded,
 * forward only. Called after a status callback and after the outbox recorded
 * the send (a callback can arrive before the outbox has marked the message
 * sent; it is applied then).
 */
export async function reconcileMessage(deps: DeliveryDeps, messageId: string): Promise<boolean> {
  const row = await deps.db
    .selectFrom('sms_outbound')
    .innerJoin('messages', 'messages.id', 'sms_outbound.message_id')
    .select(['messages.status', 'messages.conversation_id', 'sms_outbound.twilio_status', 'sms_outbound.error_code', 'sms_outbound.sid'])
    .where('sms_outbound.message_id', '=', messageId)
    .executeTakeFirst();
  if (!row?.twilio_status) return false;
  const change = statusChange(row.status, row.twilio_status, row.error_code);
  if (!change) return false;
  const moved = await deps.db
    .updateTable('messages')
    .set({ status: change.status, status_reason: change.reason })
    .where('id', '=', messageId)
    .where('status', '=', row.status) // lost a race with another update: that one stands
    .returning('id')
    .executeTakeFirst();
  if (!moved) return false;
  deps.log.info({ messageId, conversationId: row.conversation_id, sid: row.sid, status: change.status }, 'sms delivery status');
  deps.events.emit('message.status', { messageId, conversationId: row.conversation_id });
  return true;
}
