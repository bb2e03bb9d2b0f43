/**
 * The dialer's campaign runtime (see src/dialer/README.md, "Runtime"): `createDialer` builds it for
 * the hub; the hub starts and stops it with routing leadership and mounts its routes.
 */
import type { Router } from 'express';
import { createTwilioClient } from '../../channels/sms/twilio-client.js';
import type { Config } from '../../config.js';
import type { Db } from '../../db/index.js';
import type { HubEvents } from '../../events.js';
import type { Ingest } from '../../ingest/ingest.js';
import type { InFlight } from '../../lifecycle.js';
import type { Logger } from '../../logger.js';
import { dialerRoutes } from './routes.js';
import { DialerRuntime, type DialerDeps, type DialerRouting } from './runtime.js';
import { DialerUrls } from './twiml.js';

export { DialerRuntime } from './runtime.js';
export type { TickReport } from './runtime.js';

export interface DialerOptions {
  /** Twilio account calls per second (default 1, Twilio's default). */
  callsPerSecond?: number;
  /** Tick period in ms (default 1000); 0 = no timer, ticks only through `tick()` (tests). */
  tickMs?: number;
}

export function createDialer(ctx: {
  config: Config;
  db: Db;
  log: Logger;
  events: HubEvents;
  ingest: Ingest;
  inFlight: InFlight;
  routing: DialerRouting;
  presence: DialerDeps['presence'];
  twilioHttpClient?: unknown;
  onStats?: DialerDeps['onStats'];
  options?: DialerOptions;
}): { runtime: DialerRuntime; routers: Router[] } {
  const { accountSid, authToken } = ctx.config.twilio;
  const runtime = new DialerRuntime({
    db: ctx.db,
    log: ctx.log,
    events: ctx.events,
    ingest: ctx.ingest,
    routing: ctx.routing,
    presence: ctx.presence,
    client: createTwilioClient(accountSid, authToken, ctx.twilioHttpClient),
    urls: new DialerUrls(ctx.config.publicUrl),
    callsPerSecond: ctx.options?.callsPerSecond ?? 1,
    tickMs: ctx.options?.tickMs ?? 1000,
    ...(ctx.onStats ? { onStats: ctx.onStats } : {}),
  });
  return { runtime, routers: [dialerRoutes({ runtime, authToken, publicUrl: ctx.config.publicUrl, log: ctx.log, inFlight: ctx.inFlight })] };
}
