// Database and disk access of the email channel.
import { mkdir, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { sql, type Selectable } from 'kysely';
import type { Db } from '../../db/index.js';
import { credentialContext, type SecretBox } from './crypto.js';
import type { EmailMailboxesTable } from './schema.js';
import { markerConversations, threadLookupIds, type ThreadCandidate } from './threading.js';

export type MailboxRow = Selectable<EmailMailboxesTable>;

/** A mailbox with its passwords decrypted, for the fetcher and the sender only. */
export interface MailboxSettings {
  id: string;
  address: string;
  displayName: string;
  imap: { host: string; port: number; tls: boolean; user: string; password: string; folder: string };
  smtp: { host: string; port: number; tls: boolean; user: string | null; password: string | null };
  queueName: string;
  enabled: boolean;
  autoAck: { enabled: boolean; text: string | null };
  updatedAt: Date;
}

export async function loadMailbox(db: Db, box: SecretBox, id: string): Promise<MailboxSettings | null> {
  const row = await db
    .selectFrom('email_mailboxes')
    .innerJoin('queues', 'queues.id', 'email_mailboxes.queue_id')
    .selectAll('email_mailboxes')
    .select('queues.name as queue_name')
    .where('email_mailboxes.id', '=', id)
    .executeTakeFirst();
  if (!row) return null;
  return {
    id: row.id,
    address: row.address,
    displayName: row.display_name,
    imap: { host: row.imap_host, port: row.imap_port, tls: row.imap_tls, user: row.imap_user, password: box.open(row.imap_password_enc, credentialContext(row.id, 'imap')), folder: row.imap_folder },
    smtp: {
      host: row.smtp_host,
      port: row.smtp_port,
      tls: row.smtp_tls,
      user: row.smtp_user,
      password: row.smtp_password_enc ? box.open(row.smtp_password_enc, credentialContext(row.id, 'smtp')) : null,
    },
    queueName: row.queue_name,
    enabled: row.enabled,
    autoAck: { enabled: row.auto_ack_enabled, text: row.auto_ack_text },
    updatedAt: row.updated_at,
  };
}

export async function ownAddresses(db: Db): Promise<string[]> {
  return (await db.selectFrom('email_mailboxes').select('address').execute()).map((r) => r.address);
}

export async function getCheckpoint(db: Db, mailboxId: string): Promise<{ uidValidity: number; lastUid: number; folder: string } | null> {
  const row = await db.selectFrom('email_checkpoints').selectAll().where('mailbox_id', '=', mailboxId).executeTakeFirst();
  return row ? { uidValidity: Number(row.uid_validity), lastUid: Number(row.last_uid), folder: row.folder } : null;
}

/** Starts (or restarts, after a UIDVALIDITY or folder change) the checkpoint at UID 0. */
export async function resetCheckpoint(db: Db, mailboxId: string, folder: string, uidValidity: number): Promise<void> {
  await db
    .insertInto('email_checkpoints')
    .values({ mailbox_id: mailboxId, folder, uid_validity: uidValidity, last_uid: 0 })
    .onConflict((oc) => oc.column('mailbox_id').doUpdateSet({ folder, uid_validity: uidValidity, last_uid: 0, updated_at: sql<Date>`now()` }))
    .execute();
}

/** Moves the checkpoint forward only (a slower second fetcher cannot move it back). */
export async function advanceCheckpoint(db: Db, mailboxId: string, uidValidity: number, uid: number): Promise<void> {
  await db
    .updateTable('email_checkpoints')
    .set({ last_uid: uid, updated_at: sql<Date>`now()` })
    .where('mailbox_id', '=', mailboxId)
    .where('uid_validity', '=', uidValidity)
    .where('last_uid', '<', uid)
    .execute();
}

/** Conversations the ids (In-Reply-To, References) point to, with their customers' addresses. */
export async function threadCandidates(db: Db, p: { inReplyTo: string | null; references: string[] }): Promise<{ known: ThreadCandidate[]; markers: ThreadCandidate[] }> {
  const ids = threadLookupIds(p).slice(0, 100);
  if (ids.length === 0) return { known: [], markers: [] };
  const rows = await db.selectFrom('email_messages').select(['message_id', 'conversation_id']).where('message_id', 'in', ids).execute();
  const markers = markerConversations(ids);
  const conversationIds = [...new Set([...rows.map((r) => r.conversation_id), ...markers.map((m) => m.conversationId)])];
  if (conversationIds.length === 0) return { known: [], markers: [] };
  const owners = await db
    .selectFrom('conversations')
    .innerJoin('customer_identities', 'customer_identities.customer_id', 'conversations.customer_id')
    .select(['conversations.id', 'customer_identities.value'])
    .where('conversations.id', 'in', conversationIds)
    .where('conversations.channel', '=', 'email')
    .where('customer_identities.kind', '=', 'email')
    .execute();
  const emails = (id: string) => owners.filter((o) => o.id === id).map((o) => o.value);
  return {
    known: rows.map((r) => ({ messageId: r.message_id, conversationId: r.conversation_id, customerEmails: emails(r.conversation_id) })),
    markers: markers.filter((m) => owners.some((o) => o.id === m.conversationId)).map((m) => ({ ...m, customerEmails: emails(m.conversationId) })),
  };
}

export async function recordMessageId(
  db: Db,
  row: { mailboxId: string | null; messageId: string; conversationId: string; messageRowId: string | null; direction: 'in' | 'out'; counterpart: string | null; subject: string | null },
): Promise<void> {
  await db
    .insertInto('email_messages')
    .values({
      mailbox_id: row.mailboxId,
      message_id: row.messageId,
      conversation_id: row.conversationId,
      message_row_id: row.messageRowId,
      direction: row.direction,
      counterpart: row.counterpart,
      subject: row.subject,
    })
    .onConflict((oc) => oc.columns(['mailbox_id', 'message_id']).doNothing())
    .execute();
}

/**
 * Writes a file once under the attachments folder, named by its content hash:
 * a re-fetch writes nothing new, and a crash never leaves half a file under
 * the final name (written aside, then renamed).
 */
export async function storeFile(root: string, relative: string, content: Buffer): Promise<string> {
  const target = path.join(root, relative);
  try {
    const s = await stat(target);
    if (s.size === content.length) return relative;
  } catch {
    // not there yet
  }
  await mkdir(path.dirname(target), { recursive: true });
  const tmp = `${target}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(tmp, content, { mode: 0o640 });
  await rename(tmp, target);
  return relative;
}

/** Resolves a stored relative path, refusing anything that would leave the folder. */
export function resolveStored(root: string, relative: string): string {
  const base = path.resolve(root);
  const full = path.resolve(base, relative);
  if (full !== base && !full.startsWith(base + path.sep)) throw new Error('stored path escapes the attachments folder');
  return full;
}
