// @vitest-environment happy-dom
// SMS in the console: the live segment counter under the reply box, per-message
// segments / delivery / MMS, and the opt-out banner that turns replies off.
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MessageDto } from '../../src/contracts/index.js';
import { MessageBubble } from '../src/console/conversations/MessageBubble.js';
import { ReplyBox } from '../src/console/conversations/ReplyBox.js';
import { SmsOptOutBanner, useSmsOptOut, type SmsOptOut } from '../src/console/conversations/render/sms.js';
import { I18nProvider } from '../src/console/i18n/I18nProvider.js';

beforeEach(() => {
  window.localStorage.clear();
  window.localStorage.setItem('pasokh:console:lang', 'en');
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const wrap = (ui: React.ReactNode) => render(<I18nProvider>{ui}</I18nProvider>);

describe('segment counter under the reply box', () => {
  const box = () => wrap(<ReplyBox userId="u1" conversationId="c1" disabled={false} onSent={() => undefined} channel="sms" />);
  const type = (text: string) => fireEvent.change(screen.getByTestId('reply-input'), { target: { value: text } });
  const counter = () => screen.getByTestId('sms-counter');

  it('counts GSM-7 at 160 for one SMS and 153 per part beyond', () => {
    box();
    type('a'.repeat(160));
    expect(counter().textContent).toBe('160 characters · 1 SMS · GSM-7');
    type('a'.repeat(161));
    expect(counter().textContent).toBe('161 characters · 2 SMS · GSM-7');
    type('a'.repeat(307));
    expect(counter().dataset['segments']).toBe('3');
  });

  it('one Persian letter makes it UCS-2: 70 in one SMS, 67 per part', () => {
    box();
    type('س'.repeat(70));
    expect(counter().textContent).toBe('70 characters · 1 SMS · UCS-2');
    type('س'.repeat(71));
    expect(counter().textContent).toBe('71 characters · 2 SMS · UCS-2');
  });

  it('extension characters count twice; surrounding spaces are not sent and not counted', () => {
    box();
    type('  {}  ');
    expect(counter().textContent).toBe('4 characters · 1 SMS · GSM-7');
  });

  it('is in Persian digits when the console is in Persian', () => {
    window.localStorage.setItem('pasokh:console:lang', 'fa');
    box();
    type('سلام');
    expect(counter().textContent).toBe('۴ نویسه · ۱ پیامک · UCS-2');
  });

  it('is not shown for other channels', () => {
    wrap(<ReplyBox userId="u1" conversationId="c1" disabled={false} onSent={() => undefined} channel="webchat" />);
    expect(screen.queryByTestId('sms-counter')).toBeNull();
  });
});

describe('opt-out', () => {
  const optedOut: SmsOptOut = { optedOut: true, keyword: 'STOP', at: '2026-01-31T09:00:00Z' };

  it('shows a warning banner, and the reply box is disabled with the reason', () => {
    wrap(
      <>
        <SmsOptOutBanner optOut={optedOut} />
        <ReplyBox userId="u1" conversationId="c1" disabled onSent={() => undefined} channel="sms" blockedReason="Replies are off: the customer opted out of SMS." />
      </>,
    );
    expect(screen.getByRole('alert').textContent).toMatch(/^This customer opted out of SMS \(STOP, .*2026.*\)\. Replies cannot be sent until they text START\.$/);
    expect((screen.getByTestId('reply-input') as HTMLTextAreaElement).disabled).toBe(true);
    expect((screen.getByTestId('reply-send') as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByTestId('reply-blocked').textContent).toBe('Replies are off: the customer opted out of SMS.');
  });

  it('no banner when the customer has not opted out', () => {
    wrap(<SmsOptOutBanner optOut={{ optedOut: false, keyword: null, at: null }} />);
    expect(screen.queryByTestId('sms-optout-banner')).toBeNull();
  });

  it('the state is read from GET /api/sms/conversations/:id, only for SMS conversations', async () => {
    const calls: string[] = [];
    vi.stubGlobal('fetch', async (url: string) => {
      calls.push(url);
      return new Response(JSON.stringify({ businessNumber: '+15005550006', customerNumber: '+989121234567', optOut: optedOut }), { status: 200, headers: { 'content-type': 'application/json' } });
    });
    function Probe({ channel }: { channel: 'sms' | 'email' }) {
      const state = useSmsOptOut('c-1', channel, 0);
      return <p data-testid="probe">{state ? String(state.optedOut) : 'unknown'}</p>;
    }
    const { rerender } = wrap(<Probe channel="email" />);
    expect(screen.getByTestId('probe').textContent).toBe('unknown');
    rerender(
      <I18nProvider>
        <Probe channel="sms" />
      </I18nProvider>,
    );
    await waitFor(() => expect(screen.getByTestId('probe').textContent).toBe('true'));
    expect(calls).toEqual(['/api/sms/conversations/c-1']);
  });
});

describe('SMS messages on the timeline', () => {
  const sms = (p: Partial<MessageDto>): MessageDto => ({
    id: 'm1',
    conversationId: 'c1',
    seq: 1,
    channel: 'sms',
    from: 'customer',
    authorName: null,
    body: 'hi',
    status: 'received',
    statusReason: null,
    at: '2026-11-20T10:00:00Z',
    ...p,
  });
  const show = (m: MessageDto) =>
    wrap(
      <ol>
        <MessageBubble message={m} />
      </ol>,
    );

  it('a reply shows its segments and its delivery status, and a failure its reason', () => {
    show(sms({ from: 'agent', body: 'س'.repeat(80), status: 'failed', statusReason: 'undelivered (Twilio error 30003: the handset is unreachable)', metadata: { segments: { encoding: 'UCS-2', segments: 2, charactersPerSegment: 67, length: 80 } } }));
    expect(screen.getByTestId('sms-segments').textContent).toBe('2 segments (UCS-2)');
    expect(screen.getByTestId('message-status').textContent).toBe('Failed');
    expect(screen.getByTestId('message-status-reason').textContent).toBe('undelivered (Twilio error 30003: the handset is unreachable)');
    expect(screen.getByTestId('message').getAttribute('dir')).toBe('auto');
  });

  it('MMS media: images inline, other files as links; the STOP keyword is named', () => {
    show(
      sms({
        body: 'STOP',
        metadata: {
          optKeyword: { action: 'opt-out', keyword: 'STOP' },
          attachments: [
            { url: 'https://api.twilio.com/media/ME1', contentType: 'image/jpeg' },
            { url: 'https://api.twilio.com/media/ME2', contentType: 'text/vcard' },
          ],
        },
      }),
    );
    const media = screen.getAllByTestId('sms-media');
    expect(media[0]!.querySelector('img')!.getAttribute('src')).toBe('https://api.twilio.com/media/ME1');
    expect(media[1]!.textContent).toBe('Open attachment (text/vcard)');
    expect(screen.getByTestId('sms-opt-keyword').textContent).toBe('Keyword: STOP');
  });
});
