import { sql } from 'kysely';
import type { Channel } from '../contracts/index.js';
import type { Db, Tx } from '../db/index.js';
import type { IdentityKind, MessageRow } from '../db/schema.js';
import { CHANNEL_COST } from '../domain/capacity.js';
import type { HubEvents } from '../events.js';
import type { InboundEvent } from '../channels/types.js';

export interface IngestResult {
  duplicate: boolean;
  customerId: string;
  conversationId: string;
  message: MessageRow;
  /** The routing task created by this message, if it opened one. */
  taskId: string | null;
}

class DuplicateMessage extends Error {}

/**
 * Turns one inbound contact into customer → conversation → message → routing
 * task in a single transaction. Idempotent on (channel, externalId): a repeat
 * returns the stored message with duplicate=true and changes nothing.
 * Notifications go out only after commit.
 */
export class Ingest {
  constructor(
    private readonly db: Db,
    private readonly events: HubEvents,
  ) {}

  async ingest(event: InboundEvent): Promise<IngestResult> {
    let result: IngestResult;
    try {
      // Straight to the write, without looking for the message first: repeats are rare, and the
      // unique key on (channel, external_id) catches them inside the transaction, which then
      // rolls back whatever it had done. The two reads the write starts from go first, side by
      // side: read committed would show the transaction nothing newer, and it stays shorter.
      const [known, queue] = await Promise.all([knownIdentities(this.db, event.identities), queueFor(this.db, event.channel, event.queueName)]);
      result = await this.db.transaction().execute((tx) => this.write(tx, event, known, queue));
    } catch (err) {
      // A repeat (or the same message arriving twice at once: the other write won). Any other
      // failure of a message already stored also answers with the stored one, as it always has.
      const stored = await this.findExisting(event.channel, event.externalId).catch(() => null);
      if (stored) return stored;
      throw err;
    }
    this.events.emit('message.created', {
      messageId: result.message.id,
      conversationId: result.conversationId,
      customerId: result.customerId,
      direction: 'in',
    });
    if (result.taskId) this.events.emit('task.created', { taskId: result.taskId });
    return result;
  }

  private async findExisting(channel: Channel, externalId: string): Promise<IngestResult | null> {
    const row = await this.db
      .selectFrom('messages')
      .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
      .selectAll('messages')
      .select('conversations.customer_id')
      .where('messages.channel', '=', channel)
      .where('messages.external_id', '=', externalId)
      .executeTakeFirst();
    if (!row) return null;
    const { customer_id, ...message } = row;
    return { duplicate: true, customerId: customer_id, conversationId: message.conversation_id, message, taskId: null };
  }

  private async write(tx: Tx, event: InboundEvent, known: KnownIdentity[], queue: QueueChoice): Promise<IngestResult> {
    const customerId = await resolveCustomer(tx, event.identities, event.customerName ?? null, known);
    if (event.unverifiedEmail) {
      await tx
        .updateTable('customers')
        .set({ profile: sql<string>`profile || ${JSON.stringify({ email: event.unverifiedEmail })}::jsonb` })
        .where('id', '=', customerId)
        .execute();
    }
    const conversationId =
      (await threadedConversation(tx, event.threadConversationId, customerId, event.channel)) ?? (await openConversation(tx, customerId, event.channel, queue.id));
    if (event.conversationMeta) {
      await tx
        .updateTable('conversations')
        .set({ channel_meta: sql<string>`channel_meta || ${JSON.stringify(event.conversationMeta)}::jsonb` })
        .where('id', '=', conversationId)
        .execute();
    }

    // Sequence number, message and routing task in one statement: one round trip while the
    // transaction holds the conversation's row lock. A repeated external id inserts no message
    // (and the whole transaction is rolled back below, task included).
    const written = await tx
      .with('s', (q) =>
        q
          .updateTable('conversations')
          .set((eb) => ({ last_seq: eb('last_seq', '+', 1), updated_at: new Date() }))
          .where('id', '=', conversationId)
          .returning('last_seq'),
      )
      .with('m', (q) =>
        q
          .insertInto('messages')
          .values({
            conversation_id: conversationId,
            seq: (eb) => eb.selectFrom('s').select('s.last_seq'),
            channel: event.channel,
            direction: 'in',
            sender: 'customer',
            author_user_id: null,
            body: event.body,
            external_id: event.externalId,
            status: 'received',
            status_reason: null,
            metadata: JSON.stringify(event.metadata ?? {}),
          })
          .onConflict((oc) => oc.columns(['channel', 'external_id']).doNothing())
          .returningAll(),
      )
      .with('t', (q) =>
        q
          .insertInto('routing_tasks')
          .values({
            conversation_id: conversationId,
            customer_id: customerId,
            queue_id: queue.id,
            channel: event.channel,
            priority: queue.priority,
            cost: CHANNEL_COST[event.channel],
            required_skills: JSON.stringify(queue.required_skills),
            assigned_agent_id: null,
            assigned_at: null,
            completed_at: null,
          })
          // A conversation already waiting or assigned keeps its one live task.
          .onConflict((oc) => oc.column('conversation_id').where('status', 'in', ['waiting', 'offered', 'assigned']).doNothing())
          .returning('id'),
      )
      .selectFrom('m')
      .selectAll('m')
      .select((eb) => eb.selectFrom('t').select('t.id').as('task_id'))
      .executeTakeFirst();
    if (!written) throw new DuplicateMessage();
    const { task_id: taskId, ...message } = written;

    return { duplicate: false, customerId, conversationId, message, taskId };
  }
}

export interface KnownIdentity {
  kind: IdentityKind;
  value: string;
  customer_id: string;
  /** The customer already has a display name: a returning visitor's name needs no write. */
  customer_named: boolean;
}

/** Which of these identities already belong to a customer. */
export async function knownIdentities(db: Db | Tx, identities: { kind: IdentityKind; value: string }[]): Promise<KnownIdentity[]> {
  if (identities.length === 0) return [];
  return db
    .selectFrom('customer_identities')
    .innerJoin('customers', 'customers.id', 'customer_identities.customer_id')
    .select(['customer_identities.kind', 'customer_identities.value', 'customer_identities.customer_id', sql<boolean>`customers.display_name is not null`.as('customer_named')])
    .where((eb) => eb.or(identities.map((i) => eb.and([eb('customer_identities.kind', '=', i.kind), eb('customer_identities.value', '=', i.value)]))))
    .execute();
}

/**
 * The first identity already known picks the customer; identities not yet claimed are attached to
 * them. `known` is what `knownIdentities` returned, when the caller read it already.
 */
export async function resolveCustomer(tx: Tx, identities: { kind: IdentityKind; value: string }[], name: string | null, known?: KnownIdentity[]): Promise<string> {
  if (identities.length === 0) throw new Error('an inbound event needs at least one identity');
  known ??= await knownIdentities(tx, identities);
  let customerId: string | undefined;
  let named = false;
  for (const i of identities) {
    const k = known.find((k) => k.kind === i.kind && k.value === i.value);
    customerId = k?.customer_id;
    named = k?.customer_named ?? false;
    if (customerId) break;
  }
  const unclaimed = identities.filter((i) => !known.some((k) => k.kind === i.kind && k.value === i.value));
  const first = identities[0]!;
  if (!customerId) {
    // A new customer and its identities in one statement (one round trip).
    const claimed = await tx
      .with('c', (q) => q.insertInto('customers').values({ display_name: name }).returning('id'))
      .insertInto('customer_identities')
      .values(unclaimed.map((i) => ({ customer_id: (eb) => eb.selectFrom('c').select('c.id'), kind: i.kind, value: i.value })))
      .onConflict((oc) => oc.columns(['kind', 'value']).doNothing())
      .returning(['kind', 'value', 'customer_id'])
      .execute();
    // Our insert claimed the first identity: nobody else has it.
    const ours = claimed.find((c) => c.kind === first.kind && c.value === first.value);
    if (ours) return ours.customer_id;
  } else {
    // Only fills a missing name (never overwrites one), so a customer known to be named needs no statement.
    if (name && !named) await tx.updateTable('customers').set({ display_name: name }).where('id', '=', customerId).where('display_name', 'is', null).execute();
    if (unclaimed.length > 0) {
      await tx
        .insertInto('customer_identities')
        .values(unclaimed.map((i) => ({ customer_id: customerId, kind: i.kind, value: i.value })))
        .onConflict((oc) => oc.columns(['kind', 'value']).doNothing())
        .execute();
    }
    // The first identity was already known, so it picked the customer: no race left to settle.
    if (!unclaimed.includes(first)) return customerId;
  }
  // A concurrent first contact with the same identity may have claimed it: that customer wins.
  const owner = await tx
    .selectFrom('customer_identities')
    .select('customer_id')
    .where('kind', '=', first.kind)
    .where('value', '=', first.value)
    .executeTakeFirstOrThrow();
  return owner.customer_id;
}

type QueueChoice = Awaited<ReturnType<typeof queueFor>>;

async function queueFor(db: Db | Tx, channel: Channel, name: string | undefined) {
  const base = db.selectFrom('queues').select(['id', 'priority', 'required_skills']);
  const named = name ? await base.where('name', '=', name).where('channel', '=', channel).executeTakeFirst() : undefined;
  return named ?? (await base.where('channel', '=', channel).where('is_default', '=', true).executeTakeFirstOrThrow());
}

/** The adapter's threading hint, when it is an open conversation of this customer on this channel. */
async function threadedConversation(tx: Tx, id: string | null | undefined, customerId: string, channel: Channel): Promise<string | null> {
  if (!id) return null;
  const row = await tx
    .selectFrom('conversations')
    .select('id')
    .where('id', '=', id)
    .where('customer_id', '=', customerId)
    .where('channel', '=', channel)
    .where('status', '=', 'open')
    .executeTakeFirst();
  return row?.id ?? null;
}

async function openConversation(tx: Tx, customerId: string, channel: Channel, queueId: string): Promise<string> {
  const values = { customer_id: customerId, channel, queue_id: queueId, assigned_agent_id: null, closed_at: null };
  // Email threads by its headers: mail that matched no thread starts a conversation of its own
  // (several open email threads per customer; migrations/0004_email.sql).
  if (channel === 'email') return (await tx.insertInto('conversations').values(values).returning('id').executeTakeFirstOrThrow()).id;
  // The open conversation, or a new one when there is none, in one statement: most messages
  // continue a conversation, and a separate look-up first would cost a first message a round trip.
  const found = await tx
    .with('existing', (q) => q.selectFrom('conversations').select('id').where('customer_id', '=', customerId).where('channel', '=', channel).where('status', '=', 'open'))
    .with('inserted', (q) =>
      q
        .insertInto('conversations')
        .columns(['customer_id', 'channel', 'queue_id', 'assigned_agent_id', 'closed_at'])
        .expression(
          q
            .selectNoFrom([
              sql<string>`${values.customer_id}::uuid`.as('customer_id'),
              sql<Channel>`${values.channel}::text`.as('channel'),
              sql<string>`${values.queue_id}::uuid`.as('queue_id'),
              sql<string | null>`null::uuid`.as('assigned_agent_id'),
              sql<Date | null>`null::timestamptz`.as('closed_at'),
            ])
            .where((eb) => eb.not(eb.exists(eb.selectFrom('existing').select('existing.id')))),
        )
        // The predicate must match the partial unique index conversations_open_per_channel.
        .onConflict((oc) => oc.columns(['customer_id', 'channel']).where('status', '=', 'open').where('channel', '<>', 'email').doNothing())
        .returning('id'),
    )
    .selectFrom('existing')
    .select('existing.id')
    .unionAll((eb) => eb.selectFrom('inserted').select('inserted.id'))
    .executeTakeFirst();
  if (found) return found.id;
  // Another first message of this customer opened it after this statement's snapshot was taken.
  const open = await tx
    .selectFrom('conversations')
    .select('id')
    .where('customer_id', '=', customerId)
    .where('channel', '=', channel)
    .where('status', '=', 'open')
    .executeTakeFirstOrThrow();
  return open.id;
}
