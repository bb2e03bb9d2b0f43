// TwiML, built only with the twilio package's VoiceResponse (never strings),
// and the webhook URLs it points Twilio at. Every URL is absolute on
// PUBLIC_URL: Twilio signs exactly the URL it calls.
import twilio from 'twilio';
import type { Wait } from './ivr.js';
import { DEFAULT_HOLD_MUSIC, phrase, type Speech } from './prompts.js';
import type { Flow, Language } from './flow.js';

const { VoiceResponse } = twilio.twiml;
type Response = InstanceType<typeof VoiceResponse>;
type Speaker = Pick<Response, 'say' | 'play'>;

export const VOICE_PATHS = {
  inbound: '/webhooks/twilio/voice',
  status: '/webhooks/twilio/voice/status',
  ivr: '/webhooks/twilio/voice/ivr',
  wait: '/webhooks/twilio/voice/wait',
  waitKey: '/webhooks/twilio/voice/wait/key',
  queueExit: '/webhooks/twilio/voice/queue-exit',
  voicemail: '/webhooks/twilio/voice/voicemail',
  recording: '/webhooks/twilio/voice/recording',
  dialEnd: '/webhooks/twilio/voice/dial-end',
  conference: '/webhooks/twilio/voice/conference',
  fallback: '/webhooks/twilio/voice/fallback',
  client: '/webhooks/twilio/voice/client',
} as const;

export class Urls {
  constructor(private readonly publicUrl: string) {}

  to(path: string, query: Record<string, string | number | undefined> = {}): string {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined) q.set(k, String(v));
    const s = q.toString();
    return `${this.publicUrl}${path}${s ? `?${s}` : ''}`;
  }
}

export function speak(into: Speaker, speech: Speech[]): void {
  for (const s of speech) {
    if (s.kind === 'say') into.say({ language: s.language }, s.text);
    else into.play(s.loop ? { loop: s.loop } : {}, s.url);
  }
}

export function response(speech: Speech[] = []): Response {
  const r = new VoiceResponse();
  speak(r, speech);
  return r;
}

/** A menu / language choice / digit collection: <Gather>, and a <Redirect> for when the caller says nothing. */
export function gatherTwiml(urls: Urls, speech: Speech[], wait: Wait, step: number): string {
  const r = response(speech);
  const action = urls.to(VOICE_PATHS.ivr, { node: wait.node, step, try: wait.try });
  const g = r.gather({
    input: wait.gather.speech ? ['dtmf', 'speech'] : ['dtmf'],
    action,
    method: 'POST',
    timeout: wait.gather.timeout,
    ...(wait.gather.numDigits ? { numDigits: wait.gather.numDigits } : {}),
    ...(wait.gather.finishOnKey ? { finishOnKey: wait.gather.finishOnKey } : {}),
    ...(wait.gather.speech ? { language: wait.gather.speechLanguage, speechTimeout: 'auto', hints: wait.gather.hints.join(', ') } : {}),
  });
  speak(g, wait.prompt);
  r.redirect({ method: 'POST' }, urls.to(VOICE_PATHS.ivr, { node: wait.node, step, try: wait.try, timeout: 1 }));
  return r.toString();
}

/** The Twilio queue a call waits in; its position there is not ours (routing decides), so one per routing queue. */
export const twilioQueueName = (queue: string) => `pasokh-${queue}`.slice(0, 64);

export function enqueueTwiml(urls: Urls, speech: Speech[], queue: string): string {
  const r = response(speech);
  r.enqueue({ waitUrl: urls.to(VOICE_PATHS.wait), waitUrlMethod: 'POST', action: urls.to(VOICE_PATHS.queueExit), method: 'POST' }, twilioQueueName(queue));
  return r.toString();
}

/** What plays while waiting (Twilio requests it again when it ends): position and wait, the callback offer, hold music. */
export function waitTwiml(urls: Urls, announcement: Speech[], callbackOffer: Speech[] | null, holdMusicUrl: string | undefined): string {
  const r = new VoiceResponse();
  const music: Speech = { kind: 'play', url: holdMusicUrl ?? DEFAULT_HOLD_MUSIC };
  if (callbackOffer) {
    // Inside the <Gather> so "1" works during the music too.
    const g = r.gather({ input: ['dtmf'], numDigits: 1, timeout: 1, action: urls.to(VOICE_PATHS.waitKey), method: 'POST' });
    speak(g, [...announcement, ...callbackOffer, music]);
  } else {
    speak(r, [...announcement, music]);
  }
  return r.toString();
}

export function leaveTwiml(): string {
  const r = new VoiceResponse();
  r.leave();
  return r.toString();
}

export function hangupTwiml(speech: Speech[]): string {
  const r = response(speech);
  r.hangup();
  return r.toString();
}

export function voicemailTwiml(urls: Urls, speech: Speech[], maxSeconds: number, lang: Language, flow: Flow | undefined, query: Record<string, string> = {}): string {
  const r = response(speech);
  r.record({
    action: urls.to(VOICE_PATHS.voicemail, query),
    method: 'POST',
    maxLength: maxSeconds,
    finishOnKey: '#',
    playBeep: true,
    timeout: 10,
    recordingStatusCallback: urls.to(VOICE_PATHS.recording, { kind: 'voicemail', ...query }),
    recordingStatusCallbackMethod: 'POST',
    recordingStatusCallbackEvent: ['completed'],
  });
  // Reached only when nothing was recorded.
  speak(r, phrase('goodbye', lang, flow));
  r.hangup();
  return r.toString();
}

export interface ConferenceJoin {
  name: string;
  label: string;
  /** The customer ends the conference by leaving; agents do not (transfers). */
  endOnExit: boolean;
  startOnEnter: boolean;
  holdMusicUrl?: string;
  callSid: string;
}

/** Puts a call into the task's conference. */
export function conferenceTwiml(urls: Urls, speech: Speech[], join: ConferenceJoin): string {
  const r = response(speech);
  const dial = r.dial({ action: urls.to(VOICE_PATHS.dialEnd, { leg: join.label }), method: 'POST' });
  dial.conference(
    {
      beep: 'false',
      startConferenceOnEnter: join.startOnEnter,
      endConferenceOnExit: join.endOnExit,
      participantLabel: join.label,
      waitUrl: join.holdMusicUrl ?? DEFAULT_HOLD_MUSIC,
      waitMethod: 'GET',
      statusCallback: urls.to(VOICE_PATHS.conference),
      statusCallbackMethod: 'POST',
      statusCallbackEvent: ['start', 'end', 'join', 'leave'],
    },
    join.name,
  );
  return r.toString();
}

export type ApologyFallback = 'queue' | 'voicemail' | 'hangup' | 'music';

/**
 * Never dead air: what a failed webhook answers. Built from constants only
 * (no database), so it cannot fail itself.
 */
export function apologyTwiml(urls: Urls, fallback: ApologyFallback, lang: Language = 'en', flow?: Flow, query: Record<string, string> = {}): string {
  const r = response(phrase('apology', lang, flow));
  switch (fallback) {
    case 'queue':
      // The fallback handler tries the default queue, then voicemail.
      speak(r, phrase('apologyQueue', lang, flow));
      r.redirect({ method: 'POST' }, urls.to(VOICE_PATHS.fallback, query));
      break;
    case 'voicemail':
      return voicemailTwiml(urls, [...phrase('apology', lang, flow), ...phrase('apologyVoicemail', lang, flow)], 120, lang, flow, { fallback: '1', ...query });
    case 'music':
      r.play({}, DEFAULT_HOLD_MUSIC);
      break;
    case 'hangup':
      speak(r, phrase('apologyHangup', lang, flow));
      r.hangup();
      break;
  }
  return r.toString();
}

export function emptyTwiml(): string {
  return new VoiceResponse().toString();
}
