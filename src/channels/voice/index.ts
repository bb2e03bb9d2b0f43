import type { HubEventMap } from '../../events.js';
import { createTwilioClient } from '../sms/twilio-client.js';
import { PermanentSendError, type ChannelAdapter, type ChannelFactory } from '../types.js';
import { voiceApi } from './api.js';
import { VoiceControl } from './control.js';
import type { VoiceDeps } from './deps.js';
import { Urls } from './twiml.js';
import pg from 'pg';
import { SharedCallLock } from './util.js';
import { voiceWebhooks } from './webhooks.js';

/** Text typed on a voice conversation has no way to the caller: a clear failure on the timeline instead of a retry loop. */
const voiceAdapter: ChannelAdapter = {
  channel: 'voice',
  send: () => Promise.reject(new PermanentSendError('a phone call cannot carry a text reply: talk to the caller, or write to them on SMS or email')),
};

/**
 * Voice over Twilio: IVR flows per number, the queue experience (position,
 * estimated wait, callback), the agent's leg in a conference, transfers,
 * hold, recording and supervisor monitoring. See README.md beside this file.
 *
 * Options (ChannelOptions): `twilioHttpClient` (tests: a recording fake of
 * Twilio's REST API) and `voiceNow` (a clock for business-hours tests).
 */
export const voiceChannel: ChannelFactory = (ctx) => {
  const log = ctx.log.child({ channel: 'voice' });
  const { accountSid, authToken } = ctx.config.twilio;
  const clock = ctx.options['voiceNow'];
  // Connections that only hold per-call advisory locks (see SharedCallLock); opened on first use.
  const lockPool = new pg.Pool({ connectionString: ctx.config.databaseUrl, max: 8, connectionTimeoutMillis: 20_000, idleTimeoutMillis: 30_000 });
  lockPool.on('error', () => undefined);
  const deps: VoiceDeps = {
    db: ctx.db,
    log,
    events: ctx.events,
    ingest: ctx.ingest,
    inFlight: ctx.inFlight,
    urls: new Urls(ctx.config.publicUrl),
    client: createTwilioClient(accountSid, authToken, ctx.options.twilioHttpClient),
    routing: ctx.routing,
    lock: new SharedCallLock(lockPool),
    now: typeof clock === 'function' ? (clock as () => Date) : () => new Date(),
  };
  const control = new VoiceControl(deps);
  if (!authToken) log.warn('TWILIO_AUTH_TOKEN is not set: voice webhooks answer 503');
  else if (!deps.client) log.warn('TWILIO_ACCOUNT_SID is not set: calls reach the IVR and the queue but cannot be connected to agents');

  const onAssigned = (e: HubEventMap['task.assigned'][0]) => {
    if (e.channel !== 'voice') return;
    void ctx.inFlight.track(control.taskAssigned(e)).catch((err: unknown) => log.error({ err, taskId: e.taskId, conversationId: e.conversationId }, 'connecting the agent to the call failed'));
  };

  return {
    channel: 'voice',
    adapter: voiceAdapter,
    routers: [voiceWebhooks({ ...deps, authToken, publicUrl: ctx.config.publicUrl }, control), voiceApi({ ...deps, config: ctx.config }, control)],
    start() {
      ctx.events.on('task.assigned', onAssigned);
      return Promise.resolve();
    },
    async stop() {
      ctx.events.off('task.assigned', onAssigned);
      await lockPool.end();
    },
  };
};
