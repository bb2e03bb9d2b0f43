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
  const customer = await db.selectFrom('customers').select(['id', 'display_name', 'profile']).where('id', '=', customerId).executeTakeFirstOrThrow();
  const identities = await db
    .selectFrom('customer_identities')
    .select(['kind', 'value'])
    .where('customer_id', '=', customerId)
    .where('kind', '!=', 'visitor') // a visitor identity is a token hash: nothing a human needs
    .orderBy('created_at')
    .execute();
  return { id: customer.id, name: customer.display_name, identities, unverifiedEmail: customer.profile.email ?? null };
}

export async function conversationDto(db: Q, conversationId: string): Promise<ConversationDto | null> {
  const row = await db
    .selectFrom('conversations')
    .leftJoin('queues', 'queues.id', 'conversations.queue_id')
    .selectAll('conversations')
    .select('queues.name as queue_name')
    .where('conversations.id', '=', conversationId)
    .executeTakeFirst();
  if (!row) return null;
  return {
    id: row.id,
    channel: row.channel,
    status: row.status,
    queue: row.queue_name,
    customer: await customerSummary(db, row.customer_id),
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
