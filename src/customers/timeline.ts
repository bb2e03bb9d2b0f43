// The customer's messages across every conversation and channel, newest first,
// paged by a cursor on (created_at, id). New messages arriving between pages are
// newer than any cursor already handed out, so older pages neither repeat nor
// skip a message (an offset would shift by one per new message).
import { sql } from 'kysely';
import { z } from 'zod';
import { customerSummary, toMessageDto } from '../conversations/dto.js';
import type { Db } from '../db/index.js';
import type { TimelineItemDto, TimelinePageDto } from './contracts.js';

export interface TimelineCursor {
  /** created_at with the database's microseconds, as an ISO string (a JS Date would round to ms and lose rows). */
  at: string;
  id: string;
}

const cursorShape = z.object({ at: z.string().regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/), id: z.uuid() });

export function encodeCursor(c: TimelineCursor): string {
  return Buffer.from(`${c.at}|${c.id}`, 'utf8').toString('base64url');
}

/** The cursor, or null when it is not one of ours (the route answers 400 naming `before`). */
export function decodeCursor(raw: string): TimelineCursor | null {
  const text = Buffer.from(raw, 'base64url').toString('utf8');
  const [at, id] = text.split('|');
  const parsed = cursorShape.safeParse({ at, id });
  return parsed.success ? parsed.data : null;
}

export const timelinePageQuery = z.object({
  before: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return null;
      const c = decodeCursor(v);
      if (!c) ctx.addIssue({ code: 'custom', message: 'not a timeline cursor (use nextCursor from the previous page)' });
      return c;
    }),
  limit: z.coerce.number().int('must be a whole number').min(1, 'must be at least 1').max(200, 'must be at most 200').default(50),
  /** Leave out one conversation: the one the agent already has open, whose messages the conversation view shows itself. */
  exclude: z.uuid('must be a conversation id').optional(),
});

/** True when the caller asked for the paged form (the plain call keeps its old whole-history answer). */
export function wantsTimelinePage(query: Record<string, unknown>): boolean {
  return query['before'] !== undefined || query['limit'] !== undefined || query['exclude'] !== undefined;
}

export async function timelinePage(db: Db, customerId: string, page: { before: TimelineCursor | null; limit: number; exclude?: string | undefined }): Promise<TimelinePageDto> {
  let q = db
    .selectFrom('messages')
    .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
    .leftJoin('users', 'users.id', 'messages.author_user_id')
    .selectAll('messages')
    .select([
      'users.name as author_name',
      'conversations.status as conversation_status',
      'conversations.created_at as conversation_created_at',
      sql<string>`to_char(messages.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`.as('at_exact'),
    ])
    .where('conversations.customer_id', '=', customerId);
  if (page.before) {
    q = q.where(sql<boolean>`(messages.created_at, messages.id) < (${page.before.at}::timestamptz, ${page.before.id}::uuid)`);
  }
  if (page.exclude) q = q.where('conversations.id', '!=', page.exclude);
  // One more than asked tells whether an older page exists.
  const rows = await q.orderBy('messages.created_at', 'desc').orderBy('messages.id', 'desc').limit(page.limit + 1).execute();
  const more = rows.length > page.limit;
  const shown = rows.slice(0, page.limit);
  const items: TimelineItemDto[] = shown.map(({ author_name, conversation_status, conversation_created_at, at_exact: _exact, ...m }) => ({
    ...toMessageDto(m, author_name),
    conversation: { id: m.conversation_id, channel: m.channel, status: conversation_status, createdAt: conversation_created_at.toISOString() },
  }));
  const last = shown[shown.length - 1];
  return {
    customer: await customerSummary(db, customerId),
    items,
    nextCursor: more && last ? encodeCursor({ at: last.at_exact, id: last.id }) : null,
  };
}
