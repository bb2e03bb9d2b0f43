import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MalformedEmail, parseEmail, type ParsedEmail } from '../../src/channels/email/parse.js';
import { sanitizeEmailHtml } from '../../src/channels/email/sanitize.js';
import { shouldAutoReply } from '../../src/channels/email/loop-guard.js';
import { chooseThread, threadLookupIds, markerConversations } from '../../src/channels/email/threading.js';

const DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'email');
const fixture = (name: string) => readFileSync(path.join(DIR, name));
const parsed = (name: string) => parseEmail(fixture(name));

const OUR_CONVERSATION = '00000000-0000-4000-8000-00000000c0de';
const OUR_MESSAGE_ID = `pasokh.${OUR_CONVERSATION}.0000000000004000800000000000beef@pasokh.test`;
const guardCtx = (p: ParsedEmail, sentLastHour = 0) => ({ recipient: p.replyTo.address, ownAddresses: ['support@pasokh.test'], sentLastHour, hourlyCap: 3 });

describe('golden set', () => {
  it('has at least 15 hand-written fixtures', () => {
    expect(readdirSync(DIR).filter((f) => f.endsWith('.eml')).length).toBeGreaterThanOrEqual(15);
  });

  it('Gmail: address lower-cased with the name apart, text body, Message-ID without brackets', async () => {
    const p = await parsed('gmail-plain.eml');
    expect(p.from).toEqual({ address: 'sara.ahmadi@gmail.test', name: 'Sara Ahmadi' });
    expect(p.messageId).toBe('CAJ8u+Vn2xk3Q7mYFqj0gS9o2K1_w8WcM3bQxF5dA2@mail.gmail.com');
    expect(p.dedupeKey).toBe(p.messageId);
    expect(p.subject).toBe('Order 10432 has not arrived');
    expect(p.text).toContain('order 10432');
    expect(p.html).toContain('<b>10432</b>');
    expect(p.automated).toBeNull();
    expect(p.report).toBeNull();
    expect(shouldAutoReply(p.headers, guardCtx(p))).toEqual({ ok: true });
  });

  it('Outlook: folded Message-ID, quoted-printable, Office markup and styles removed by the sanitiser', async () => {
    const p = await parsed('outlook-html.eml');
    expect(p.messageId).toBe('AM9PR07MB71870F3E2A1B4C5D6E7F8A9BB2C1D@AM9PR07MB7187.eurprd07.prod.outlook.test');
    expect(p.from.address).toBe('reza.karimi@contoso.test');
    expect(p.text).toContain('Can you send a corrected invoice?');
    const html = sanitizeEmailHtml(p.html!);
    expect(html).toContain('Reza Karimi');
    expect(html).not.toMatch(/<style|MsoNormal \{|font-family|<o:p|style=/i);
  });

  it('Apple Mail: parsed, not automated', async () => {
    const p = await parsed('apple-mail.eml');
    expect(p.messageId).toBe('3F7C9A21-6B4E-4D0A-9C55-81E2B7D4F0A3@icloud.test');
    expect(p.text).toContain('order 10777');
    expect(p.automated).toBeNull();
    expect(sanitizeEmailHtml(p.html!)).not.toContain('style=');
  });

  it('forwarded mail belongs to the forwarder, not to the original sender', async () => {
    const p = await parsed('forwarded.eml');
    expect(p.from.address).toBe('leila.moradi@gmail.test');
    expect(p.subject).toBe('Fwd: Your warranty registration');
    expect(p.text).toContain('SN-55-0192');
    expect(sanitizeEmailHtml(p.html!)).toContain('href="mailto:no-reply@warranty.example.test"');
  });

  it('Persian UTF-8: encoded-word subject and name decoded, text kept as written', async () => {
    const p = await parsed('persian-utf8.eml');
    expect(p.from).toEqual({ address: 'maryam.hosseini@yahoo.test', name: 'مریم حسینی' });
    expect(p.subject).toBe('کتری خراب رسیده');
    expect(p.text).toContain('کتری سفارش ۱۰۴۳۲ خراب رسیده است');
    expect(sanitizeEmailHtml(p.html!)).toContain('<div dir="rtl">');
  });

  it('windows-1256 Persian: decoded to Unicode with the Arabic ي and ك untouched (normalised only for matching)', async () => {
    const p = await parsed('windows-1256-persian.eml');
    expect(p.subject).toBe('پيگيري سفارش 5521');
    expect(p.from.name).toBe('كيوان');
    expect(p.text).toContain('لطفا پيگيري كنيد');
    expect(p.text).toContain('\u064a'); // Arabic yeh, as sent
    expect(p.text).toContain('\u0643'); // Arabic kaf, as sent
  });

  it('ISO-8859-1 with quoted-printable: accents decoded', async () => {
    const p = await parsed('iso-8859-1.eml');
    expect(p.from).toEqual({ address: 'renee@exemple.test', name: 'Renée François' });
    expect(p.subject).toBe('Problème de facturation');
    expect(p.text).toContain('le café et la crème brûlée ne sont pas inclus');
  });

  it('no Message-ID: a content hash is the idempotency key, stable across fetches', async () => {
    const a = await parsed('no-message-id.eml');
    const b = await parseEmail(Buffer.concat([Buffer.from('Received: from relay.test by mx.test; Fri, 07 Mar 2025 06:00:05 +0000\r\n'), fixture('no-message-id.eml')]));
    expect(a.messageId).toBeNull();
    expect(a.dedupeKey).toMatch(/^hash:[0-9a-f]{64}$/);
    // A header added in transit (another fetch path) does not change the key.
    expect(b.dedupeKey).toBe(a.dedupeKey);
    const other = await parseEmail(Buffer.from(fixture('no-message-id.eml').toString('utf8').replace('C-8812', 'C-8813')));
    expect(other.dedupeKey).not.toBe(a.dedupeKey);
  });

  it('inline image: kept as a part with its Content-ID; the cid: reference maps to our attachment URL only', async () => {
    const p = await parsed('inline-image.eml');
    expect(p.attachments).toHaveLength(1);
    expect(p.attachments[0]).toMatchObject({ contentType: 'image/png', filename: 'box.png', inline: true, contentId: 'box-photo@company.test' });
    expect(p.html).toContain('cid:box-photo@company.test');
    const html = sanitizeEmailHtml(p.html!, { inlineImages: { 'box-photo@company.test': '/api/email/attachments/abc' } });
    expect(html).toContain('<img alt="box.png" width="320" src="/api/email/attachments/abc" />');
    expect(sanitizeEmailHtml(p.html!)).not.toContain('cid:');
  });

  it('attachments: PDF and a file with an RFC 2231 Persian name', async () => {
    const p = await parsed('attachments.eml');
    expect(p.text).toBe('Attached are the signed contract and my notes.');
    expect(p.attachments.map((a) => [a.filename, a.contentType, a.inline])).toEqual([
      ['contract.pdf', 'application/pdf', false],
      ['یادداشت.txt', 'text/plain', false],
    ]);
    expect(p.attachments[0]!.content.toString('latin1')).toMatch(/^%PDF-1\.4/);
    expect(p.attachments[0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('hostile HTML: no script, style, event handler, javascript:/data: link, frame, form, remote image', async () => {
    const p = await parsed('hostile-html.eml');
    const html = sanitizeEmailHtml(p.html!);
    expect(html).toContain('My complaint is <b>serious</b>.');
    expect(html).toContain('<a href="https://example.test/details" target="_blank" rel="noopener noreferrer nofollow">details</a>');
    for (const bad of [/<script/i, /<style/i, /onerror/i, /onload/i, /javascript:/i, /data:text/i, /<iframe/i, /<form/i, /<input/i, /<svg/i, /<object/i, /<meta/i, /<link/i, /style=/i, /alert\(/, /evil\.test\/(bg|x\.css|frame|steal|x\.swf)/]) {
      expect(html).not.toMatch(bad);
    }
    // Remote images are not loaded; the address is kept aside for a "show images" choice.
    expect(html).toContain('<img alt="tracker" data-remote-src="https://evil.test/track.gif" />');
    expect(html).not.toMatch(/<img[^>]* src="https:/);
  });

  it('newsletter: a list (List-Id, Precedence: bulk) is never auto-answered', async () => {
    const p = await parsed('newsletter.eml');
    expect(p.listId).toBe('weekly.shopweekly.test');
    expect(p.automated).toMatch(/Precedence: bulk|List/);
    expect(shouldAutoReply(p.headers, guardCtx(p))).toMatchObject({ ok: false });
    expect(sanitizeEmailHtml(p.html!)).not.toMatch(/ src="https:\/\/track/);
  });

  it('out-of-office (Auto-Submitted: auto-replied) is never auto-answered', async () => {
    const p = await parsed('out-of-office.eml');
    expect(p.automated).toBe('Auto-Submitted: auto-replied');
    expect(shouldAutoReply(p.headers, guardCtx(p))).toEqual({ ok: false, reason: 'Auto-Submitted: auto-replied' });
    expect(p.inReplyTo).toBe(OUR_MESSAGE_ID);
  });

  it('bounce (DSN): recognised as a failed delivery of our message, with the reason', async () => {
    const p = await parsed('bounce-dsn.eml');
    expect(p.report).not.toBeNull();
    expect(p.report!.failed).toBe(true);
    expect(p.report!.originalMessageIds[0]).toBe(OUR_MESSAGE_ID);
    expect(p.report!.recipients[0]).toMatchObject({ finalRecipient: 'no.such.user@gmail.test', action: 'failed', status: '5.1.1' });
    expect(p.report!.reason).toContain('5.1.1');
    expect(p.report!.reason).toContain('does not exist');
    expect(p.attachments).toEqual([]); // report parts are not customer files
    expect(shouldAutoReply(p.headers, guardCtx(p))).toMatchObject({ ok: false });
  });

  it('a delayed DSN is a report but not a failure', async () => {
    const p = await parsed('bounce-delayed.eml');
    expect(p.report!.failed).toBe(false);
    expect(p.report!.recipients[0]).toMatchObject({ action: 'delayed', status: '4.4.1' });
    expect(p.report!.originalMessageIds).toContain(`pasokh.00000000-0000-4000-8000-00000000d1a7.0000000000004000800000000000f00d@pasokh.test`);
  });

  it('malformed: quarantined with a reason instead of parsed', async () => {
    await expect(parsed('malformed.eml')).rejects.toBeInstanceOf(MalformedEmail);
    await expect(parseEmail(Buffer.from('Subject: hi\r\nTo: a@b.test\r\n\r\nno sender'))).rejects.toThrow(/no sender/);
    await expect(parseEmail(Buffer.alloc(0))).rejects.toThrow(/empty/);
    await expect(parseEmail(fixture('gmail-plain.eml'), { maxBytes: 100 })).rejects.toThrow(/larger than/);
  });
});

describe('threading decisions', () => {
  it('In-Reply-To first, then References newest first, then our marker; only for the same sender', async () => {
    const reply = await parsed('reply-to-ours.eml');
    expect(threadLookupIds(reply)).toEqual([OUR_MESSAGE_ID, 'CAJ8u+Vn2xk3Q7mYFqj0gS9o2K1_w8WcM3bQxF5dA2@mail.gmail.com']);
    const known = [
      { messageId: OUR_MESSAGE_ID, conversationId: 'conv-ours', customerEmails: ['sara.ahmadi@gmail.test'] },
      { messageId: 'CAJ8u+Vn2xk3Q7mYFqj0gS9o2K1_w8WcM3bQxF5dA2@mail.gmail.com', conversationId: 'conv-older', customerEmails: ['sara.ahmadi@gmail.test'] },
    ];
    expect(chooseThread({ ...reply, sender: reply.from.address }, known, [])).toEqual({ conversationId: 'conv-ours', via: 'in-reply-to', messageId: OUR_MESSAGE_ID });
    // Someone else answering the same message (a newsletter, a CC) does not join Sara's thread.
    expect(chooseThread({ ...reply, sender: 'someone.else@gmail.test' }, known, [])).toBeNull();
  });

  it('Outlook rewrote In-Reply-To away: References finds the thread', async () => {
    const p = await parsed('outlook-references-only.eml');
    expect(p.inReplyTo).toBeNull();
    const known = [{ messageId: OUR_MESSAGE_ID, conversationId: 'conv-reza', customerEmails: ['reza.karimi@contoso.test'] }];
    expect(chooseThread({ ...p, sender: p.from.address }, known, [])).toMatchObject({ conversationId: 'conv-reza', via: 'references' });
  });

  it('the marker in our Message-ID threads a reply the map does not know', async () => {
    const p = await parsed('reply-to-ours.eml');
    const markers = markerConversations(threadLookupIds(p)).map((m) => ({ ...m, customerEmails: ['sara.ahmadi@gmail.test'] }));
    expect(markers).toEqual([{ messageId: OUR_MESSAGE_ID, conversationId: OUR_CONVERSATION, customerEmails: ['sara.ahmadi@gmail.test'] }]);
    expect(chooseThread({ ...p, sender: p.from.address }, [], markers)).toMatchObject({ conversationId: OUR_CONVERSATION, via: 'marker' });
    expect(chooseThread({ ...p, sender: 'intruder@evil.test' }, [], markers)).toBeNull();
  });

  it('a new message (no thread headers) threads nowhere', async () => {
    const p = await parsed('gmail-plain.eml');
    expect(threadLookupIds(p)).toEqual([]);
    expect(chooseThread({ ...p, sender: p.from.address }, [], [])).toBeNull();
  });
});
