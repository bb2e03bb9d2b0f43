// Agent replies out through SMTP (called by the outbox worker), and the optional automatic acknowledgement.
import { randomUUID } from 'node:crypto';
import nodemailer, { type Transporter } from 'nodemailer';
import { sql } from 'kysely';
import type { Db } from '../../db/index.js';
import type { HubEvents } from '../../events.js';
import type { Logger } from '../../logger.js';
import { PermanentSendError, type ChannelAdapter, type OutboundMessage, type SendResult } from '../types.js';
import { composeReply, type OutgoingMail } from './compose.js';
import type { SecretBox } from './crypto.js';
import { ourMessageId } from './ids.js';
import { shouldAutoReply } from './loop-guard.js';
import type { ParsedEmail } from './parse.js';
import { loadMailbox, ownAddresses, recordMessageId, type MailboxSettings } from './store.js';

export interface SmtpTimeouts {
  connectionMs: number;
  greetingMs: number;
  socketMs: number;
}

/** One nodemailer transport per mailbox, rebuilt when the mailbox changes. */
export class SmtpTransports {
  private readonly cache = new Map<string, { updatedAt: number; transport: Transporter }>();

  constructor(private readonly timeouts: SmtpTimeouts) {}

  get(m: MailboxSettings): Transporter {
    const cached = this.cache.get(m.id);
    if (cached && cached.updatedAt === m.updatedAt.getTime()) return cached.transport;
    cached?.transport.close();
    const transport = nodemailer.createTransport({
      host: m.smtp.host,
      port: m.smtp.port,
      secure: m.smtp.tls,
      auth: m.smtp.user ? { user: m.smtp.user, pass: m.smtp.password ?? '' } : undefined,
      connectionTimeout: this.timeouts.connectionMs,
      greetingTimeout: this.timeouts.greetingMs,
      socketTimeout: this.timeouts.socketMs,
      name: m.address.split('@')[1],
    });
    this.cache.set(m.id, { updatedAt: m.updatedAt.getTime(), transport });
    return transport;
  }

  drop(id: string): void {
    this.cache.get(id)?.transport.close();
    this.cache.delete(id);
  }

  closeAll(): void {
    for (const { transport } of this.cache.values()) transport.close();
    this.cache.clear();
  }
}

/** nodemailer's error → permanent (no retry) or transient. */
export function classifySmtpError(err: unknown): { permanent: boolean; reason: string } {
  const e = err as { code?: string; responseCode?: number; response?: string; message?: string };
  const text = (e.response || e.message || String(err)).replace(/\s+/g, ' ').slice(0, 300);
  if (e.code === 'EAUTH') return { permanent: true, reason: `SMTP authentication failed: ${text}` };
  if (typeof e.responseCode === 'number' && e.responseCode >= 500) return { permanent: true, reason: `SMTP server refused the message (${e.responseCode}): ${text}` };
  if (typeof e.responseCode === 'number' && e.responseCode >= 400) return { permanent: false, reason: `SMTP server deferred the message (${e.responseCode}): ${text}` };
  return { permanent: false, reason: `SMTP ${e.code ?? 'error'}: ${text}` };
}

function mailOptions(mail: OutgoingMail) {
  return {
    from: { name: mail.from.name, address: mail.from.address },
    to: mail.to,
    subject: mail.subject,
    messageId: `<${mail.messageId}>`,
    inReplyTo: mail.inReplyTo ? `<${mail.inReplyTo}>` : undefined,
    references: mail.references.length > 0 ? mail.references.map((r) => `<${r}>`).join(' ') : undefined,
    text: mail.text,
    html: mail.html,
    headers: mail.headers,
  };
}

export interface EmailAdapterDeps {
  db: Db;
  log: Logger;
  box: SecretBox;
  transports: SmtpTransports;
}

/** The thread of a conversation: the subject it started with, its Message-IDs, the one to answer. */
async function threadOf(db: Db, conversationId: string) {
  const rows = await db.selectFrom('email_messages').select(['message_id', 'direction', 'subject']).where('conversation_id', '=', conversationId).orderBy('id').execute();
  const subject = rows.find((r) => r.direction === 'in' && r.subject)?.subject ?? rows.find((r) => r.subject)?.subject ?? null;
  const lastIn = [...rows].reverse().find((r) => r.direction === 'in');
  return { subject, ids: rows.map((r) => r.message_id), inReplyTo: lastIn?.message_id ?? rows.at(-1)?.message_id ?? null };
}

/**
 * Sends an agent's reply from the mailbox the conversation belongs to, to the
 * customer, as a reply in the thread (Message-ID with our marker, In-Reply-To
 * the customer's last message, References the whole thread). Authentication
 * failures and 5xx answers are permanent; timeouts and 4xx are retried.
 */
export class EmailAdapter implements ChannelAdapter {
  readonly channel = 'email' as const;

  constructor(private readonly d: EmailAdapterDeps) {}

  async send(m: OutboundMessage): Promise<SendResult> {
    const conv = await this.d.db.selectFrom('conversations').select(['channel_meta']).where('id', '=', m.conversationId).executeTakeFirstOrThrow();
    const meta = conv.channel_meta;
    const mailboxId = typeof meta.emailMailboxId === 'string' ? meta.emailMailboxId : null;
    let mailbox: MailboxSettings | null = null;
    try {
      if (mailboxId) mailbox = await loadMailbox(this.d.db, this.d.box, mailboxId);
      else {
        const first = await this.d.db.selectFrom('email_mailboxes').select('id').where('enabled', '=', true).orderBy('created_at').limit(1).executeTakeFirst();
        if (first) mailbox = await loadMailbox(this.d.db, this.d.box, first.id);
      }
    } catch (err) {
      throw new PermanentSendError(err instanceof Error ? err.message : String(err));
    }
    if (!mailbox) throw new PermanentSendError(mailboxId ? 'the mailbox of this conversation was removed' : 'no email mailbox is configured');

    let to = typeof meta.emailCustomerAddress === 'string' ? meta.emailCustomerAddress : undefined;
    to ??= (
      await this.d.db.selectFrom('customer_identities').select('value').where('customer_id', '=', m.customerId).where('kind', '=', 'email').orderBy('created_at').limit(1).executeTakeFirst()
    )?.value;
    if (!to) throw new PermanentSendError('the customer has no email address');

    const messageId = ourMessageId(m.conversationId, m.messageId, mailbox.address);
    const thread = await threadOf(this.d.db, m.conversationId);
    const mail = composeReply({
      mailbox,
      to,
      threadSubject: thread.subject,
      messageId,
      threadMessageIds: thread.ids.filter((id) => id !== messageId),
      inReplyTo: thread.inReplyTo === messageId ? null : thread.inReplyTo,
      body: m.body,
    });
    // Known before it leaves: a fast reply or a bounce finds its conversation.
    await recordMessageId(this.d.db, { mailboxId: mailbox.id, messageId, conversationId: m.conversationId, messageRowId: m.messageId, direction: 'out', counterpart: to, subject: thread.subject });

    try {
      await this.d.transports.get(mailbox).sendMail(mailOptions(mail));
    } catch (err) {
      const failure = classifySmtpError(err);
      this.d.log.warn({ mailboxId: mailbox.id, messageId: m.messageId, conversationId: m.conversationId, permanent: failure.permanent, code: (err as { code?: string }).code }, 'email send failed');
      if (failure.permanent) throw new PermanentSendError(failure.reason);
      throw new Error(failure.reason, { cause: err });
    }
    const sent = { messageId, inReplyTo: mail.inReplyTo, references: mail.references, subject: mail.subject, from: mailbox.address, to };
    await this.d.db
      .updateTable('messages')
      .set({ metadata: sql<string>`metadata || ${JSON.stringify({ email: sent })}::jsonb` })
      .where('id', '=', m.messageId)
      .execute();
    this.d.log.info({ mailboxId: mailbox.id, messageId: m.messageId, conversationId: m.conversationId }, 'email sent');
    return { status: 'sent', externalId: `${mailbox.id}:${messageId}` };
  }
}

export const DEFAULT_AUTO_ACK =
  'We received your email and will answer as soon as we can. Please keep this subject line when you write about the same matter.\n\nایمیل شما را دریافت کردیم و در اولین فرصت پاسخ می‌دهیم.';

export interface AutoAckDeps extends EmailAdapterDeps {
  events: HubEvents;
  hourlyCap: number;
}

/**
 * "We got your email": sent once per message that opened a conversation, when
 * the mailbox has it on and the loop guard allows it; marked Auto-Submitted;
 * shown on the timeline as a system message.
 */
export async function sendAutoAck(d: AutoAckDeps, mailbox: MailboxSettings, parsed: ParsedEmail, conversationId: string, inboundExternalId: string): Promise<'sent' | 'skipped' | 'failed'> {
  if (!mailbox.autoAck.enabled) return 'skipped';
  const recipient = parsed.replyTo.address;
  const recent = await d.db
    .selectFrom('email_auto_replies')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('recipient', '=', recipient)
    .where('created_at', '>', sql<Date>`now() - interval '1 hour'`)
    .executeTakeFirstOrThrow();
  const decision = shouldAutoReply(parsed.headers, { recipient, ownAddresses: await ownAddresses(d.db), sentLastHour: Number(recent.n), hourlyCap: d.hourlyCap });
  if (!decision.ok) {
    d.log.info({ mailboxId: mailbox.id, conversationId, reason: decision.reason }, 'no automatic acknowledgement');
    return 'skipped';
  }
  const messageId = ourMessageId(conversationId, randomUUID(), mailbox.address);
  const claimed = await d.db
    .insertInto('email_auto_replies')
    .values({ mailbox_id: mailbox.id, inbound_external_id: inboundExternalId, recipient, message_id: messageId, error: null })
    .onConflict((oc) => oc.column('inbound_external_id').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!claimed) return 'skipped';
  const body = mailbox.autoAck.text?.trim() || DEFAULT_AUTO_ACK;
  const mail = composeReply({
    mailbox,
    to: recipient,
    threadSubject: parsed.subject,
    messageId,
    threadMessageIds: [...parsed.references, ...(parsed.messageId ? [parsed.messageId] : [])],
    inReplyTo: parsed.messageId,
    body,
    automated: true,
  });
  try {
    await d.transports.get(mailbox).sendMail(mailOptions(mail));
  } catch (err) {
    const failure = classifySmtpError(err);
    await d.db.updateTable('email_auto_replies').set({ status: 'failed', error: failure.reason }).where('id', '=', claimed.id).execute();
    d.log.warn({ mailboxId: mailbox.id, conversationId, reason: failure.reason }, 'automatic acknowledgement failed');
    return 'failed';
  }
  await d.db.updateTable('email_auto_replies').set({ status: 'sent' }).where('id', '=', claimed.id).execute();
  // On the timeline, and in the Message-ID map so a reply to it threads.
  const stored = await d.db.transaction().execute(async (tx) => {
    const conv = await tx
      .updateTable('conversations')
      .set((eb) => ({ last_seq: eb('last_seq', '+', 1), updated_at: sql<Date>`now()` }))
      .where('id', '=', conversationId)
      .returning(['last_seq', 'customer_id'])
      .executeTakeFirstOrThrow();
    const msg = await tx
      .insertInto('messages')
      .values({
        conversation_id: conversationId,
        seq: conv.last_seq,
        channel: 'email',
        direction: 'out',
        sender: 'system',
        author_user_id: null,
        body,
        external_id: `${mailbox.id}:${messageId}`,
        status: 'sent',
        status_reason: null,
        metadata: JSON.stringify({ email: { messageId, autoAck: true, subject: mail.subject, from: mailbox.address, to: recipient } }),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { messageRowId: msg.id, customerId: conv.customer_id };
  });
  await recordMessageId(d.db, { mailboxId: mailbox.id, messageId, conversationId, messageRowId: stored.messageRowId, direction: 'out', counterpart: recipient, subject: parsed.subject });
  d.events.emit('message.created', { messageId: stored.messageRowId, conversationId, customerId: stored.customerId, direction: 'out' });
  return 'sent';
}
