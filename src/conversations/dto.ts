import { sql, type RawBuilder } from 'kysely';
import type { ConversationDto, CustomerSummary, MessageDto } from '../contracts/index.js';
import type { Db, Tx } from '../db/index.js';
import type { MessageRow } from '../db/schema.js';

type Q = Db | Tx;

export function toMessageDto(row: MessageRow, authorName: string | null = null): MessageDto {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    seq: row.seq,
    channel: row.channel,
    from: row.sender,
    authorName,
    body: row.body,
    status: row.status,
    statusReason: row.status_reason,
    at: row.created_at.toISOString(),
    metadata: row.metadata,
  };
}

export async function customerSummary(db: Q, customerId: string): Promise<CustomerSummary> {
  const customer = await db
    .selectFrom('customers')
    .select(['id', 'display_name', 'profile', readableIdentities(sql.ref('customers.id')).as('identities')])
    .where('id', '=', customerId)
    .executeTakeFirstOrThrow();
  return { id: customer.id, name: customer.display_name, identities: customer.identities, unverifiedEmail: customer.profile.email ?? null };
}

/**
 * A customer's identities as a subquery (one JSON array, oldest first), so a DTO with its customer
 * is one query. A visitor identity is a token hash: nothing a human needs, so it is left out.
 */
export function readableIdentities(customerId: RawBuilder<unknown>): RawBuilder<CustomerSummary['identities']> {
  return sql<CustomerSummary['identities']>`(
    select coalesce(json_agg(json_build_object('kind', ci.kind, 'value', ci.value) order by ci.created_at, ci.id), '[]'::json)
    from customer_identities ci where ci.customer_id = ${customerId} and ci.kind <> 'visitor')`;
}

export async function conversationDto(db: Q, conversationId: string): Promise<ConversationDto | null> {
  const row = await db
    .selectFrom('conversations')
    .leftJoin('queues', 'queues.id', 'conversations.queue_id')
    .innerJoin('customers', 'customers.id', 'conversations.customer_id')
    .selectAll('conversations')
    .select(['queues.name as queue_name', 'customers.display_name', 'customers.profile', readableIdentities(sql.ref('customers.id')).as('identities')])
    .where('conversations.id', '=', conversationId)
    .executeTakeFirst();
  if (!row) return null;
  return {
    id: row.id,
    channel: row.channel,
    status: row.status,
    queue: row.queue_name,
    customer: { id: row.customer_id, name: row.display_name, identities: row.identities, unverifiedEmail: row.profile.email ?? null },
    assignedAgentId: row.assigned_agent_id,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export async function conversationMessages(db: Q, conversationId: string, afterSeq = 0): Promise<MessageDto[]> {
  const rows = await db
    .selectFrom('messages')
    .leftJoin('users', 'users.id', 'messages.author_user_id')
    .selectAll('messages')
    .select('users.name as author_name')
    .where('messages.conversation_id', '=', conversationId)
    .where('messages.seq', '>', afterSeq)
    .orderBy('messages.seq')
    .execute();
  return rows.map((r) => toMessageDto(r, r.author_name));
}

export async function messageDto(db: Q, messageId: string): Promise<MessageDto> {
  const r = await db
    .selectFrom('messages')
    .leftJoin('users', 'users.id', 'messages.author_user_id')
    .selectAll('messages')
    .select('users.name as author_name')
    .where('messages.id', '=', messageId)
    .executeTakeFirstOrThrow();
  return toMessageDto(r, r.author_name);
}

/**
 * The message and the agent its conversation is assigned to now, in one read: the live fan-out of
 * every new message and delivery state asks both, and the agent may change between messages.
 * Null when the conversation has no agent (nobody to tell).
 */
export async function messageForAssignedAgent(db: Q, messageId: string): Promise<{ agentId: string; message: MessageDto } | null> {
  const r = await db
    .selectFrom('messages')
    .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
    .leftJoin('users', 'users.id', 'messages.author_user_id')
    .selectAll('messages')
    .select(['users.name as author_name', 'conversations.assigned_agent_id as conversation_agent_id'])
    .where('messages.id', '=', messageId)
    .where('conversations.assigned_agent_id', 'is not', null)
    .executeTakeFirst();
  if (!r?.conversation_agent_id) return null;
  const { author_name: authorName, conversation_agent_id: agentId, ...row } = r;
  return { agentId, message: toMessageDto(row, authorName) };
}
