// @vitest-environment happy-dom
// Calls in the console: a card (caller, length, language, IVR path, voicemail
// player) and call events as timeline lines rather than chat bubbles.
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MessageDto } from '../../src/contracts/index.js';
import { MessageBubble } from '../src/console/conversations/MessageBubble.js';
import { I18nProvider } from '../src/console/i18n/I18nProvider.js';

const CALL = 'CA0123456789abcdef0123456789abcdef';
const REC = 'https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE0123456789abcdef0123456789abcdef';

const msg = (p: Partial<MessageDto>): MessageDto => ({
  id: `m${p.seq ?? 1}`,
  conversationId: 'c1',
  seq: 1,
  channel: 'voice',
  from: 'customer',
  authorName: null,
  body: '',
  status: 'received',
  statusReason: null,
  at: '2026-11-20T10:00:00Z',
  ...p,
});

const call = msg({
  body: 'Phone call from +989121234567 · IVR: language: 2 › main: 1 Sales › queue voice',
  metadata: {
    kind: 'call',
    callSid: CALL,
    from: '+989121234567',
    to: '+15005550006',
    language: 'fa',
    ivrPath: [
      { node: 'language', type: 'language', input: '2', at: '2026-11-20T10:00:00Z' },
      { node: 'main', type: 'menu', input: '1 Sales', at: '2026-11-20T10:00:02Z' },
      { node: 'sales', type: 'queue', input: 'voice', at: '2026-11-20T10:00:03Z' },
    ],
  },
});
const connected = msg({ seq: 2, from: 'system', body: 'Connected to Sara Ahmadi.', metadata: { voice: true, callSid: CALL, agentId: 'a1' } });
const hold = msg({ seq: 3, from: 'system', body: 'Sara Ahmadi put the caller on hold.', metadata: { voice: true, callSid: CALL, byUserId: 'a1' } });
const recording = msg({ seq: 4, from: 'system', body: `Call recording (1:35): ${REC}`, metadata: { voice: true, callSid: CALL, recording: { sid: 'RE1', url: REC, durationSeconds: 95 } } });
const ended = msg({ seq: 5, from: 'system', body: 'Call ended (1:35).', metadata: { voice: true, callSid: CALL, durationSeconds: 95 } });
const thread = [call, connected, hold, recording, ended];

const show = (lang: 'en' | 'fa' = 'en') => {
  window.localStorage.setItem('pasokh:console:lang', lang);
  return render(
    <I18nProvider>
      <ol>
        {thread.map((m) => (
          <MessageBubble key={m.id} message={m} thread={thread} />
        ))}
      </ol>
    </I18nProvider>,
  );
};

beforeEach(() => window.localStorage.clear());
afterEach(cleanup);

describe('voice card', () => {
  it('shows the caller, number called, length from the call-ended event, language and the IVR path', () => {
    show();
    const card = screen.getByTestId('voice-card');
    expect(card.getAttribute('data-kind')).toBe('call');
    expect(card.textContent).toContain('+989121234567');
    expect(card.textContent).toContain('+15005550006');
    expect(screen.getByTestId('voice-duration').textContent).toBe('1:35');
    expect(screen.getByTestId('voice-language').textContent).toBe('Persian');
    expect(Array.from(screen.getByTestId('voice-ivr-path').querySelectorAll('li')).map((li) => li.textContent)).toEqual(['language: 2', 'main: 1 Sales', 'sales: voice']);
  });

  it('in Persian: labels, language name and digits follow the console', () => {
    show('fa');
    expect(screen.getByTestId('voice-duration').textContent).toBe('۱:۳۵');
    expect(screen.getByTestId('voice-language').textContent).toBe('فارسی');
  });

  it('a voicemail card has a player for the recording (as MP3)', () => {
    const vm = msg({ body: 'Voicemail from +989121234567 (0:08)', metadata: { kind: 'voicemail', callSid: CALL, from: '+989121234567', language: 'en', ivrPath: [], voicemail: { url: REC, durationSeconds: 8 } } });
    window.localStorage.setItem('pasokh:console:lang', 'en');
    render(
      <I18nProvider>
        <ol>
          <MessageBubble message={vm} thread={[vm]} />
        </ol>
      </I18nProvider>,
    );
    expect(screen.getByTestId('voice-card').getAttribute('data-kind')).toBe('voicemail');
    const audio = screen.getByTestId('voice-audio') as HTMLAudioElement;
    expect(audio.getAttribute('src')).toBe(`${REC}.mp3`);
    expect(audio.hasAttribute('controls')).toBe(true);
    expect(screen.getByText(/Voicemail · Recording \(0:08\)/)).toBeTruthy();
  });
});

describe('call events', () => {
  it('connected, hold, recording and ended are timeline lines, not bubbles', () => {
    const { container } = show();
    const events = screen.getAllByTestId('timeline-event');
    expect(events.map((e) => e.querySelector('.timeline-event-text')!.textContent)).toEqual(['Connected to Sara Ahmadi.', 'Sara Ahmadi put the caller on hold.', 'Call recording (1:35)', 'Call ended (1:35).']);
    for (const e of events) expect(e.querySelector('.msg-bubble')).toBeNull();
    // No chat bubble at all on this call's timeline: the call is a card, the rest events.
    expect(container.querySelectorAll('.msg-bubble')).toHaveLength(0);
  });

  it('the recording event plays the recording instead of showing its address', () => {
    show();
    const rec = screen.getAllByTestId('timeline-event')[2]!;
    expect(rec.textContent).not.toContain('https://');
    expect(rec.querySelector('audio')!.getAttribute('src')).toBe(`${REC}.mp3`);
  });

  it('chat messages stay bubbles', () => {
    window.localStorage.setItem('pasokh:console:lang', 'en');
    const chat: MessageDto = { ...connected, channel: 'webchat', body: 'سلام، hello' };
    const { container } = render(
      <I18nProvider>
        <ol>
          <MessageBubble message={chat} />
        </ol>
      </I18nProvider>,
    );
    expect(container.querySelectorAll('.msg-bubble')).toHaveLength(1);
    expect(screen.getByTestId('message').getAttribute('dir')).toBe('auto');
  });
});
