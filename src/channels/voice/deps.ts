import type { Db } from '../../db/index.js';
import type { HubEvents } from '../../events.js';
import type { Ingest } from '../../ingest/ingest.js';
import type { InFlight } from '../../lifecycle.js';
import type { Logger } from '../../logger.js';
import type { TwilioClient } from '../sms/twilio-client.js';
import type { ChannelContext } from '../types.js';
import type { Urls } from './twiml.js';
import type { CallLock } from './util.js';

/** What the voice channel's parts share. */
export interface VoiceDeps {
  db: Db;
  log: Logger;
  events: HubEvents;
  ingest: Ingest;
  inFlight: InFlight;
  urls: Urls;
  /** Null when TWILIO_ACCOUNT_SID / TWILIO_AUTH_TOKEN are not set: calls can still be answered, but not bridged. */
  client: TwilioClient | null;
  routing: ChannelContext['routing'];
  /** Per-call serialisation, across hub processes (see SharedCallLock). */
  lock: CallLock;
  now: () => Date;
}
