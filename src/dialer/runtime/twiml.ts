// What outbound calls hear, built with twilio's VoiceResponse, and the webhook URLs the runtime
// gives Twilio (absolute on PUBLIC_URL: Twilio signs exactly the URL it calls).
import twilio from 'twilio';
import type { CampaignMachine, CampaignMessage } from '../campaigns/schema.js';

const { VoiceResponse } = twilio.twiml;
type Response = InstanceType<typeof VoiceResponse>;
type Speaker = Pick<Response, 'say' | 'play'>;

export const DIALER_PATHS = {
  answer: '/webhooks/twilio/dialer/answer',
  amd: '/webhooks/twilio/dialer/amd',
  status: '/webhooks/twilio/dialer/status',
  optout: '/webhooks/twilio/dialer/optout',
  agentStatus: '/webhooks/twilio/dialer/agent-status',
} as const;

/** The conference an agent waits in between outbound calls. */
export const standbyConference = (agentId: string) => `pasokh-dialer-${agentId}`;

/** Seconds the answer TwiML holds the callee while asynchronous AMD listens (its own timeout is 30 s). */
export const AMD_HOLD_SECONDS = 35;

/** A recording when there is one; else text-to-speech in English (Twilio has no Persian voice: Persian needs audioUrl). */
function speakTo(into: Speaker, what: { audioUrl?: string; text?: string }, fallback: string): void {
  if (what.audioUrl) into.play({}, what.audioUrl);
  else into.say({ language: 'en-US' }, what.text?.trim() || fallback);
}

export class DialerUrls {
  constructor(private readonly publicUrl: string) {}
  to(path: string, query: Record<string, string | undefined> = {}): string {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined) q.set(k, v);
    const s = q.toString();
    return `${this.publicUrl}${path}${s ? `?${s}` : ''}`;
  }
}

/**
 * While AMD listens: a silent one-key gather. Nothing is played (a person hears the line open), a
 * key pressed proves a person at once, and if AMD never answers the redirect asks again.
 */
export function holdTwiml(urls: DialerUrls, attemptId: string): string {
  const r = new VoiceResponse();
  r.gather({ input: ['dtmf'], numDigits: 1, timeout: AMD_HOLD_SECONDS, action: urls.to(DIALER_PATHS.answer, { attempt: attemptId, key: '1' }), method: 'POST' });
  r.redirect({ method: 'POST' }, urls.to(DIALER_PATHS.answer, { attempt: attemptId, late: '1' }));
  return r.toString();
}

/** A person answered and an agent is waiting: into the agent's standby conference (leaving does not end it). */
export function bridgeTwiml(agentId: string): string {
  const r = new VoiceResponse();
  r.dial().conference({ beep: 'false', startConferenceOnEnter: true, endConferenceOnExit: false }, standbyConference(agentId));
  return r.toString();
}

export const DEFAULT_MESSAGE = 'Sorry, all of our agents are busy. We called about your account and will try again later.';
export const OPT_OUT_PROMPT = 'To stop these calls, press 9 now.';

/** No agent within 2 s: the campaign's information message, the opt-out key, and goodbye. */
export function abandonTwiml(urls: DialerUrls, attemptId: string, message: CampaignMessage, callerId: string): string {
  const r = new VoiceResponse();
  speakTo(r, message, `${DEFAULT_MESSAGE} Our number is ${callerId.split('').join(' ')}.`);
  const g = r.gather({ input: ['dtmf'], numDigits: 1, timeout: 5, action: urls.to(DIALER_PATHS.optout, { attempt: attemptId }), method: 'POST' });
  g.say({ language: 'en-US' }, OPT_OUT_PROMPT);
  r.hangup();
  return r.toString();
}

export function optedOutTwiml(): string {
  const r = new VoiceResponse();
  r.say({ language: 'en-US' }, 'You will not be called again. Goodbye.');
  r.hangup();
  return r.toString();
}

export const DEFAULT_VOICEMAIL = 'Hello, we called about your account. Please call us back. Thank you.';

/** Voicemail drop after the beep (DetectMessageEnd), then hang up. */
export function voicemailTwiml(machine: CampaignMachine): string {
  const r = new VoiceResponse();
  speakTo(r, machine, DEFAULT_VOICEMAIL);
  r.hangup();
  return r.toString();
}

export function hangupTwiml(): string {
  const r = new VoiceResponse();
  r.hangup();
  return r.toString();
}

/** The agent's standby leg: wait in the conference (music off, the agent hears the bridge). */
export function emptyTwiml(): string {
  return new VoiceResponse().toString();
}
