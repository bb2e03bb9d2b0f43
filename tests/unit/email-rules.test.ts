import { describe, expect, it } from 'vitest';
import { composeReply, referencesFor, textToHtml } from '../../src/channels/email/compose.js';
import { SecretBox } from '../../src/channels/email/crypto.js';
import { parseDeliveryReport } from '../../src/channels/email/dsn.js';
import { baseSubject, bareMessageId, conversationOfMarker, messageIdList, ourMessageId, replySubject, textDirection } from '../../src/channels/email/ids.js';
import { automatedReason, shouldAutoReply } from '../../src/channels/email/loop-guard.js';
import { classifySmtpError } from '../../src/channels/email/outbound.js';

const ctx = { recipient: 'customer@example.test', ownAddresses: ['support@pasokh.test', 'sales@pasokh.test'], sentLastHour: 0, hourlyCap: 3 };

describe('loop guard', () => {
  it.each([
    [{ 'auto-submitted': ['auto-generated'] }, /Auto-Submitted/],
    [{ 'auto-submitted': ['auto-replied'] }, /Auto-Submitted/],
    [{ precedence: ['bulk'] }, /Precedence: bulk/],
    [{ precedence: ['junk'] }, /Precedence: junk/],
    [{ precedence: ['list'] }, /Precedence: list/],
    [{ 'x-autoreply': ['yes'] }, /x-autoreply/],
    [{ 'x-autorespond': ['yes'] }, /x-autorespond/],
    [{ 'x-auto-response-suppress': ['OOF, AutoReply'] }, /suppress/],
    [{ 'list-id': ['<weekly.shop.test>'] }, /mailing list/],
    [{ 'list-unsubscribe': ['<mailto:u@shop.test>'] }, /mailing list/],
    [{ 'content-type': ['multipart/report; report-type=delivery-status; boundary=x'] }, /report/],
    [{ 'return-path': ['<>'] }, /null return path/],
    [{ from: ['MAILER-DAEMON@mx.test (Mail Delivery System)'] }, /automated sender/],
    [{ from: ['"Shop" <no-reply@shop.test>'] }, /automated sender/],
  ])('refuses %j', (headers, reason) => {
    const d = shouldAutoReply(headers, ctx);
    expect(d.ok).toBe(false);
    expect(d.ok ? '' : d.reason).toMatch(reason);
  });

  it('Auto-Submitted: no is a person', () => {
    expect(automatedReason({ 'auto-submitted': ['no'] })).toBeNull();
    expect(shouldAutoReply({ 'auto-submitted': ['no'], from: ['Ali <ali@example.test>'] }, ctx)).toEqual({ ok: true });
  });

  it('never to our own mailboxes, never without an address, at most the cap per hour', () => {
    expect(shouldAutoReply({}, { ...ctx, recipient: 'SALES@pasokh.test' })).toMatchObject({ ok: false, reason: 'one of our own mailboxes' });
    expect(shouldAutoReply({}, { ...ctx, recipient: null })).toMatchObject({ ok: false });
    expect(shouldAutoReply({}, { ...ctx, sentLastHour: 2 })).toEqual({ ok: true });
    expect(shouldAutoReply({}, { ...ctx, sentLastHour: 3 })).toMatchObject({ ok: false, reason: expect.stringMatching(/3 automatic replies/) });
  });
});

describe('ids and subjects', () => {
  it('Message-IDs with and without brackets, lists', () => {
    expect(bareMessageId('<a.b@c>')).toBe('a.b@c');
    expect(bareMessageId(' a.b@c ')).toBe('a.b@c');
    expect(bareMessageId('')).toBeNull();
    expect(messageIdList('<a@x> <b@x>\r\n <a@x>')).toEqual(['a@x', 'b@x']);
    expect(messageIdList(['<a@x>', '<c@x>'])).toEqual(['a@x', 'c@x']);
  });

  it('our marker round-trips', () => {
    const id = ourMessageId('0b8c9f3a-1d2e-4f50-8a6b-7c8d9e0f1a2b', '5f0e-ABCD', 'support@pasokh.test');
    expect(id).toBe('pasokh.0b8c9f3a-1d2e-4f50-8a6b-7c8d9e0f1a2b.5f0eabcd@pasokh.test');
    expect(conversationOfMarker(id)).toBe('0b8c9f3a-1d2e-4f50-8a6b-7c8d9e0f1a2b');
    expect(conversationOfMarker('CAJ8@mail.gmail.com')).toBeNull();
  });

  it('reply subjects do not pile up prefixes', () => {
    expect(replySubject('Order 5')).toBe('Re: Order 5');
    expect(replySubject('RE: Re: AW: Order 5')).toBe('Re: Order 5');
    expect(replySubject('Fwd: Order 5')).toBe('Re: Order 5');
    expect(replySubject('')).toBe('Re: (no subject)');
    expect(baseSubject('پاسخ: سفارش ۵')).toBe('سفارش ۵');
  });

  it('direction: rtl for mostly Persian, auto otherwise', () => {
    expect(textDirection('سلام، سفارش شما ارسال شد.')).toBe('rtl');
    expect(textDirection('Your order number 10432 (سفارش)')).toBe('auto');
    expect(textDirection('Hello')).toBe('auto');
  });
});

describe('composing a reply', () => {
  it('threads with In-Reply-To and References, RTL-aware HTML, escaped text', () => {
    const mail = composeReply({
      mailbox: { address: 'support@pasokh.test', displayName: 'Pasokh Support' },
      to: 'sara@example.test',
      threadSubject: 'Order 10432',
      messageId: 'pasokh.c.m@pasokh.test',
      threadMessageIds: ['first@x', 'second@x'],
      inReplyTo: 'second@x',
      body: 'سلام سارا،\nبسته شما <امروز> ارسال شد.',
    });
    expect(mail.subject).toBe('Re: Order 10432');
    expect(mail.inReplyTo).toBe('second@x');
    expect(mail.references).toEqual(['first@x', 'second@x']);
    expect(mail.html).toContain('<div dir="rtl"');
    expect(mail.html).toContain('&lt;امروز&gt;');
    expect(mail.html).toContain('<br>');
    expect(mail.headers).toEqual({});
    expect(textToHtml('Hello there')).toContain('<div dir="auto"');
  });

  it('automatic mail says so (RFC 3834)', () => {
    const mail = composeReply({ mailbox: { address: 's@p.test', displayName: '' }, to: 'c@x.test', threadSubject: 'Hi', messageId: 'm@p.test', threadMessageIds: [], inReplyTo: null, body: 'ok', automated: true });
    expect(mail.headers['Auto-Submitted']).toBe('auto-replied');
  });

  it('References are capped: the first and the latest', () => {
    const ids = Array.from({ length: 30 }, (_, i) => `m${i}@x`);
    const refs = referencesFor(ids);
    expect(refs).toHaveLength(20);
    expect(refs[0]).toBe('m0@x');
    expect(refs.at(-1)).toBe('m29@x');
  });
});

describe('SMTP failures', () => {
  it('authentication and 5xx are permanent; 4xx, timeouts and connection errors are retried', () => {
    expect(classifySmtpError(Object.assign(new Error('Invalid login'), { code: 'EAUTH', responseCode: 535 })).permanent).toBe(true);
    expect(classifySmtpError(Object.assign(new Error('rejected'), { code: 'EENVELOPE', responseCode: 550, response: '550 5.1.1 no such user' })).permanent).toBe(true);
    expect(classifySmtpError(Object.assign(new Error('try later'), { code: 'EENVELOPE', responseCode: 451 })).permanent).toBe(false);
    expect(classifySmtpError(Object.assign(new Error('Timeout'), { code: 'ETIMEDOUT' })).permanent).toBe(false);
    expect(classifySmtpError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ESOCKET' })).permanent).toBe(false);
  });
});

describe('delivery reports', () => {
  it('per-recipient fields, folded diagnostic codes, original id from the returned headers', () => {
    const r = parseDeliveryReport({
      deliveryStatus: 'Reporting-MTA: dns; mx.test\n\nFinal-Recipient: rfc822; a@x.test\nAction: failed\nStatus: 5.2.2\nDiagnostic-Code: smtp; 552 5.2.2 mailbox\n  full\n',
      returnedHeaders: 'From: s@p.test\nMessage-ID: <orig@p.test>\n',
    });
    expect(r.failed).toBe(true);
    expect(r.originalMessageIds).toEqual(['orig@p.test']);
    expect(r.reason).toBe('5.2.2 smtp; 552 5.2.2 mailbox full (a@x.test)');
  });
});

describe('stored passwords', () => {
  it('AES-256-GCM, bound to mailbox and field, unreadable with another key', () => {
    const box = new SecretBox('a-secret-key-that-is-long-enough-0123456789');
    const sealed = box.seal('imap-password', 'email-mailbox:1:imap');
    expect(sealed).not.toContain('imap-password');
    expect(box.open(sealed, 'email-mailbox:1:imap')).toBe('imap-password');
    expect(() => box.open(sealed, 'email-mailbox:2:imap')).toThrow(/cannot be decrypted/);
    expect(() => new SecretBox('another-secret-key-that-is-long-enough-987').open(sealed, 'email-mailbox:1:imap')).toThrow(/SECRET_KEY/);
    expect(box.seal('x', 'c')).not.toBe(box.seal('x', 'c'));
  });
});
