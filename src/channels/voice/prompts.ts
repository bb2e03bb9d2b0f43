// What the caller hears, as data: pieces of speech (text-to-speech or a
// recording) in the caller's language, built without I/O. twiml.ts turns them
// into <Say>/<Play>.
import { promptParts, TTS_LANGUAGE, type FaAnnouncements, type Flow, type Language, type PromptInput } from './flow.js';

export type Speech = { kind: 'say'; text: string; language: 'en-US' } | { kind: 'play'; url: string; loop?: number };

/** Twilio's own hold music, used when neither the flow nor the queue names one. */
export const DEFAULT_HOLD_MUSIC = 'http://com.twilio.sounds.music.s3.amazonaws.com/MARKOVICHAMP-Borghestral.mp3';

const say = (text: string): Speech => ({ kind: 'say', text, language: 'en-US' });

/**
 * A prompt in the caller's language: the recording if there is one, else
 * text-to-speech if Twilio speaks the language, else the same prompt in the
 * first language that can be played (English text-to-speech in practice).
 */
export function renderPrompt(prompt: PromptInput | undefined, lang: Language, languages: readonly Language[] = ['en', 'fa']): Speech[] {
  if (prompt === undefined) return [];
  const parts = promptParts(prompt);
  const one = (l: Language): Speech | null => {
    const part = parts[l];
    if (part?.audioUrl) return { kind: 'play', url: part.audioUrl };
    const tts = TTS_LANGUAGE[l];
    if (part?.text && tts) return say(part.text);
    return null;
  };
  const order = [lang, ...languages.filter((l) => l !== lang), 'en' as const, 'fa' as const];
  for (const l of order) {
    const s = one(l);
    if (s) return [s];
  }
  return [];
}

/** The hub's fixed phrases. English is text-to-speech; Persian uses the flow's clips when it has them, else English. */
export const PHRASES = {
  invalid: "Sorry, I didn't get that.",
  goodbye: 'Thank you for calling. Goodbye.',
  hold: 'Please hold while we connect you to an agent.',
  callbackOffer: 'To hang up and keep your place in line, press 1, and we will call you back.',
  callbackConfirm: 'Thank you. We will call you back at the number you are calling from, when it is your turn. Goodbye.',
  callbackNoNumber: 'We cannot call your number back, so please stay on the line.',
  voicemailPrompt: 'Please leave a message after the tone. Press the pound key when you are finished.',
  voicemailThanks: 'Thank you, your message has been recorded. Goodbye.',
  apology: "We're sorry, something went wrong on our side.",
  apologyQueue: 'Please stay on the line while we connect you to an agent.',
  apologyVoicemail: 'Please leave a message after the tone, and we will call you back.',
  apologyHangup: 'Please call again later. Goodbye.',
  transferring: 'Please hold while we transfer your call.',
  callbackGreeting: 'Hello, this is the call back you asked for. Please hold for a moment while we connect you.',
  agentGone: 'The agent has left the call. Thank you for calling. Goodbye.',
} as const;
export type PhraseKey = keyof typeof PHRASES;

const FA_CLIP: Partial<Record<PhraseKey, keyof FaAnnouncements>> = {
  invalid: 'invalid',
  goodbye: 'goodbye',
  hold: 'hold',
  callbackOffer: 'callbackOffer',
  callbackConfirm: 'callbackConfirm',
  voicemailThanks: 'voicemailThanks',
  apology: 'apology',
};

export function phrase(key: PhraseKey, lang: Language, flow?: Flow): Speech[] {
  if (lang === 'fa') {
    const clip = FA_CLIP[key];
    const url = clip ? flow?.announcements?.fa?.[clip] : undefined;
    if (url) return [{ kind: 'play', url }];
  }
  return [say(PHRASES[key])];
}

export interface WaitFigures {
  /** 1 = next in line. */
  position: number;
  /** Agents available for calls now, and how many of them have room for one. */
  staffedAgents: number;
  idleAgents: number;
  /** Mean talk time of recent calls in the queue; null when there are none yet. */
  handleSeconds: number | null;
}

export const DEFAULT_HANDLE_SECONDS = 240;

/**
 * Estimated wait in seconds, or null when nobody is staffed (no honest
 * estimate). Callers ahead of this one are served as agents free up: with c
 * agents busy, one frees up every handle/c seconds on average, so the k-th
 * caller beyond the idle agents waits about k × handle / c.
 */
export function estimateWaitSeconds(f: WaitFigures): number | null {
  if (f.position <= f.idleAgents) return 0;
  if (f.staffedAgents <= 0) return null;
  const handle = f.handleSeconds ?? DEFAULT_HANDLE_SECONDS;
  return Math.round(((f.position - f.idleAgents) * handle) / f.staffedAgents);
}

/** "You are number 3 in line. Your estimated wait is about 4 minutes." in the caller's language. */
export function queueAnnouncement(position: number, waitSeconds: number | null, lang: Language, flow?: Flow): Speech[] {
  const fa = lang === 'fa' ? flow?.announcements?.fa : undefined;
  const minutes = waitSeconds === null ? null : Math.max(1, Math.ceil(waitSeconds / 60));
  const number = (n: number): Speech | null => (fa?.numbersBaseUrl && n >= 1 && n <= 99 ? { kind: 'play', url: `${fa.numbersBaseUrl}${n}.mp3` } : null);
  const out: Speech[] = [];

  const posNumber = number(position);
  if (fa?.position && posNumber) out.push({ kind: 'play', url: fa.position }, posNumber);
  else out.push(say(position === 1 ? 'You are next in line.' : `You are number ${position} in line.`));

  if (waitSeconds === null) {
    out.push(say('An agent will be with you as soon as possible.'));
  } else if (waitSeconds < 60) {
    if (fa?.wait && fa.lessThanMinute) out.push({ kind: 'play', url: fa.wait }, { kind: 'play', url: fa.lessThanMinute });
    else out.push(say('Your estimated wait is less than a minute.'));
  } else {
    const n = number(minutes!);
    if (fa?.wait && fa.minutes && n) out.push({ kind: 'play', url: fa.wait }, n, { kind: 'play', url: fa.minutes });
    else out.push(say(`Your estimated wait is about ${minutes} ${minutes === 1 ? 'minute' : 'minutes'}.`));
  }
  return out;
}
