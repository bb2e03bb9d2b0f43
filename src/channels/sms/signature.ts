import type { NextFunction, Request, Response } from 'express';
import twilio from 'twilio';
import { AppError } from '../../errors.js';
import type { Logger } from '../../logger.js';

/**
 * Express guard for Twilio webhooks (SMS now, voice later): checks
 * X-Twilio-Signature against PUBLIC_URL + the path and query Twilio called,
 * and the form parameters. Runs before anything is parsed or stored.
 *
 * - TWILIO_AUTH_TOKEN not set → 503: we cannot tell Twilio from anyone else.
 * - header missing or not matching → 403.
 */
export function verifyTwilioSignature(deps: { authToken: string | undefined; publicUrl: string; log: Logger }) {
  return (req: Request, _res: Response, next: NextFunction) => {
    if (!deps.authToken) {
      throw new AppError(503, 'twilio_not_configured', 'TWILIO_AUTH_TOKEN is not set, so Twilio webhooks cannot be verified; set it and restart');
    }
    const signature = req.header('x-twilio-signature');
    const url = deps.publicUrl + req.originalUrl;
    const params = formParams(req.body);
    if (!signature || !twilio.validateRequest(deps.authToken, signature, url, params)) {
      deps.log.warn({ path: req.path, signed: Boolean(signature) }, 'twilio webhook refused: signature missing or wrong (is PUBLIC_URL the URL Twilio calls?)');
      throw new AppError(403, 'invalid_signature', 'X-Twilio-Signature is missing or does not match this request');
    }
    next();
  };
}

/** The parsed form body as a plain record; anything else (no body, JSON arrays) counts as no parameters. */
export function formParams(body: unknown): Record<string, unknown> {
  return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
}
