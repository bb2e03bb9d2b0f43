// The console folds quoted history in customers' mail behind "show quoted text".
// Run over the golden .eml set (parsed and sanitised as the email channel does)
// and over hand-written shapes of the quote markers mail programs use.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { foldQuotedHtml, foldQuotedText } from '../../agent-ui/src/console/conversations/render/quoteFolding.js';
import { parseEmail } from '../../src/channels/email/parse.js';
import { sanitizeEmailHtml } from '../../src/channels/email/sanitize.js';

const DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'email');
const golden = async (name: string) => {
  const p = await parseEmail(readFileSync(path.join(DIR, name)));
  return { text: p.text, html: p.html ? sanitizeEmailHtml(p.html) : null };
};
const textOf = (html: string) => html.replace(/<[^>]*>/g, ' ').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/\s+/g, ' ').trim();

describe('golden set', () => {
  it('a Gmail reply to our mail: the new line stays, "On … wrote:" and the quote fold', async () => {
    const { text } = await golden('reply-to-ours.eml');
    const f = foldQuotedText(text);
    expect(f.main).toBe('Thank you, the tracking link works now.');
    expect(f.quoted).toMatch(/^On Tue, Mar 4, 2025 at 9:30 PM Pasokh Support <support@pasokh.test> wrote:\n> Hello Sara/);
  });

  it.each(['gmail-plain.eml', 'outlook-html.eml', 'apple-mail.eml', 'persian-utf8.eml', 'windows-1256-persian.eml', 'iso-8859-1.eml', 'attachments.eml'])(
    '%s has no quoted history: nothing is hidden',
    async (name) => {
      const { text, html } = await golden(name);
      expect(foldQuotedText(text)).toEqual({ main: text, quoted: null });
      if (html) expect(foldQuotedHtml(html)).toEqual({ main: html, quoted: null });
    },
  );

  it('a forwarded message is not folded: what was forwarded is the point', async () => {
    const { text, html } = await golden('forwarded.eml');
    expect(foldQuotedText(text).quoted).toBeNull();
    expect(foldQuotedHtml(html!).quoted).toBeNull();
  });
});

describe('plain text markers', () => {
  it('Outlook "-----Original Message-----"', () => {
    const f = foldQuotedText('Yes, please cancel it.\n\n-----Original Message-----\nFrom: Support\nSent: Monday\n\nShall we cancel?');
    expect(f).toEqual({ main: 'Yes, please cancel it.', quoted: '-----Original Message-----\nFrom: Support\nSent: Monday\n\nShall we cancel?' });
  });

  it('Outlook rule and header block (From: / Sent:)', () => {
    const f = foldQuotedText('Done, thanks.\n________________________________\nFrom: Pasokh Support <s@x.test>\nSent: Tuesday\nSubject: Re: refund');
    expect(f.main).toBe('Done, thanks.');
    expect(f.quoted).toMatch(/^_{10,}\nFrom: Pasokh/);
  });

  it('an attribution wrapped over two lines', () => {
    const f = foldQuotedText('Thanks!\n\nOn Wed, 5 Mar 2025 at 10:00, Pasokh Support\n<support@pasokh.test> wrote:\n> hello');
    expect(f.main).toBe('Thanks!');
    expect(f.quoted).toContain('> hello');
  });

  it('Persian attribution "در … نوشت:"', () => {
    const f = foldQuotedText('ممنون، مشکل حل شد.\n\nدر تاریخ ۱۴ اسفند ۱۴۰۳، پشتیبانی پاسخ <support@pasokh.test> نوشت:\n> سلام');
    expect(f.main).toBe('ممنون، مشکل حل شد.');
    expect(f.quoted).toContain('> سلام');
  });

  it('inline replies between quotes are not folded (the answers are in between)', () => {
    const body = '> Which model?\nThe X200.\n> And the serial?\nSN-1234';
    expect(foldQuotedText(body)).toEqual({ main: body, quoted: null });
  });

  it('a trailing block of "> " lines folds', () => {
    expect(foldQuotedText('Sounds good.\n\n> Can we call you at 5?\n> Thanks')).toEqual({ main: 'Sounds good.', quoted: '> Can we call you at 5?\n> Thanks' });
  });

  it('a mail that is only a quote is shown whole', () => {
    const body = 'On Mon, Support wrote:\n> hi';
    expect(foldQuotedText(body)).toEqual({ main: body, quoted: null });
  });

  it('property: main + quoted always hold every non-blank line of the original, in order', () => {
    const line = fc.oneof(fc.constantFrom('> quoted', 'On Mon, X <x@y.test> wrote:', '-----Original Message-----', 'From: A', 'Sent: B', '', 'hello'), fc.string({ maxLength: 20 }).map((s) => s.replace(/\n/g, ' ')));
    fc.assert(
      fc.property(fc.array(line, { maxLength: 12 }), (lines) => {
        const text = lines.join('\n');
        const f = foldQuotedText(text);
        const parts = f.quoted === null ? [f.main] : [f.main, f.quoted];
        const kept = parts.join('\n').split('\n').map((l) => l.trim()).filter(Boolean);
        expect(kept).toEqual(text.split('\n').map((l) => l.trim()).filter(Boolean));
        if (f.quoted !== null) expect(f.main.trim()).not.toBe('');
      }),
    );
  });
});

describe('HTML markers (after sanitising: classes and ids are gone)', () => {
  it('Gmail: the attribution div and the blockquote fold together', () => {
    const html = sanitizeEmailHtml(
      '<div dir="ltr">Thanks, that fixed it.</div><br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">On Tue, Mar 4, 2025 at 9:30 PM Pasokh Support &lt;<a href="mailto:support@pasokh.test">support@pasokh.test</a>&gt; wrote:<br></div><blockquote class="gmail_quote" style="margin:0">Hello Sara</blockquote></div>',
    );
    const f = foldQuotedHtml(html);
    expect(textOf(f.main)).toBe('Thanks, that fixed it.');
    expect(textOf(f.quoted!)).toMatch(/^On Tue, Mar 4, 2025 at 9:30 PM Pasokh Support < ?support@pasokh.test ?> wrote: Hello Sara$/);
  });

  it('Outlook: the rule and "From:" block fold', () => {
    const html = sanitizeEmailHtml('<div><p>Please go ahead.</p></div><div id="appendonsend"></div><hr style="display:inline-block"><div id="divRplyFwdMsg"><b>From:</b> Pasokh Support<br><b>Sent:</b> Monday</div><div>Shall we?</div>');
    const f = foldQuotedHtml(html);
    expect(textOf(f.main)).toBe('Please go ahead.');
    expect(f.quoted).toMatch(/^<hr/);
    expect(textOf(f.quoted!)).toContain('Shall we?');
  });

  it('Apple Mail / Thunderbird blockquote with the attribution before it', () => {
    const f = foldQuotedHtml('<div>Works now.</div><div><br><blockquote type="cite"><div>On 4 Mar 2025, at 21:30, Support wrote:</div><div>Try again?</div></blockquote></div>');
    expect(textOf(f.main)).toBe('Works now.');
    expect(f.quoted).toMatch(/^<blockquote/);
  });

  it('Persian RTL reply with a Persian attribution', () => {
    const f = foldQuotedHtml('<div dir="rtl"><p>ممنون، رسید.</p></div><div dir="rtl">در تاریخ ۱۴ اسفند، پشتیبانی نوشت:</div><blockquote><div dir="rtl">بسته ارسال شد.</div></blockquote>');
    expect(textOf(f.main)).toBe('ممنون، رسید.');
    expect(f.quoted).toMatch(/^<div dir="rtl">در تاریخ/);
  });

  it('nothing above the quote: the whole mail is shown', () => {
    const html = '<blockquote>only a quote</blockquote>';
    expect(foldQuotedHtml(html)).toEqual({ main: html, quoted: null });
  });

  it('the split loses nothing: main + quoted is the original', () => {
    const html = '<p>a</p><div>On Mon, X wrote:</div><blockquote>b</blockquote>';
    const f = foldQuotedHtml(html);
    expect(f.main + f.quoted).toBe(html);
  });
});
