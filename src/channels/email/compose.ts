// Building outgoing mail (pure): addresses, threading headers, text + RTL-aware HTML.
import { replySubject, textDirection } from './ids.js';

export interface OutgoingMail {
  from: { name: string; address: string };
  to: string;
  subject: string;
  messageId: string;
  inReplyTo: string | null;
  references: string[];
  text: string;
  html: string;
  headers: Record<string, string>;
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Plain text → HTML paragraphs; `dir="rtl"` when the text is mostly Persian/Arabic, `dir="auto"` otherwise. */
export function textToHtml(text: string): string {
  const dir = textDirection(text);
  const paragraphs = text
    .replace(/\r\n/g, '\n')
    .split(/\n{2,}/)
    .map((p) => `<p style="margin:0 0 1em 0">${escapeHtml(p).replace(/\n/g, '<br>')}</p>`)
    .join('\n');
  const align = dir === 'rtl' ? 'right' : 'start';
  return [
    '<!DOCTYPE html>',
    `<html${dir === 'rtl' ? ' dir="rtl" lang="fa"' : ''}><head><meta charset="utf-8"></head>`,
    `<body><div dir="${dir}" style="text-align:${align};font-family:Tahoma,Vazirmatn,Arial,sans-serif;line-height:1.6">`,
    paragraphs,
    '</div></body></html>',
  ].join('\n');
}

/** References for a reply: the thread so far (oldest first), capped like most clients do (first + last 18). */
export function referencesFor(thread: string[]): string[] {
  const unique = [...new Set(thread)];
  return unique.length <= 20 ? unique : [unique[0]!, ...unique.slice(-19)];
}

export function composeReply(o: {
  mailbox: { address: string; displayName: string };
  to: string;
  threadSubject: string | null;
  messageId: string;
  threadMessageIds: string[];
  inReplyTo: string | null;
  body: string;
  automated?: boolean;
}): OutgoingMail {
  return {
    from: { name: o.mailbox.displayName, address: o.mailbox.address },
    to: o.to,
    subject: replySubject(o.threadSubject),
    messageId: o.messageId,
    inReplyTo: o.inReplyTo,
    references: referencesFor(o.threadMessageIds),
    text: o.body,
    html: textToHtml(o.body),
    // RFC 3834: machines mark what they send so other machines do not answer it.
    headers: o.automated ? { 'Auto-Submitted': 'auto-replied', 'X-Auto-Response-Suppress': 'All' } : {},
  };
}
