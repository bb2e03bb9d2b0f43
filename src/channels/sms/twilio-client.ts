import twilio from 'twilio';
import { twilioErrorText } from './status.js';

export type TwilioClient = ReturnType<typeof twilio>;

/**
 * Builds the REST client, or null when the account is not configured.
 * `httpClient` replaces the client's HTTP layer (tests: a local recording fake).
 */
export function createTwilioClient(accountSid: string | undefined, authToken: string | undefined, httpClient?: unknown): TwilioClient | null {
  if (!accountSid || !authToken) return null;
  return twilio(accountSid, authToken, httpClient ? { httpClient: httpClient as twilio.RequestClient } : {});
}

export interface TwilioFailure {
  /** False when retrying may help: a 5xx, 429 or no answer at all. */
  permanent: boolean;
  httpStatus: number | null;
  code: number | null;
  reason: string;
}

/** Sorts an error thrown by the twilio client into "do not retry" (4xx) and "retry" (5xx, 429, network). */
export function classifyTwilioError(err: unknown): TwilioFailure {
  const e = (typeof err === 'object' && err !== null ? err : {}) as { status?: unknown; code?: unknown; message?: unknown };
  const httpStatus = typeof e.status === 'number' ? e.status : null;
  const code = typeof e.code === 'number' ? e.code : null;
  const message = typeof e.message === 'string' && e.message ? e.message : String(err);
  if (httpStatus === null) return { permanent: false, httpStatus, code, reason: `could not reach Twilio: ${message}` };
  if (httpStatus === 429 || httpStatus >= 500) return { permanent: false, httpStatus, code, reason: `Twilio answered HTTP ${httpStatus}${code ? ` (error ${code})` : ''}` };
  const what = twilioErrorText(code) ?? message;
  return { permanent: true, httpStatus, code, reason: `Twilio refused the message (HTTP ${httpStatus}${code ? `, error ${code}` : ''}): ${what}` };
}
