// Disposition codes on close: the close route and PUT …/wrap-up both check the
// code here (unknown or inactive → 400 naming the field) and record it here,
// and the close route asks here whether a code is required.
import { z } from 'zod';
import { audit } from '../audit.js';
import type { Db, Tx } from '../db/index.js';
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

/**
 * The center-wide switch "a disposition is required to close". One switch, not
 * one per queue, because the codes themselves are one center-wide list that
 * reports group by: an operator who wants outcomes counted wants them on every
 * conversation an agent closes. Kept in `settings`; off on a fresh install.
 */
export const DISPOSITION_REQUIRED_KEY = 'desk.disposition_required';

export async function dispositionRequired(db: Db | Tx): Promise<boolean> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', DISPOSITION_REQUIRED_KEY).executeTakeFirst();
  return row?.value === 'true';
}

/** Turns the requirement on or off (admin); on needs at least one active code to choose from. */
export async function setDispositionRequired(db: Db, required: boolean, actorUserId: string): Promise<void> {
  await db.transaction().execute(async (tx) => {
    if (required) {
      const active = await tx.selectFrom('dispositions').select('id').where('active', '=', true).executeTakeFirst();
      if (!active) throw fieldError('body.dispositionRequired', 'add an active disposition code first: agents could not close anything');
    }
    await tx
      .insertInto('settings')
      .values({ key: DISPOSITION_REQUIRED_KEY, value: String(required), updated_at: new Date() })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: String(required), updated_at: new Date() }))
      .execute();
    await audit(tx, { actorUserId, action: 'desk.settings', subjectType: 'settings', subjectId: DISPOSITION_REQUIRED_KEY, data: { dispositionRequired: required } });
  });
}

/** What the close route knows about the conversation when it asks (see closeChecks in src/api/conversations-routes.ts). */
export interface DispositionFacts {
  status: string;
  /** The center's switch (DISPOSITION_REQUIRED_KEY) as stored now, read in the same statement as the conversation. */
  dispositionRequired: boolean;
  hasDisposition: boolean;
  anyActiveDisposition: boolean;
}

/**
 * Refuses a person's close without a disposition when the center requires one
 * (400 naming `body.dispositionCode`). Only the close route asks: the hub's own
 * closes (a caller hanging up, the dialer's calls, a customer leaving) go
 * straight to the routing runtime and are never blocked; the agent records the
 * outcome afterwards with PUT …/wrap-up. Not required when the conversation is
 * already closed (nothing to close), already has a wrap-up (recorded during the
 * call), or when no code is active (nothing could satisfy it).
 *
 * Takes facts read with the conversation rather than reading the setting: the
 * switch is read fresh on every close (no cache that another process's PUT
 * /api/desk/settings would have to invalidate) at no extra round trip.
 */
export function requireDispositionToClose(facts: DispositionFacts, wrapUp: ResolvedWrapUp | null): void {
  if (wrapUp || !facts.dispositionRequired) return;
  if (facts.status !== 'open' || facts.hasDisposition || !facts.anyActiveDisposition) return;
  const message = 'choose a disposition code: this center requires one to close a conversation';
  throw new AppError(400, 'disposition_required', `body.dispositionCode: ${message}`, [{ path: 'body.dispositionCode', message }]);
}
