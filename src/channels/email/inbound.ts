// One fetched message → quarantine, bounce, or customer message (ingest), with
// threading, sanitised HTML, the raw .eml and attachments kept on disk.
import { sql } from 'kysely';
import type { Db } from '../../db/index.js';
import type { HubEvents } from '../../events.js';
import type { Ingest } from '../../ingest/ingest.js';
import type { Logger } from '../../logger.js';
import { conversationOfMarker } from './ids.js';
import { MalformedEmail, parseEmail, rawHash, type ParsedEmail } from './parse.js';
import { sanitizeEmailHtml } from './sanitize.js';
import { ownAddresses, recordMessageId, storeFile, threadCandidates, type MailboxSettings } from './store.js';
import { chooseThread } from './threading.js';

export const ATTACHMENT_ROUTE = '/api/email/attachments';

/** Stored sanitised HTML larger than this is dropped (the text body and the raw message remain). */
const MAX_HTML_CHARS = 1_000_000;

export interface InboundDeps {
  db: Db;
  ingest: Ingest;
  events: HubEvents;
  log: Logger;
  attachmentsDir: string;
  maxMessageBytes?: number;
  /** Called after a message opened a new conversation (the optional auto-acknowledgement). */
  onNewConversation?: (mailbox: MailboxSettings, parsed: ParsedEmail, conversationId: string, externalId: string) => void;
}

export type InboundOutcome =
  | { kind: 'ingested'; conversationId: string; messageId: string; duplicate: boolean; threadedBy: string | null }
  | { kind: 'bounce'; matchedMessageId: string | null }
  | { kind: 'quarantined'; reason: string }
  | { kind: 'own'; reason: string };

export interface FetchPosition {
  uidValidity: number | null;
  uid: number | null;
}

export async function processRaw(deps: InboundDeps, mailbox: MailboxSettings, raw: Buffer, at: FetchPosition = { uidValidity: null, uid: null }): Promise<InboundOutcome> {
  let parsed: ParsedEmail;
  try {
    parsed = await parseEmail(raw, { maxBytes: deps.maxMessageBytes });
  } catch (err) {
    if (!(err instanceof MalformedEmail)) throw err;
    await quarantine(deps, mailbox, raw, err.message, at);
    return { kind: 'quarantined', reason: err.message };
  }

  const own = await ownAddresses(deps.db);
  if (own.includes(parsed.from.address) && !parsed.report) {
    deps.log.info({ mailboxId: mailbox.id, uid: at.uid }, 'email from one of our own mailboxes: not ingested');
    return { kind: 'own', reason: 'sent by one of our mailboxes' };
  }

  const externalId = `${mailbox.id}:${parsed.dedupeKey}`.slice(0, 1000);
  const rawPath = await storeFile(deps.attachmentsDir, `raw/${mailbox.id}/${rawHash(raw)}.eml`, raw);

  if (parsed.report || /^(mailer-daemon|postmaster)@/.test(parsed.from.address)) {
    return handleBounce(deps, mailbox, parsed, externalId, rawPath);
  }

  // Attachments: files by content hash, rows by (external id, part): a re-fetch maps to the same ids.
  const stored: { id: string; filename: string | null; contentType: string; size: number; inline: boolean; contentId: string | null }[] = [];
  for (const a of parsed.attachments) {
    const rel = await storeFile(deps.attachmentsDir, `files/${a.sha256.slice(0, 2)}/${a.sha256}`, a.content);
    const inserted = await deps.db
      .insertInto('email_attachments')
      .values({ mailbox_id: mailbox.id, external_id: externalId, part_index: a.index, filename: a.filename, content_type: a.contentType, size: a.size, sha256: a.sha256, path: rel, inline: a.inline, content_id: a.contentId })
      .onConflict((oc) => oc.columns(['external_id', 'part_index']).doNothing())
      .returning('id')
      .executeTakeFirst();
    const id = inserted?.id ?? (await deps.db.selectFrom('email_attachments').select('id').where('external_id', '=', externalId).where('part_index', '=', a.index).executeTakeFirstOrThrow()).id;
    stored.push({ id, filename: a.filename, contentType: a.contentType, size: a.size, inline: a.inline, contentId: a.contentId });
  }
  const url = (id: string) => `${ATTACHMENT_ROUTE}/${id}`;
  const inlineImages = Object.fromEntries(stored.filter((a) => a.contentId).map((a) => [a.contentId!, url(a.id)]));
  let html = parsed.html ? sanitizeEmailHtml(parsed.html, { inlineImages }) : null;
  if (html && html.length > MAX_HTML_CHARS) html = null;

  const candidates = await threadCandidates(deps.db, parsed);
  const thread = chooseThread({ inReplyTo: parsed.inReplyTo, references: parsed.references, sender: parsed.from.address }, candidates.known, candidates.markers);

  const attachmentsMeta = stored.map((a) => ({ id: a.id, url: url(a.id), filename: a.filename, contentType: a.contentType, size: a.size, inline: a.inline }));
  const result = await deps.ingest.ingest({
    channel: 'email',
    externalId,
    identities: [{ kind: 'email', value: parsed.from.address }],
    customerName: parsed.from.name,
    body: parsed.text,
    queueName: mailbox.queueName,
    threadConversationId: thread?.conversationId ?? null,
    metadata: {
      attachments: attachmentsMeta,
      email: {
        mailboxId: mailbox.id,
        mailbox: mailbox.address,
        messageId: parsed.messageId,
        from: parsed.from,
        replyTo: parsed.replyTo.address !== parsed.from.address ? parsed.replyTo : null,
        to: parsed.to,
        cc: parsed.cc,
        subject: parsed.subject,
        date: parsed.date?.toISOString() ?? null,
        inReplyTo: parsed.inReplyTo,
        references: parsed.references.slice(-20),
        html,
        rawPath,
        size: parsed.size,
        automated: parsed.automated,
        listId: parsed.listId,
        threadedBy: thread?.via ?? null,
      },
    },
    conversationMeta: { emailMailboxId: mailbox.id, emailCustomerAddress: parsed.replyTo.address },
  });

  if (parsed.messageId) {
    await recordMessageId(deps.db, {
      mailboxId: mailbox.id,
      messageId: parsed.messageId,
      conversationId: result.conversationId,
      messageRowId: result.message.id,
      direction: 'in',
      counterpart: parsed.from.address,
      subject: parsed.subject,
    });
  }
  deps.log.info(
    { mailboxId: mailbox.id, uid: at.uid, conversationId: result.conversationId, messageId: result.message.id, duplicate: result.duplicate, threadedBy: thread?.via ?? null },
    'email received',
  );
  if (!result.duplicate && result.message.seq === 1) deps.onNewConversation?.(mailbox, parsed, result.conversationId, externalId);
  return { kind: 'ingested', conversationId: result.conversationId, messageId: result.message.id, duplicate: result.duplicate, threadedBy: thread?.via ?? null };
}

export async function quarantine(deps: InboundDeps, mailbox: MailboxSettings, raw: Buffer, reason: string, at: FetchPosition): Promise<void> {
  const inserted = await deps.db
    .insertInto('email_quarantine')
    .values({ mailbox_id: mailbox.id, uid_validity: at.uidValidity, uid: at.uid, content_hash: rawHash(raw), reason: reason.slice(0, 500), size: raw.length, raw })
    .onConflict((oc) => oc.columns(['mailbox_id', 'content_hash']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (inserted) deps.log.warn({ mailboxId: mailbox.id, uid: at.uid, quarantineId: inserted.id, reason }, 'malformed email quarantined');
}

/**
 * A delivery report never opens a conversation. When it says our message
 * failed for good, that message is marked failed with the report's reason.
 */
async function handleBounce(deps: InboundDeps, mailbox: MailboxSettings, parsed: ParsedEmail, externalId: string, rawPath: string): Promise<InboundOutcome> {
  const report = parsed.report;
  const ids = report ? report.originalMessageIds : [parsed.inReplyTo, ...parsed.references.slice().reverse()].filter((x): x is string => Boolean(x));
  const failed = report ? report.failed : true;
  const reason = report ? report.reason : `bounce: ${parsed.subject}`.slice(0, 300);

  let original: { messageRowId: string; conversationId: string; messageId: string } | null = null;
  if (ids.length > 0) {
    const rows = await deps.db
      .selectFrom('email_messages')
      .select(['message_row_id', 'conversation_id', 'message_id'])
      .where('message_id', 'in', ids)
      .where('direction', '=', 'out')
      .where('message_row_id', 'is not', null)
      .execute();
    for (const id of ids) {
      const row = rows.find((r) => r.message_id === id);
      if (row?.message_row_id) {
        original = { messageRowId: row.message_row_id, conversationId: row.conversation_id, messageId: id };
        break;
      }
    }
  }
  if (!original) {
    // Our marker says which conversation; the Message-ID map is authoritative for which message.
    const marked = ids.map(conversationOfMarker).find(Boolean);
    if (marked) deps.log.info({ mailboxId: mailbox.id, conversationId: marked }, 'bounce for one of our messages that is not in the Message-ID map');
  }

  const recorded = await deps.db
    .insertInto('email_bounces')
    .values({
      mailbox_id: mailbox.id,
      external_id: externalId,
      original_message_id: original?.messageId ?? ids[0] ?? null,
      message_row_id: original?.messageRowId ?? null,
      action: report?.recipients[0]?.action ?? null,
      status: report?.recipients[0]?.status ?? null,
      reason,
      raw_path: rawPath,
    })
    .onConflict((oc) => oc.column('external_id').doNothing())
    .returning('id')
    .executeTakeFirst();

  if (original && failed) {
    const updated = await deps.db
      .updateTable('messages')
      .set({ status: 'failed', status_reason: `bounced: ${reason ?? 'the recipient server refused the message'}`.slice(0, 1000) })
      .where('id', '=', original.messageRowId)
      .where('direction', '=', 'out')
      .where('status', '!=', 'failed')
      .returning(['id', 'conversation_id'])
      .executeTakeFirst();
    if (updated) {
      await deps.db
        .updateTable('messages')
        .set({ metadata: sql<string>`metadata || ${JSON.stringify({ bounce: { reason, status: report?.recipients[0]?.status ?? null, rawPath } })}::jsonb` })
        .where('id', '=', updated.id)
        .execute();
      deps.events.emit('message.status', { messageId: updated.id, conversationId: updated.conversation_id });
      deps.log.info({ mailboxId: mailbox.id, messageId: updated.id, conversationId: updated.conversation_id }, 'email bounced: outbound message marked failed');
    }
  } else if (recorded) {
    deps.log.info({ mailboxId: mailbox.id, matched: Boolean(original), failed }, 'delivery report recorded (no message marked failed)');
  }
  return { kind: 'bounce', matchedMessageId: original?.messageRowId ?? null };
}
