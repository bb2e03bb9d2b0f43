// Raw RFC 5322 bytes → what the email channel needs, or a reason to quarantine.
import { createHash } from 'node:crypto';
import { simpleParser, type AddressObject, type Attachment, type ParsedMail } from 'mailparser';
import { normalizeEmail } from '../../domain/identity.js';
import { parseDeliveryReport, type DeliveryReport } from './dsn.js';
import { bareMessageId, messageIdList } from './ids.js';
import { automatedReason, headerMap, type HeaderMap } from './loop-guard.js';

/** Mail we cannot read: kept raw in the quarantine, never blocks the mailbox. */
export class MalformedEmail extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'MalformedEmail';
  }
}

export interface EmailAddressInfo {
  address: string;
  name: string | null;
}

export interface ParsedAttachment {
  index: number;
  filename: string | null;
  contentType: string;
  size: number;
  content: Buffer;
  sha256: string;
  inline: boolean;
  contentId: string | null;
}

export interface ParsedEmail {
  /** Without brackets; null when the message has none. */
  messageId: string | null;
  /** What idempotency keys on: the Message-ID, or `hash:<sha256>` of the content when it has none. */
  dedupeKey: string;
  from: EmailAddressInfo;
  /** Where a reply goes: Reply-To when set, else From. */
  replyTo: EmailAddressInfo;
  to: EmailAddressInfo[];
  cc: EmailAddressInfo[];
  subject: string;
  date: Date | null;
  inReplyTo: string | null;
  references: string[];
  text: string;
  html: string | null;
  attachments: ParsedAttachment[];
  headers: HeaderMap;
  /** Why a machine must not answer it (Auto-Submitted, list, bulk, …), or null. */
  automated: string | null;
  /** A delivery status report (bounce or delay), when it is one. */
  report: DeliveryReport | null;
  /** List-Id, when it came from a list. */
  listId: string | null;
  size: number;
}

export interface ParseOptions {
  /** Larger raw messages are quarantined (default 25 MiB). */
  maxBytes?: number;
}

const DEFAULT_MAX_BYTES = 25 * 1024 * 1024;

function addresses(v: AddressObject | AddressObject[] | undefined): EmailAddressInfo[] {
  const list = Array.isArray(v) ? v : v ? [v] : [];
  const out: EmailAddressInfo[] = [];
  const walk = (entries: AddressObject['value']) => {
    for (const e of entries) {
      if (e.group) walk(e.group);
      const address = e.address ? normalizeEmail(e.address) : null;
      if (address) out.push({ address, name: e.name?.trim() || null });
    }
  };
  for (const a of list) walk(a.value);
  return out;
}

/** Strips NUL and other C0 controls a database text column or the console cannot take (tabs and newlines stay). */
export function cleanText(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '').replace(/\r\n/g, '\n');
}

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

/**
 * A content hash for mail without a Message-ID: sender, date, subject and
 * text, so the same message fetched again (a resync, another UID) maps to the
 * same key while headers added in transit do not matter.
 */
export function contentHash(p: { from: string; date: Date | null; subject: string; text: string; attachments: { sha256: string }[] }): string {
  return sha256(JSON.stringify([p.from, p.date?.toISOString() ?? null, p.subject, p.text.trim(), p.attachments.map((a) => a.sha256)]));
}

function looksLikeMessage(raw: Buffer): boolean {
  // The first line must be a header field (or a mbox "From " line some servers leave in).
  const head = raw.subarray(0, 2000).toString('latin1');
  return /^(From |[!-9;-~]+:)/.test(head);
}

export async function parseEmail(raw: Buffer, o: ParseOptions = {}): Promise<ParsedEmail> {
  const maxBytes = o.maxBytes ?? DEFAULT_MAX_BYTES;
  if (raw.length === 0) throw new MalformedEmail('empty message');
  if (raw.length > maxBytes) throw new MalformedEmail(`larger than ${maxBytes} bytes (${raw.length})`);
  if (!looksLikeMessage(raw)) throw new MalformedEmail('does not start with a header');
  let mail: ParsedMail;
  try {
    mail = await simpleParser(raw, { keepDeliveryStatus: true, keepCidLinks: true, maxHtmlLengthToParse: 5 * 1024 * 1024 });
  } catch (err) {
    throw new MalformedEmail(`unparseable: ${err instanceof Error ? err.message : String(err)}`);
  }
  const headers = headerMap(mail.headerLines);
  const from = addresses(mail.from)[0] ?? addresses(mail.headers.get('sender') as AddressObject | undefined)[0] ?? addresses(mail.replyTo)[0];
  if (!from) throw new MalformedEmail('no sender address (From, Sender or Reply-To)');
  const replyTo = addresses(mail.replyTo)[0] ?? from;

  const contentType = mail.headers.get('content-type') as { value?: string; params?: Record<string, string> } | undefined;
  const isReport = contentType?.value?.toLowerCase() === 'multipart/report' && (contentType.params?.['report-type'] ?? '').toLowerCase() === 'delivery-status';
  const statusPart = mail.attachments.find((a) => a.contentType.toLowerCase() === 'message/delivery-status' || a.contentType.toLowerCase() === 'message/global-delivery-status');
  const returnedPart = mail.attachments.find((a) => ['text/rfc822-headers', 'message/rfc822', 'message/global', 'message/global-headers'].includes(a.contentType.toLowerCase()));
  const report =
    isReport || statusPart
      ? parseDeliveryReport({
          deliveryStatus: statusPart ? statusPart.content.toString('utf8') : null,
          returnedHeaders: returnedPart ? returnedPart.content.toString('utf8') : null,
          inReplyTo: mail.inReplyTo ?? null,
          references: mail.references ?? null,
        })
      : null;

  // Parts of a report are the report, not files the customer sent.
  const fileParts = report ? [] : mail.attachments;
  const attachments: ParsedAttachment[] = fileParts.map((a: Attachment, index) => ({
    index,
    filename: a.filename ? cleanText(a.filename).slice(0, 255) : null,
    contentType: (a.contentType || 'application/octet-stream').toLowerCase(),
    size: a.content.length,
    content: a.content,
    sha256: sha256(a.content),
    inline: a.contentDisposition === 'inline' || Boolean(a.related),
    contentId: a.cid ?? null,
  }));

  const subject = cleanText(mail.subject ?? '').replace(/\n/g, ' ').trim();
  const text = cleanText(mail.text ?? '').trim();
  const messageId = bareMessageId(mail.messageId);
  const date = mail.date && !Number.isNaN(mail.date.getTime()) ? mail.date : null;
  const dedupeKey = messageId ?? `hash:${contentHash({ from: from.address, date, subject, text, attachments })}`;
  const list = mail.headers.get('list') as { id?: { id?: string } } | undefined;

  return {
    messageId,
    dedupeKey,
    from,
    replyTo,
    to: addresses(mail.to),
    cc: addresses(mail.cc),
    subject,
    date,
    inReplyTo: bareMessageId(mail.inReplyTo),
    references: messageIdList(mail.references),
    text,
    html: typeof mail.html === 'string' && mail.html.trim() ? cleanText(mail.html) : null,
    attachments,
    headers,
    automated: automatedReason(headers),
    report,
    listId: list?.id?.id ?? null,
    size: raw.length,
  };
}

/** Raw-bytes hash, for the quarantine and the stored .eml file name. */
export const rawHash = (raw: Buffer) => sha256(raw);
