// Merge two customer records into one, and undo it exactly.
//
// Rules (README "Customers"):
// - One transaction; both customers locked FOR UPDATE (in id order, so two
//   merges cannot deadlock), which also makes ingest's redirect trigger
//   (migrations/0010) wait and then follow the merge.
// - Refused (409 open_conversation_conflict) when both customers have an open
//   conversation on the same channel other than email: one customer has at most
//   one open chat/SMS/voice conversation, and choosing which one a new message
//   joins is the agent's call, not ours. Close one of them first.
// - The merged customer is kept with merged_into set; its identities and
//   conversations move; the survivor gains only what it lacked (a name, profile
//   keys). customer_merges records every id that moved and what was filled in.
// - Undo puts back exactly those rows. It is refused when that would put
//   something on the wrong customer or cannot be exact: the merge is already
//   undone, the survivor was merged away since (undo that first), a moved
//   identity or conversation has since moved elsewhere, or a moved identity has
//   written since the merge into a conversation that did not move (that message
//   would stay with the survivor while its sender went back).
import { sql } from 'kysely';
import type { CountryCode } from 'libphonenumber-js';
import type { Channel } from '../contracts/index.js';
import type { Db, Tx } from '../db/index.js';
import type { IdentityKind } from '../db/schema.js';
import { normalizeEmail, normalizePhone } from '../domain/identity.js';
import { AppError, conflict, notFound } from '../errors.js';
import { audit } from '../audit.js';
import type { MergeRecordDto } from './contracts.js';
import { factsOf } from './candidates.js';
import { scoreMatch } from './evidence.js';
import type { MergedSnapshot, SurvivorFilled } from './schema.js';

/** Channels a kind of identity can write on. */
const CHANNELS_OF: Record<IdentityKind, Channel[]> = { phone: ['sms', 'voice'], email: ['email'], visitor: ['webchat'] };

export interface MergeOutcome {
  merge: MergeRecordDto;
  /** For the chat sockets: the merged customer's visitors now read the survivor's room. */
  survivorId: string;
  mergedId: string;
}

async function lockCustomers(tx: Tx, ids: string[]) {
  const rows = await tx
    .selectFrom('customers')
    .select(['id', 'display_name', 'profile', 'merged_into'])
    .where('id', 'in', ids)
    .orderBy('id')
    .forUpdate()
    .execute();
  return new Map(rows.map((r) => [r.id, r]));
}

export async function mergeCustomers(db: Db, o: { survivorId: string; mergedId: string; actorId: string; region: CountryCode }): Promise<MergeOutcome> {
  if (o.survivorId === o.mergedId) throw new AppError(400, 'invalid_request', 'body.mergedId: a customer cannot be merged into itself', [{ path: 'body.mergedId', message: 'is the survivor itself' }]);
  const mergeId = await db.transaction().execute(async (tx) => {
    const locked = await lockCustomers(tx, [o.survivorId, o.mergedId]);
    const survivor = locked.get(o.survivorId);
    const merged = locked.get(o.mergedId);
    if (!survivor) throw notFound('customer');
    if (!merged) throw new AppError(404, 'not_found', 'the customer to merge (mergedId) was not found');
    if (survivor.merged_into) throw conflict('already_merged', 'this customer was merged into another one; open that customer instead');
    if (merged.merged_into) throw conflict('already_merged', 'the customer to merge was already merged into another one');

    const open = await tx
      .selectFrom('conversations')
      .select(['channel', 'customer_id'])
      .where('customer_id', 'in', [o.survivorId, o.mergedId])
      .where('status', '=', 'open')
      .where('channel', '<>', 'email')
      .execute();
    const clash = open.find((c) => c.customer_id === o.survivorId && open.some((d) => d.customer_id === o.mergedId && d.channel === c.channel));
    if (clash) {
      throw new AppError(409, 'open_conversation_conflict', `both customers have an open ${clash.channel} conversation; close one of them first`, { channel: clash.channel });
    }

    const facts = await factsOf(tx, [o.survivorId, o.mergedId]);
    const verdict = scoreMatch(facts.find((f) => f.id === o.survivorId)!, facts.find((f) => f.id === o.mergedId)!, o.region);

    const identityIds = (await tx.selectFrom('customer_identities').select('id').where('customer_id', '=', o.mergedId).forUpdate().execute()).map((r) => r.id);
    const conversationIds = (await tx.selectFrom('conversations').select('id').where('customer_id', '=', o.mergedId).forUpdate().execute()).map((r) => r.id);
    if (identityIds.length > 0) await tx.updateTable('customer_identities').set({ customer_id: o.survivorId }).where('id', 'in', identityIds).execute();
    if (conversationIds.length > 0) {
      await tx.updateTable('conversations').set({ customer_id: o.survivorId }).where('id', 'in', conversationIds).execute();
      await tx.updateTable('routing_tasks').set({ customer_id: o.survivorId }).where('conversation_id', 'in', conversationIds).execute();
    }

    // The survivor keeps what it has and gains what it lacked.
    const filled: SurvivorFilled = {};
    if (!survivor.display_name && merged.display_name) filled.displayName = merged.display_name;
    const gained = Object.fromEntries(Object.entries(merged.profile).filter(([k, v]) => v !== null && v !== undefined && !(k in survivor.profile)));
    if (Object.keys(gained).length > 0) filled.profile = gained;
    if (filled.displayName || filled.profile) {
      await tx
        .updateTable('customers')
        .set({
          ...(filled.displayName ? { display_name: filled.displayName } : {}),
          profile: sql<string>`profile || ${JSON.stringify(gained)}::jsonb`,
        })
        .where('id', '=', o.survivorId)
        .execute();
    }
    await tx.updateTable('customers').set({ merged_into: o.survivorId }).where('id', '=', o.mergedId).execute();

    const snapshot: MergedSnapshot = { displayName: merged.display_name, profile: merged.profile };
    const record = await tx
      .insertInto('customer_merges')
      .values({
        survivor_id: o.survivorId,
        merged_id: o.mergedId,
        actor_user_id: o.actorId,
        evidence: JSON.stringify(verdict.evidence),
        score: verdict.score,
        moved_identity_ids: identityIds,
        moved_conversation_ids: conversationIds,
        merged_snapshot: JSON.stringify(snapshot),
        survivor_filled: JSON.stringify(filled),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await audit(tx, {
      actorUserId: o.actorId,
      action: 'customer.merge',
      subjectType: 'customer',
      subjectId: o.survivorId,
      data: { mergeId: record.id, mergedId: o.mergedId, score: verdict.score, evidence: verdict.evidence.map((e) => e.kind), identities: identityIds.length, conversations: conversationIds.length },
    });
    return record.id;
  });
  const [merge] = await mergeRecords(db, { ids: [mergeId] });
  return { merge: merge!, survivorId: o.survivorId, mergedId: o.mergedId };
}

/** The sender of an inbound message as far as the message itself tells; null when it does not. */
function senderOf(m: { channel: Channel; external_id: string | null; metadata: Record<string, unknown> }): { kind: IdentityKind; value: string } | null {
  if (m.channel === 'webchat' && m.external_id) return { kind: 'visitor', value: m.external_id.split(':')[0] ?? '' };
  const from = m.metadata['from'];
  if (typeof from !== 'string') return null;
  if (m.channel === 'email') {
    const email = normalizeEmail(from.replace(/^.*</, '<'));
    return email ? { kind: 'email', value: email } : null;
  }
  const phone = normalizePhone(from);
  return phone ? { kind: 'phone', value: phone } : null;
}

export async function undoMerge(db: Db, o: { mergeId: string; actorId: string }): Promise<MergeOutcome> {
  await db.transaction().execute(async (tx) => {
    const m = await tx.selectFrom('customer_merges').selectAll().where('id', '=', o.mergeId).forUpdate().executeTakeFirst();
    if (!m) throw notFound('merge');
    if (m.undone_at) throw conflict('already_undone', 'this merge was already undone');
    const locked = await lockCustomers(tx, [m.survivor_id, m.merged_id]);
    const survivor = locked.get(m.survivor_id)!;
    if (survivor.merged_into) {
      throw conflict('survivor_merged_since', 'the surviving customer was itself merged into another customer since; undo that merge first');
    }

    const identities = m.moved_identity_ids.length
      ? await tx.selectFrom('customer_identities').select(['id', 'kind', 'value', 'customer_id']).where('id', 'in', m.moved_identity_ids).forUpdate().execute()
      : [];
    const strayIdentity = identities.find((i) => i.customer_id !== m.survivor_id);
    if (strayIdentity || identities.length !== m.moved_identity_ids.length) {
      const what = strayIdentity ? `${strayIdentity.kind} ${strayIdentity.kind === 'visitor' ? '(web chat visitor)' : strayIdentity.value}` : 'an identity';
      throw conflict('identity_moved_since', `${what} no longer belongs to the surviving customer, so the merge cannot be undone exactly`);
    }
    const conversations = m.moved_conversation_ids.length
      ? await tx.selectFrom('conversations').select(['id', 'customer_id']).where('id', 'in', m.moved_conversation_ids).forUpdate().execute()
      : [];
    if (conversations.some((c) => c.customer_id !== m.survivor_id) || conversations.length !== m.moved_conversation_ids.length) {
      throw conflict('conversation_moved_since', 'a conversation that moved in this merge no longer belongs to the surviving customer');
    }

    // Did a moved identity write since the merge into a conversation that stays with the survivor?
    const kinds = new Set(identities.map((i) => i.kind));
    const channels = [...new Set([...kinds].flatMap((k) => CHANNELS_OF[k]))];
    if (channels.length > 0) {
      let since = tx
        .selectFrom('messages')
        .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
        .select(['messages.channel', 'messages.external_id', 'messages.metadata'])
        .where('conversations.customer_id', '=', m.survivor_id)
        .where('messages.direction', '=', 'in')
        .where('messages.created_at', '>=', m.created_at)
        .where('messages.channel', 'in', channels);
      if (m.moved_conversation_ids.length > 0) since = since.where('conversations.id', 'not in', m.moved_conversation_ids);
      const moved = new Set(identities.map((i) => `${i.kind}:${i.kind === 'visitor' ? i.value.slice(0, 32) : i.value}`));
      for (const msg of await since.execute()) {
        const sender = senderOf(msg);
        // A message that names its sender counts only when that sender moved; one that does not is assumed to (we cannot tell).
        if (sender && !moved.has(`${sender.kind}:${sender.value}`)) continue;
        throw conflict(
          'contact_since_merge',
          `since the merge, a moved identity wrote on ${msg.channel} into a conversation of the surviving customer; undoing would leave that message with the wrong customer`,
        );
      }
    }

    if (m.moved_identity_ids.length > 0) await tx.updateTable('customer_identities').set({ customer_id: m.merged_id }).where('id', 'in', m.moved_identity_ids).execute();
    if (m.moved_conversation_ids.length > 0) {
      await tx.updateTable('conversations').set({ customer_id: m.merged_id }).where('id', 'in', m.moved_conversation_ids).execute();
      await tx.updateTable('routing_tasks').set({ customer_id: m.merged_id }).where('conversation_id', 'in', m.moved_conversation_ids).execute();
    }
    await tx
      .updateTable('customers')
      .set({ merged_into: null, display_name: m.merged_snapshot.displayName, profile: JSON.stringify(m.merged_snapshot.profile) })
      .where('id', '=', m.merged_id)
      .execute();
    // Take back from the survivor what the merge filled in, where it is still what the merge put there.
    const filled = m.survivor_filled;
    const profile = { ...survivor.profile };
    for (const [k, v] of Object.entries(filled.profile ?? {})) if (JSON.stringify(profile[k]) === JSON.stringify(v)) delete profile[k];
    await tx
      .updateTable('customers')
      .set({
        profile: JSON.stringify(profile),
        ...(filled.displayName && survivor.display_name === filled.displayName ? { display_name: null } : {}),
      })
      .where('id', '=', m.survivor_id)
      .execute();
    await tx.updateTable('customer_merges').set({ undone_at: new Date(), undone_by: o.actorId }).where('id', '=', m.id).execute();
    await audit(tx, {
      actorUserId: o.actorId,
      action: 'customer.merge.undo',
      subjectType: 'customer',
      subjectId: m.survivor_id,
      data: { mergeId: m.id, mergedId: m.merged_id, identities: m.moved_identity_ids.length, conversations: m.moved_conversation_ids.length },
    });
  });
  const [merge] = await mergeRecords(db, { ids: [o.mergeId] });
  return { merge: merge!, survivorId: merge!.survivorId, mergedId: merge!.mergedId };
}

/** Merge records by id, or those whose survivor is the given customer (newest first). */
export async function mergeRecords(db: Db | Tx, by: { ids?: string[]; survivorId?: string }): Promise<MergeRecordDto[]> {
  let q = db
    .selectFrom('customer_merges as m')
    .innerJoin('customers as mc', 'mc.id', 'm.merged_id')
    .leftJoin('users as a', 'a.id', 'm.actor_user_id')
    .leftJoin('users as u', 'u.id', 'm.undone_by')
    .selectAll('m')
    .select(['a.name as actor_name', 'u.name as undone_by_name']);
  if (by.ids) q = q.where('m.id', 'in', by.ids.length ? by.ids : ['00000000-0000-0000-0000-000000000000']);
  if (by.survivorId) q = q.where('m.survivor_id', '=', by.survivorId);
  const rows = await q.orderBy('m.created_at', 'desc').execute();
  const identityIds = rows.flatMap((r) => r.moved_identity_ids);
  const identities = identityIds.length ? await db.selectFrom('customer_identities').select(['id', 'kind', 'value']).where('id', 'in', identityIds).execute() : [];
  return rows.map((r) => ({
    id: r.id,
    survivorId: r.survivor_id,
    mergedId: r.merged_id,
    mergedName: r.merged_snapshot.displayName,
    actor: r.actor_user_id ? { id: r.actor_user_id, name: r.actor_name ?? '' } : null,
    evidence: r.evidence,
    score: Number(r.score),
    movedIdentities: identities
      .filter((i) => r.moved_identity_ids.includes(i.id) && i.kind !== 'visitor')
      .map((i) => ({ kind: i.kind, value: i.value })),
    movedConversationIds: r.moved_conversation_ids,
    createdAt: r.created_at.toISOString(),
    undoneAt: r.undone_at ? r.undone_at.toISOString() : null,
    undoneBy: r.undone_by ? { id: r.undone_by, name: r.undone_by_name ?? '' } : null,
  }));
}
