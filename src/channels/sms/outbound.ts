import type { Db } from '../../db/index.js';
import type { Logger } from '../../logger.js';
import { PermanentSendError, type ChannelAdapter, type OutboundMessage, type SendResult } from '../types.js';
import { adoptEarlyStatus, type DeliveryDeps } from './delivery.js';
import { twilioRank } from './status.js';
import { optOutReason, optState, recordOpt, TWILIO_UNSUBSCRIBED } from './store.js';
import { classifyTwilioError, type TwilioClient } from './twilio-client.js';

export const STATUS_CALLBACK_PATH = '/webhooks/twilio/sms/status';

/** Earlier-attempt search: how far back (before our first attempt) a Twilio message may be dated. */
const CLOCK_SKEW_MS = 5 * 60_000;

export interface SmsAdapterDeps extends DeliveryDeps {
  db: Db;
  log: Logger;
  /** Null when TWILIO_ACCOUNT_SID / TWILIO_AUTH_TOKEN are not set. */
  client: TwilioClient | null;
  publicUrl: string;
}

/**
 * Sends an agent's reply through Twilio's Messages API, from the business
 * number the customer wrote to. Called by the outbox worker, which claims each
 * message once; this adapter adds what the outbox cannot know:
 *
 * - a customer who opted out is refused (PermanentSendError, reason on the timeline);
 * - the SID Twilio returns is stored at once, so a retry of the same job does not send again;
 * - a retry after an attempt whose outcome is unknown (timeout, 5xx) first looks
 *   for that message at Twilio and adopts it instead of sending a second copy;
 * - 4xx answers (invalid number, unsubscribed) are permanent; 5xx, 429 and
 *   network errors are thrown for the outbox to retry with backoff.
 */
export class SmsAdapter implements ChannelAdapter {
  readonly channel = 'sms' as const;

  constructor(private readonly d: SmsAdapterDeps) {}

  async send(m: OutboundMessage): Promise<SendResult> {
    const record = await this.d.db.selectFrom('sms_outbound').selectAll().where('message_id', '=', m.messageId).executeTakeFirst();
    // Already handed to Twilio by an earlier attempt whose outcome the outbox did not record.
    if (record?.sid) return { status: 'sent', externalId: record.sid };

    const { from, to } = await this.addresses(m);
    const state = await optState(this.d.db, to, from);
    if (state?.optedOut) throw new PermanentSendError(optOutReason(state));
    const client = this.d.client;
    if (!client) throw new PermanentSendError('SMS is not configured: set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN');

    if (record) {
      // An earlier attempt started and left no SID: it may have reached Twilio anyway.
      const earlier = await this.findEarlierSend(client, m, record.from_number, record.to_number, record.first_attempt_at);
      if (earlier) {
        await this.storeSid(m.messageId, earlier.sid, earlier.status);
        this.d.log.info({ messageId: m.messageId, sid: earlier.sid }, 'sms: earlier attempt had reached Twilio; not sending again');
        return { status: 'sent', externalId: earlier.sid };
      }
    }
    // Recorded before the call: from here on, a retry knows this message may have reached Twilio.
    await this.d.db
      .insertInto('sms_outbound')
      .values({ message_id: m.messageId, sid: null, from_number: from, to_number: to, twilio_status: null, error_code: null })
      .onConflict((oc) => oc.column('message_id').doUpdateSet({ from_number: from, to_number: to, updated_at: new Date() }))
      .execute();

    let created: { sid: string; status: string };
    try {
      created = await client.messages.create({ from, to, body: m.body, statusCallback: this.d.publicUrl + STATUS_CALLBACK_PATH });
    } catch (err) {
      const failure = classifyTwilioError(err);
      this.d.log.warn({ messageId: m.messageId, conversationId: m.conversationId, httpStatus: failure.httpStatus, code: failure.code, permanent: failure.permanent }, 'sms send failed');
      if (!failure.permanent) throw new Error(failure.reason, { cause: err });
      if (failure.code === 21610) {
        await recordOpt(this.d.db, { customerNumber: to, businessNumber: from, optedOut: true, keyword: TWILIO_UNSUBSCRIBED, messageSid: null });
      }
      throw new PermanentSendError(failure.reason);
    }
    // Should this write fail, the retry finds the message at Twilio (above) instead of sending it again.
    await this.storeSid(m.messageId, created.sid, created.status);
    this.d.log.info({ messageId: m.messageId, conversationId: m.conversationId, sid: created.sid }, 'sms handed to Twilio');
    return { status: 'sent', externalId: created.sid };
  }

  /** The business number (the one the customer last wrote to) and the customer's number. */
  private async addresses(m: OutboundMessage): Promise<{ from: string; to: string }> {
    const conv = await this.d.db.selectFrom('conversations').select('channel_meta').where('id', '=', m.conversationId).executeTakeFirstOrThrow();
    const meta = conv.channel_meta;
    let to = typeof meta.smsCustomerNumber === 'string' ? meta.smsCustomerNumber : undefined;
    to ??= (
      await this.d.db
        .selectFrom('customer_identities')
        .select('value')
        .where('customer_id', '=', m.customerId)
        .where('kind', '=', 'phone')
        .orderBy('created_at')
        .limit(1)
        .executeTakeFirst()
    )?.value;
    if (!to) throw new PermanentSendError('the customer has no phone number to send an SMS to');
    let from = typeof meta.smsBusinessNumber === 'string' ? meta.smsBusinessNumber : undefined;
    // A conversation that did not start with an inbound SMS: the first configured number.
    from ??= (await this.d.db.selectFrom('sms_numbers').select('number').orderBy('created_at').limit(1).executeTakeFirst())?.number;
    if (!from) throw new PermanentSendError('no Twilio number to send from: the conversation has none and no SMS number is configured');
    return { from, to };
  }

  private async storeSid(messageId: string, sid: string, twilioStatus: string | null | undefined): Promise<void> {
    await this.d.db.updateTable('sms_outbound').set({ sid, updated_at: new Date() }).where('message_id', '=', messageId).execute();
    const status = twilioStatus ?? 'queued';
    const rank = twilioRank(status) ?? 0;
    // A status callback may already have moved it further: keep the further one.
    await this.d.db.updateTable('sms_outbound').set({ twilio_status: status, twilio_rank: rank }).where('message_id', '=', messageId).where('twilio_rank', '<', rank).execute();
    // One may even have come before Twilio's answer to the create reached us.
    await adoptEarlyStatus(this.d, sid);
  }

  /**
   * A message this reply's earlier attempt may have created: same numbers and
   * body, created after that attempt began, and not already claimed by another
   * of our messages. Twilio lists the newest first.
   */
  private async findEarlierSend(client: TwilioClient, m: OutboundMessage, from: string, to: string, since: Date): Promise<{ sid: string; status: string } | null> {
    let page;
    try {
      page = await client.messages.page({ from, to, pageSize: 50 });
    } catch (err) {
      const failure = classifyTwilioError(err);
      // Unsure whether the first attempt went out: better retry later than send twice.
      throw new Error(`checking for an earlier attempt failed: ${failure.reason}`, { cause: err });
    }
    const candidates = page.instances.filter(
      (msg) => msg.direction !== 'inbound' && (msg.body === m.body || msg.body?.endsWith(m.body)) && msg.dateCreated && msg.dateCreated.getTime() >= since.getTime() - CLOCK_SKEW_MS,
    );
    if (candidates.length === 0) return null;
    const claimed = await this.d.db
      .selectFrom('sms_outbound')
      .select('sid')
      .where(
        'sid',
        'in',
        candidates.map((c) => c.sid),
      )
      .execute();
    const taken = new Set(claimed.map((c) => c.sid));
    // Oldest unclaimed first: the earliest attempt is the one that went through.
    const match = candidates.filter((c) => !taken.has(c.sid)).at(-1);
    return match ? { sid: match.sid, status: match.status } : null;
  }
}
