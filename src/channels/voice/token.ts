import twilio from 'twilio';
import type { Config } from '../../config.js';
import { AppError } from '../../errors.js';
import { clientIdentity } from './store.js';

export const TOKEN_TTL_SECONDS = 3600;

export interface VoiceToken {
  token: string;
  identity: string;
  expiresAt: string;
}

/**
 * A Twilio Voice access token for an agent's browser (@twilio/voice-sdk):
 * it may receive calls for the agent's client identity (the hub rings
 * `client:<identity>` into conferences) and place calls through the TwiML app.
 */
export function mintVoiceToken(config: Config['twilio'], userId: string, now = new Date()): VoiceToken {
  const missing = [
    ['TWILIO_ACCOUNT_SID', config.accountSid],
    ['TWILIO_API_KEY', config.apiKey],
    ['TWILIO_API_SECRET', config.apiSecret],
    ['TWILIO_TWIML_APP_SID', config.twimlAppSid],
  ]
    .filter(([, v]) => !v)
    .map(([k]) => k);
  if (missing.length > 0) {
    throw new AppError(503, 'voice_not_configured', `browser calls are not configured: set ${missing.join(', ')} (an API key and secret from the Twilio console, and the SID of a TwiML app whose voice URL is PUBLIC_URL/webhooks/twilio/voice/client)`);
  }
  const identity = clientIdentity(userId);
  const token = new twilio.jwt.AccessToken(config.accountSid!, config.apiKey!, config.apiSecret!, { identity, ttl: TOKEN_TTL_SECONDS });
  token.addGrant(new twilio.jwt.AccessToken.VoiceGrant({ incomingAllow: true, outgoingApplicationSid: config.twimlAppSid! }));
  return { token: token.toJwt(), identity, expiresAt: new Date(now.getTime() + TOKEN_TTL_SECONDS * 1000).toISOString() };
}
