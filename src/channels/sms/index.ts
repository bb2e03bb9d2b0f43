import type { ChannelFactory } from '../types.js';
import { smsAdminRoutes } from './admin-routes.js';
import { reconcileMessage } from './delivery.js';
import { smsWebhooks } from './inbound.js';
import { SmsAdapter } from './outbound.js';
import { createTwilioClient } from './twilio-client.js';

/** SMS over Twilio: signed webhooks in, Messages API out through the outbox, status callbacks, opt-outs, numbers → queues. */
export const smsChannel: ChannelFactory = (ctx) => {
  const log = ctx.log.child({ channel: 'sms' });
  const { accountSid, authToken } = ctx.config.twilio;
  const client = createTwilioClient(accountSid, authToken, ctx.options.twilioHttpClient);
  const deliveryDeps = { db: ctx.db, events: ctx.events, log };

  // When the outbox records a send, apply a status callback that arrived before it did.
  // (Kept for the hub's whole life: sends finishing during shutdown still reconcile.)
  const onStatus = ({ messageId }: { messageId: string }) => {
    void reconcileMessage(deliveryDeps, messageId).catch((err: unknown) => log.warn({ err, messageId }, 'sms status reconcile failed'));
  };
  ctx.events.on('message.status', onStatus);
  if (!authToken) log.warn('TWILIO_AUTH_TOKEN is not set: SMS webhooks answer 503');
  else if (!client) log.warn('TWILIO_ACCOUNT_SID is not set: SMS replies fail until it is');

  return {
    channel: 'sms',
    adapter: new SmsAdapter({ ...deliveryDeps, client, publicUrl: ctx.config.publicUrl }),
    routers: [
      smsWebhooks({ ...deliveryDeps, ingest: ctx.ingest, inFlight: ctx.inFlight, authToken, publicUrl: ctx.config.publicUrl, onPhoneOptChange: ctx.onPhoneOptChange }),
      smsAdminRoutes({ db: ctx.db }),
    ],
    // Catch up after a crash between a status callback and the outbox recording the send.
    async start() {
      const behind = await ctx.db
        .selectFrom('sms_outbound')
        .innerJoin('messages', 'messages.id', 'sms_outbound.message_id')
        .select('sms_outbound.message_id')
        .where('messages.status', '=', 'sent')
        .where('sms_outbound.twilio_rank', '>=', 3)
        .limit(1000)
        .execute();
      for (const { message_id } of behind) await reconcileMessage(deliveryDeps, message_id);
    },
  };
};
