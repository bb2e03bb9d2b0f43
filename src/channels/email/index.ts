import path from 'node:path';
import type { ChannelFactory } from '../types.js';
import { SecretBox } from './crypto.js';
import { FetcherManager, type FetcherOptions } from './fetcher.js';
import type { InboundDeps } from './inbound.js';
import { EmailAdapter, sendAutoAck, SmtpTransports } from './outbound.js';
import { emailRoutes } from './routes.js';

/**
 * Options read from ChannelOptions (tests pass fast intervals; deployments may tune them):
 * `emailPollIntervalMs`, `emailReconnectMs`, `emailMaxBackoffMs`, `emailReconcileMs`,
 * `emailAutoReplyHourlyCap`, `emailMaxMessageBytes`, `emailSmtpTimeoutMs`, `emailImapTimeoutMs`.
 */
function num(v: unknown, def: number): number {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : def;
}

/** Email: IMAP in, SMTP out, per configured mailbox. */
export const emailChannel: ChannelFactory = (ctx) => {
  const log = ctx.log.child({ channel: 'email' });
  const o = ctx.options;
  const attachmentsDir = path.resolve(o.attachmentsDir ?? ctx.config.attachmentsDir);
  const box = new SecretBox(ctx.secretKey);
  const smtpTimeout = num(o.emailSmtpTimeoutMs, 30_000);
  const transports = new SmtpTransports({ connectionMs: smtpTimeout, greetingMs: smtpTimeout, socketMs: smtpTimeout * 2 });
  const adapterDeps = { db: ctx.db, log, box, transports };
  const autoAckDeps = { ...adapterDeps, events: ctx.events, hourlyCap: num(o.emailAutoReplyHourlyCap, 3) };

  // Acknowledgements under way: stop() waits for them (some start after the hub's drain).
  const acks = new Set<Promise<void>>();
  const inbound: InboundDeps = {
    db: ctx.db,
    ingest: ctx.ingest,
    events: ctx.events,
    log,
    attachmentsDir,
    maxMessageBytes: num(o.emailMaxMessageBytes, 25 * 1024 * 1024),
    // Not awaited by the fetch: a slow SMTP server must not hold up the mailbox.
    onNewConversation: (mailbox, parsed, conversationId, externalId) => {
      if (!mailbox.autoAck.enabled) return;
      const work = sendAutoAck(autoAckDeps, mailbox, parsed, conversationId, externalId)
        .then(() => undefined)
        .catch((err: unknown) => log.warn({ err, conversationId }, 'automatic acknowledgement failed'))
        .finally(() => acks.delete(work));
      acks.add(work);
      void ctx.inFlight.track(work);
    },
  };
  const fetcherOptions: FetcherOptions = {
    pollIntervalMs: num(o.emailPollIntervalMs, 60_000),
    reconnectMs: num(o.emailReconnectMs, 2_000),
    maxBackoffMs: num(o.emailMaxBackoffMs, 5 * 60_000),
    connectTimeoutMs: num(o.emailImapTimeoutMs, 30_000),
    socketTimeoutMs: Math.max(num(o.emailImapTimeoutMs, 30_000) * 10, 5 * 60_000),
  };
  const fetchers = new FetcherManager({ db: ctx.db, box, log, inbound, options: fetcherOptions }, num(o.emailReconcileMs, 30_000));

  return {
    channel: 'email',
    adapter: new EmailAdapter(adapterDeps),
    routers: [
      emailRoutes({
        db: ctx.db,
        box,
        attachmentsDir,
        changed: async (id) => {
          transports.drop(id);
          await fetchers.reconcile();
        },
      }),
    ],
    start: () => fetchers.start(),
    async stop() {
      // The message under way is finished and its checkpoint written; nothing new is fetched.
      await fetchers.stop();
      await Promise.allSettled([...acks]);
      transports.closeAll();
    },
  };
};
