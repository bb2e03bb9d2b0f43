// Reads and writes for the desk tables, and the DTOs the routes answer with.
import type { Channel, NoteDto } from '../contracts/index.js';
import type { Db, Tx } from '../db/index.js';
import type { DeskLanguage } from './schema.js';

type Q = Db | Tx;

export interface CannedResponseDto {
  id: string;
  title: string;
  shortcut: string;
  body: string;
  language: DeskLanguage;
  queueId: string | null;
  channel: Channel | null;
  updatedAt: string;
}

export interface DispositionDto {
  id: string;
  code: string;
  labelEn: string;
  labelFa: string;
  active: boolean;
}

export interface WrapUpDto {
  dispositionCode: string;
  note: string | null;
  agentId: string | null;
  at: string;
}

export async function listCanned(db: Q, scope: { queueId: string | null; channel: Channel } | null): Promise<CannedResponseDto[]> {
  let q = db.selectFrom('canned_responses').selectAll();
  // Unscoped responses apply everywhere; a scoped one only where its queue / channel match.
  if (scope) {
    q = q
      .where((eb) => eb.or([eb('queue_id', 'is', null), ...(scope.queueId ? [eb('queue_id', '=', scope.queueId)] : [])]))
      .where((eb) => eb.or([eb('channel', 'is', null), eb('channel', '=', scope.channel)]));
  }
  const rows = await q.orderBy('title').orderBy('language').execute();
  return rows.map((r) => ({ id: r.id, title: r.title, shortcut: r.shortcut, body: r.body, language: r.language, queueId: r.queue_id, channel: r.channel, updatedAt: r.updated_at.toISOString() }));
}

export async function cannedById(db: Q, id: string): Promise<CannedResponseDto | null> {
  const rows = await listCanned(db, null);
  return rows.find((r) => r.id === id) ?? null;
}

export async function listDispositions(db: Q, onlyActive: boolean): Promise<DispositionDto[]> {
  let q = db.selectFrom('dispositions').selectAll();
  if (onlyActive) q = q.where('active', '=', true);
  const rows = await q.orderBy('code').execute();
  return rows.map((r) => ({ id: r.id, code: r.code, labelEn: r.label_en, labelFa: r.label_fa, active: r.active }));
}

export async function notesOf(db: Q, conversationId: string, onlyId?: string): Promise<NoteDto[]> {
  let q = db
    .selectFrom('conversation_notes')
    .leftJoin('users', 'users.id', 'conversation_notes.author_user_id')
    .selectAll('conversation_notes')
    .select('users.name as author_name')
    .where('conversation_notes.conversation_id', '=', conversationId);
  if (onlyId) q = q.where('conversation_notes.id', '=', onlyId);
  const rows = await q.orderBy('conversation_notes.created_at').orderBy('conversation_notes.id').execute();
  const mentionedIds = [...new Set(rows.flatMap((r) => r.mentions))];
  const names = new Map<string, string>();
  if (mentionedIds.length > 0) {
    for (const u of await db.selectFrom('users').select(['id', 'name']).where('id', 'in', mentionedIds).execute()) names.set(u.id, u.name);
  }
  return rows.map((r) => ({
    id: r.id,
    conversationId: r.conversation_id,
    authorId: r.author_user_id,
    authorName: r.author_name,
    body: r.body,
    mentions: r.mentions.flatMap((id) => (names.has(id) ? [{ id, name: names.get(id)! }] : [])),
    at: r.created_at.toISOString(),
  }));
}

export async function tagsOf(db: Q, conversationId: string): Promise<string[]> {
  const rows = await db.selectFrom('conversation_tags').select('tag').where('conversation_id', '=', conversationId).orderBy('created_at').orderBy('tag').execute();
  return rows.map((r) => r.tag);
}

/** Replaces the conversation's tags; tags kept from before keep their first-added time (and so their order). */
export async function setTags(db: Db, conversationId: string, tags: readonly string[]): Promise<void> {
  await db.transaction().execute(async (tx) => {
    const del = tx.deleteFrom('conversation_tags').where('conversation_id', '=', conversationId);
    await (tags.length > 0 ? del.where('tag', 'not in', [...tags]) : del).execute();
    if (tags.length > 0) {
      const now = Date.now();
      await tx
        .insertInto('conversation_tags')
        // Spaced a millisecond apart so new tags keep the order they were given in.
        .values(tags.map((tag, i) => ({ conversation_id: conversationId, tag, created_at: new Date(now + i) })))
        .onConflict((oc) => oc.columns(['conversation_id', 'tag']).doNothing())
        .execute();
    }
  });
}

export async function wrapUpOf(db: Q, conversationId: string): Promise<WrapUpDto | null> {
  const row = await db
    .selectFrom('conversation_wrap_ups')
    .innerJoin('dispositions', 'dispositions.id', 'conversation_wrap_ups.disposition_id')
    .select(['dispositions.code', 'conversation_wrap_ups.note', 'conversation_wrap_ups.agent_id', 'conversation_wrap_ups.updated_at'])
    .where('conversation_wrap_ups.conversation_id', '=', conversationId)
    .executeTakeFirst();
  return row ? { dispositionCode: row.code, note: row.note, agentId: row.agent_id, at: row.updated_at.toISOString() } : null;
}
