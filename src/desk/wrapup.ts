// Disposition codes on close: the close route and PUT …/wrap-up both check the
// code here (unknown or inactive → 400 naming the field) and record it here.
import { z } from 'zod';
import { audit } from '../audit.js';
import type { Db } from '../db/index.js';
import { AppError } from '../errors.js';

/** Optional body of POST /api/conversations/:id/close. */
export const closeWrapUpSchema = z.object({
  dispositionCode: z.string().trim().toLowerCase().min(1, 'disposition code is empty').max(40).optional(),
  wrapUpNote: z.string().trim().max(2000, 'wrap-up note is longer than 2000 characters').optional(),
});
export type CloseWrapUp = z.infer<typeof closeWrapUpSchema>;

export interface ResolvedWrapUp {
  dispositionId: string;
  code: string;
  note: string | null;
}

const fieldError = (path: string, message: string) => new AppError(400, 'invalid_request', `${path}: ${message}`, [{ path, message }]);

/** Checks the code before anything changes; null when no wrap-up was given. */
export async function resolveWrapUp(db: Db, input: CloseWrapUp): Promise<ResolvedWrapUp | null> {
  const note = input.wrapUpNote ? input.wrapUpNote : null;
  if (!input.dispositionCode) {
    if (note) throw fieldError('body.dispositionCode', 'a wrap-up note needs a disposition code');
    return null;
  }
  const row = await db.selectFrom('dispositions').select(['id', 'code', 'active']).where('code', '=', input.dispositionCode).executeTakeFirst();
  if (!row) throw fieldError('body.dispositionCode', `unknown disposition code "${input.dispositionCode}"`);
  if (!row.active) throw fieldError('body.dispositionCode', `disposition code "${row.code}" is no longer active`);
  return { dispositionId: row.id, code: row.code, note };
}

/** One wrap-up per conversation: a later one (a correction) replaces it. */
export async function recordWrapUp(db: Db, conversationId: string, agentId: string, wrapUp: ResolvedWrapUp): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await tx
      .insertInto('conversation_wrap_ups')
      .values({ conversation_id: conversationId, disposition_id: wrapUp.dispositionId, note: wrapUp.note, agent_id: agentId })
      .onConflict((oc) => oc.column('conversation_id').doUpdateSet({ disposition_id: wrapUp.dispositionId, note: wrapUp.note, agent_id: agentId, updated_at: new Date() }))
      .execute();
    await audit(tx, { actorUserId: agentId, action: 'conversation.wrap_up', subjectType: 'conversation', subjectId: conversationId, data: { disposition: wrapUp.code } });
  });
}
