import { describe, expect, it } from 'vitest';
import { validateFlow, type Flow } from '../../src/channels/voice/flow.js';
import { advance, describePath, FlowRuntimeError, handleInput } from '../../src/channels/voice/ivr.js';
import { estimateWaitSeconds, queueAnnouncement, renderPrompt } from '../../src/channels/voice/prompts.js';
import { apologyTwiml, gatherTwiml, Urls, waitTwiml } from '../../src/channels/voice/twiml.js';
import { parseTwiml } from '../../src/channels/voice/walker.js';

function flowOf(doc: unknown): Flow {
  const r = validateFlow(doc);
  if (!r.flow) throw new Error(JSON.stringify(r.errors));
  return r.flow;
}

const flow = flowOf({
  languages: ['en', 'fa'],
  start: 'welcome',
  fallback: 'q',
  calendars: { office: { timezone: 'UTC', weekly: { mon: ['09:00-17:00'] } } },
  announcements: { fa: { position: 'https://a.example/fa/position.mp3', numbersBaseUrl: 'https://a.example/fa/n/', wait: 'https://a.example/fa/wait.mp3', minutes: 'https://a.example/fa/minutes.mp3', lessThanMinute: 'https://a.example/fa/lt1.mp3' } },
  nodes: {
    welcome: { type: 'say', prompt: { en: 'Welcome.', fa: { audioUrl: 'https://a.example/fa/welcome.mp3' } }, next: 'lang' },
    lang: { type: 'language', prompt: 'For English press 1. برای فارسی ۲', options: { '1': { language: 'en' }, '2': { language: 'fa', speech: ['فارسی'] } }, next: 'hours' },
    hours: { type: 'hours', calendar: 'office', open: 'menu', closed: 'vm' },
    menu: { type: 'menu', prompt: 'Press 1 or say sales.', options: { '1': { next: 'q', speech: ['sales', 'فروش'] } }, retries: 1 },
    q: { type: 'queue', queue: 'voice' },
    vm: { type: 'voicemail' },
  },
});
const MONDAY_10 = new Date('2025-05-05T10:00:00Z');
const SUNDAY = new Date('2025-05-04T10:00:00Z');

describe('IVR interpreter', () => {
  it('plays automatic nodes until one waits for input', () => {
    const a = advance({ flow, language: 'en', now: MONDAY_10 }, 'welcome');
    expect(a.speech).toEqual([{ kind: 'say', text: 'Welcome.', language: 'en-US' }]);
    expect(a.wait).toMatchObject({ node: 'lang', type: 'language', try: 1, gather: { numDigits: 1, speech: true, speechLanguage: 'en-US', hints: ['فارسی'] } });
    expect(a.path.map((p) => p.node)).toEqual(['welcome']);
  });

  it('branches on business hours and ends at a terminal node', () => {
    expect(advance({ flow, language: 'en', now: MONDAY_10 }, 'hours').wait?.node).toBe('menu');
    const closed = advance({ flow, language: 'fa', now: SUNDAY }, 'hours');
    expect(closed.terminal).toMatchObject({ type: 'voicemail', node: 'vm', maxSeconds: 120 });
    expect(closed.path).toEqual([expect.objectContaining({ node: 'hours', input: 'closed (outside-hours)' }), expect.objectContaining({ node: 'vm', type: 'voicemail' })]);
  });

  it('chooses by digit (Persian digits too) or by speech, retries, then falls back', () => {
    const ctx = { flow, language: 'en' as const, now: MONDAY_10 };
    expect(handleInput(ctx, 'lang', { digits: '۲' }, 1)).toMatchObject({ kind: 'goto', next: 'hours', language: 'fa' });
    expect(handleInput(ctx, 'lang', { speech: 'فارسي' }, 1)).toMatchObject({ kind: 'goto', language: 'fa' }); // Arabic yeh
    expect(handleInput(ctx, 'menu', { speech: 'Sales, please.' }, 1)).toMatchObject({ kind: 'goto', next: 'q' });
    expect(handleInput(ctx, 'menu', { speech: 'one' }, 1)).toMatchObject({ kind: 'goto', next: 'q' });
    expect(handleInput(ctx, 'menu', { digits: '7' }, 1)).toMatchObject({ kind: 'retry', try: 2, entry: { input: 'invalid 7' } });
    expect(handleInput(ctx, 'menu', {}, 2)).toMatchObject({ kind: 'goto', next: 'q', entry: { input: 'timeout, retries used: fallback' } });
    expect(handleInput(ctx, 'lang', {}, 3)).toMatchObject({ kind: 'goto', language: 'en', entry: { input: 'en (default)' } });
    const retry = advance(ctx, 'menu', 2);
    expect(retry.wait?.prompt[0]).toEqual({ kind: 'say', text: "Sorry, I didn't get that.", language: 'en-US' });
  });

  it('collects digits within bounds', () => {
    const f = flowOf({ start: 'c', fallback: 'q', nodes: { c: { type: 'collect', prompt: 'Account?', variable: 'account', minDigits: 4, maxDigits: 8, identify: 'account', next: 'q' }, q: { type: 'queue', queue: 'voice' } } });
    const ctx = { flow: f, language: 'en' as const, now: MONDAY_10 };
    expect(handleInput(ctx, 'c', { digits: '12345#' }, 1)).toMatchObject({ kind: 'goto', next: 'q', variable: { name: 'account', value: '12345', identify: { notFound: 'q' } } });
    expect(handleInput(ctx, 'c', { digits: '12' }, 1)).toMatchObject({ kind: 'retry' });
    expect(handleInput(ctx, 'c', { digits: '12ab' }, 1)).toMatchObject({ kind: 'retry' });
    expect(advance(ctx, 'c').wait?.gather).toMatchObject({ numDigits: 8, finishOnKey: '#', speech: false });
  });

  it('fails clearly when a node is missing at runtime (a flow changed mid-call)', () => {
    expect(() => advance({ flow, language: 'en', now: MONDAY_10 }, 'gone')).toThrow(FlowRuntimeError);
  });

  it('describes the path for the timeline', () => {
    const at = '2025-01-01T00:00:00.000Z';
    expect(
      describePath([
        { node: 'welcome', type: 'say', at },
        { node: 'lang', type: 'language', input: 'fa', at },
        { node: 'menu', type: 'menu', input: '1', at },
        { node: 'q', type: 'queue', input: 'voice', at },
      ]),
    ).toBe('welcome › lang: fa › menu: 1 › queue voice');
  });
});

describe('prompts', () => {
  it('plays recordings, speaks English, and falls back to English for Persian text', () => {
    expect(renderPrompt({ en: 'Hi', fa: { audioUrl: 'https://x/fa.mp3' } }, 'fa')).toEqual([{ kind: 'play', url: 'https://x/fa.mp3' }]);
    expect(renderPrompt({ en: 'Hi', fa: 'سلام' }, 'fa')).toEqual([{ kind: 'say', text: 'Hi', language: 'en-US' }]);
    expect(renderPrompt('Hi', 'en')).toEqual([{ kind: 'say', text: 'Hi', language: 'en-US' }]);
    expect(renderPrompt({ en: { audioUrl: 'https://x/en.mp3', text: 'Hi' } }, 'en')).toEqual([{ kind: 'play', url: 'https://x/en.mp3' }]);
  });

  it('estimates the wait from position, agents and handle time', () => {
    expect(estimateWaitSeconds({ position: 1, staffedAgents: 3, idleAgents: 1, handleSeconds: 300 })).toBe(0);
    expect(estimateWaitSeconds({ position: 4, staffedAgents: 2, idleAgents: 0, handleSeconds: 300 })).toBe(600);
    expect(estimateWaitSeconds({ position: 3, staffedAgents: 2, idleAgents: 1, handleSeconds: null })).toBe(240);
    expect(estimateWaitSeconds({ position: 2, staffedAgents: 0, idleAgents: 0, handleSeconds: 100 })).toBeNull();
  });

  it('announces position and wait in English, or with the flow’s Persian clips', () => {
    expect(queueAnnouncement(3, 250, 'en').map((s) => (s.kind === 'say' ? s.text : s.url))).toEqual(['You are number 3 in line.', 'Your estimated wait is about 5 minutes.']);
    expect(queueAnnouncement(1, 20, 'en').map((s) => (s.kind === 'say' ? s.text : s.url))).toEqual(['You are next in line.', 'Your estimated wait is less than a minute.']);
    expect(queueAnnouncement(2, null, 'en').map((s) => (s.kind === 'say' ? s.text : s.url))).toEqual(['You are number 2 in line.', 'An agent will be with you as soon as possible.']);
    expect(queueAnnouncement(3, 250, 'fa', flow).map((s) => (s.kind === 'say' ? s.text : s.url))).toEqual([
      'https://a.example/fa/position.mp3',
      'https://a.example/fa/n/3.mp3',
      'https://a.example/fa/wait.mp3',
      'https://a.example/fa/n/5.mp3',
      'https://a.example/fa/minutes.mp3',
    ]);
    // Beyond the number clips: English text-to-speech.
    expect(queueAnnouncement(120, 30, 'fa', flow)[0]).toEqual({ kind: 'say', text: 'You are number 120 in line.', language: 'en-US' });
  });
});

describe('TwiML', () => {
  const urls = new Urls('https://hub.example');

  it('menus are a <Gather input="dtmf speech"> with a <Redirect> for silence, carrying the step', () => {
    const a = advance({ flow, language: 'fa', now: MONDAY_10 }, 'menu');
    const doc = parseTwiml(gatherTwiml(urls, a.speech, a.wait!, 4));
    expect(doc.children.map((c) => c.name)).toEqual(['Gather', 'Redirect']);
    const g = doc.children[0]!;
    expect(g.attrs).toMatchObject({ input: 'dtmf speech', numDigits: '1', language: 'fa-IR', action: 'https://hub.example/webhooks/twilio/voice/ivr?node=menu&step=4&try=1', hints: 'sales, فروش' });
    expect(doc.children[1]!.text).toBe('https://hub.example/webhooks/twilio/voice/ivr?node=menu&step=4&try=1&timeout=1');
  });

  it('the wait music sits inside the callback <Gather> so a key press works during it', () => {
    const doc = parseTwiml(waitTwiml(urls, [{ kind: 'say', text: 'You are next in line.', language: 'en-US' }], [{ kind: 'say', text: 'Press 1', language: 'en-US' }], 'https://m.example/hold.mp3'));
    expect(doc.children[0]!.name).toBe('Gather');
    expect(doc.children[0]!.children.map((c) => c.name)).toEqual(['Say', 'Say', 'Play']);
    expect(parseTwiml(waitTwiml(urls, [], null, undefined)).children.map((c) => c.name)).toEqual(['Play']);
  });

  it('apologies always lead somewhere', () => {
    expect(parseTwiml(apologyTwiml(urls, 'queue')).children.map((c) => c.name)).toEqual(['Say', 'Say', 'Redirect']);
    expect(parseTwiml(apologyTwiml(urls, 'voicemail')).children.map((c) => c.name)).toEqual(['Say', 'Say', 'Record', 'Say', 'Hangup']);
    expect(parseTwiml(apologyTwiml(urls, 'hangup')).children.map((c) => c.name)).toEqual(['Say', 'Say', 'Hangup']);
  });

  it('the walker’s reader decodes entities and rejects broken documents', () => {
    const doc = parseTwiml('<?xml version="1.0" encoding="UTF-8"?><Response><Say language="en-US">Tom &amp; Jerry &#1587;&#x644;</Say><Pause length="2"/></Response>');
    expect(doc.children[0]!.text).toBe('Tom & Jerry سل');
    expect(doc.children[1]!.attrs['length']).toBe('2');
    expect(() => parseTwiml('<Response><Say>x</Response>')).toThrow();
    expect(() => parseTwiml('<Other/>')).toThrow();
  });
});
