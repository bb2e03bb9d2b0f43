import { Router, type Request, type Response } from 'express';
import twilio from 'twilio';
import { z } from 'zod';
import { parse } from '../../api/validate.js';
import type { Db } from '../../db/index.js';
import { AppError } from '../../errors.js';
import { normalizePhone } from '../../domain/identity.js';
import type { Ingest } from '../../ingest/ingest.js';
import type { InFlight } from '../../lifecycle.js';
import type { Logger } from '../../logger.js';
import type { ChannelContext } from '../types.js';
import { applyTwilioStatus, type DeliveryDeps } from './delivery.js';
import { parseOptKeyword } from './keywords.js';
import { STATUS_CALLBACK_PATH } from './outbound.js';
import { smsSegments } from '../../domain/sms-segments.js';
import { formParams, verifyTwilioSignature } from './signature.js';
import { mappedQueueName, optState, optStateJson, recordOpt } from './store.js';

export const INBOUND_PATH = '/webhooks/twilio/sms';

/** What Twilio accepts as a reply to a webhook: here always empty (Twilio answers STOP/START itself). */
const EMPTY_TWIML = new twilio.twiml.MessagingResponse().toString();

const MAX_MEDIA = 20;
const noNul = (s: string) => !s.includes('\u0000');
const text = (max: number) => z.string().max(max, `longer than ${max} characters`).refine(noNul, 'contains a NUL character');
const sid = z.string().regex(/^(SM|MM)[0-9a-fA-F]{32}$/, 'must be a Twilio message SID (SM or MM and 32 hex digits)');
const optionalNumber = z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int().min(0).max(999_999).optional());

const inboundSchema = z.object({
  MessageSid: sid,
  From: text(64).min(1, 'is empty'),
  To: text(64).min(1, 'is empty'),
  Body: text(10_000).default(''),
  NumMedia: z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int().min(0).max(MAX_MEDIA).default(0)),
});

const mediaSchema = (n: number) =>
  z.object(
    Object.fromEntries(
      Array.from({ length: n }, (_, i) => [
        [`MediaUrl${i}`, z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(2048)],
        [`MediaContentType${i}`, z.string().max(255).regex(/^[\w.+-]+\/[\w.+-]+/, 'must be a MIME type')],
      ]).flat(),
    ),
  );

const statusSchema = z.object({
  MessageSid: sid,
  MessageStatus: z.string().trim().min(1).max(40).regex(/^[a-z_-]+$/i, 'must be a status word'),
  ErrorCode: optionalNumber,
});

/** A business number as stored: E.164, or a short code as Twilio sent it. */
function businessNumberOf(to: string): string | null {
  const trimmed = to.trim();
  return normalizePhone(trimmed) ?? (/^\d{3,8}$/.test(trimmed) ? trimmed : null);
}

export interface SmsInboundDeps extends DeliveryDeps {
  db: Db;
  ingest: Ingest;
  log: Logger;
  inFlight: InFlight;
  authToken: string | undefined;
  publicUrl: string;
  onPhoneOptChange: ChannelContext['onPhoneOptChange'];
}

/** Parses outside input, logging (without values) what was wrong before the 400 goes back. */
function parseLogged<S extends z.ZodType>(log: Logger, what: string, schema: S, data: unknown): z.infer<S> {
  try {
    return parse(schema, data);
  } catch (err) {
    const details = (err as { details?: { path: string; message: string }[] }).details;
    log.warn({ issues: details?.map((d) => `${d.path}: ${d.message}`) }, `${what} refused: malformed`);
    throw err;
  }
}

/**
 * Twilio's SMS webhooks. Inbound: verify the signature, validate, record an
 * opt-out/opt-in keyword, ingest (customer by E.164, conversation, message,
 * routing task in one transaction, idempotent on MessageSid) and only then
 * answer with TwiML. Status callbacks: move the outbound message forward.
 */
export function smsWebhooks(deps: SmsInboundDeps): Router {
  const r = Router();
  const guard = verifyTwilioSignature({ authToken: deps.authToken, publicUrl: deps.publicUrl, log: deps.log });

  r.post(INBOUND_PATH, guard, (req: Request, res: Response) => deps.inFlight.track(inbound(req, res)));
  r.post(STATUS_CALLBACK_PATH, guard, (req: Request, res: Response) => deps.inFlight.track(status(req, res)));

  async function inbound(req: Request, res: Response): Promise<void> {
    const params = formParams(req.body);
    const p = parseLogged(deps.log, 'sms webhook', inboundSchema, params);
    const mediaParams = parseLogged(deps.log, 'sms webhook', mediaSchema(p.NumMedia), params) as Record<string, string>;
    const from = normalizePhone(p.From);
    const to = businessNumberOf(p.To);
    if (!from || !to) {
      const path = `body.${from ? 'To' : 'From'}`;
      deps.log.warn({ messageSid: p.MessageSid, issues: [`${path}: not a phone number`] }, 'sms webhook refused: malformed');
      throw new AppError(400, 'invalid_request', `${path}: is not a phone number`, [{ path, message: 'is not a phone number' }]);
    }
    const attachments = Array.from({ length: p.NumMedia }, (_, i) => ({ url: mediaParams[`MediaUrl${i}`]!, contentType: mediaParams[`MediaContentType${i}`]! }));

    const keyword = parseOptKeyword(p.Body);
    if (keyword) {
      const optedOut = keyword.action === 'opt-out';
      // Whoever else keeps consent (the dialer's do-not-call list) follows STOP / START in the same transaction.
      const changed = await deps.db.transaction().execute(async (tx) => {
        const recorded = await recordOpt(tx, { customerNumber: from, businessNumber: to, optedOut, keyword: keyword.keyword, messageSid: p.MessageSid });
        if (recorded) await deps.onPhoneOptChange(tx, from, optedOut);
        return recorded;
      });
      if (changed) deps.log.info({ messageSid: p.MessageSid, action: keyword.action }, 'sms opt-out state changed');
    }
    const state = await optState(deps.db, from, to);

    const result = await deps.ingest.ingest({
      channel: 'sms',
      externalId: p.MessageSid,
      identities: [{ kind: 'phone', value: from }],
      body: p.Body,
      queueName: await mappedQueueName(deps.db, to),
      metadata: {
        from,
        to,
        segments: smsSegments(p.Body),
        ...(attachments.length > 0 ? { attachments } : {}),
        ...(keyword ? { optKeyword: keyword } : {}),
      },
      // Replies go out from the number the customer wrote to, to the number they wrote from.
      conversationMeta: { smsBusinessNumber: to, smsCustomerNumber: from, smsOptOut: optStateJson(state) },
    });
    deps.log.info({ messageSid: p.MessageSid, conversationId: result.conversationId, taskId: result.taskId, duplicate: result.duplicate }, 'sms received');
    // Acknowledged only now, after the commit.
    res.status(200).type('text/xml').send(EMPTY_TWIML);
  }

  async function status(req: Request, res: Response): Promise<void> {
    const p = parseLogged(deps.log, 'sms status callback', statusSchema, formParams(req.body));
    const outcome = await applyTwilioStatus(deps, p.MessageSid, p.MessageStatus, p.ErrorCode ?? null);
    if (outcome === 'early') deps.log.info({ sid: p.MessageSid, status: p.MessageStatus }, 'sms status callback for an unknown SID: kept a day in case its send is being recorded, else ignored');
    if (outcome === 'unknown-status') deps.log.info({ sid: p.MessageSid, status: p.MessageStatus }, 'sms status callback with a status we do not track: ignored');
    res.status(200).type('text/xml').send(EMPTY_TWIML);
  }

  return r;
}
