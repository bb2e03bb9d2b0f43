// Customers REST: search, detail, merge candidates, merge and undo. The paged
// timeline lives beside the original one (GET /api/customers/:id/timeline).
//
// Who may do what: every staff role may search customers, read a customer's
// identities, candidates and merge history, merge and undo (the actor is
// recorded and audited). Reading messages stays as before: an agent reads the
// timeline only of a customer with a conversation assigned to them.
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { parse, requireRole, STAFF, userOf, uuidParam } from '../api/validate.js';
import type { Db } from '../db/index.js';
import type { Logger } from '../logger.js';
import { hashVisitorToken } from '../domain/identity.js';
import { notFound } from '../errors.js';
import { mergeCandidates } from './candidates.js';
import type { CustomerDetailDto } from './contracts.js';
import { mergeCustomers, mergeRecords, undoMerge, type MergeOutcome } from './merge.js';
import { listItems, searchCustomers } from './search.js';
import { parseSearchQuery, phoneRegion } from './search-query.js';

const searchQuery = z.object({
  q: z.string().max(200, 'must be at most 200 characters').default(''),
  limit: z.coerce.number().int('must be a whole number').min(1, 'must be at least 1').max(100, 'must be at most 100').default(25),
  offset: z.coerce.number().int('must be a whole number').min(0, 'must not be negative').max(10_000, 'must be at most 10000').default(0),
});

const mergeBody = z.strictObject({ mergedId: z.uuid('must be a customer id') });
const mergeIdParam = z.object({ mergeId: z.uuid('must be a uuid') });

/** The slice of the /chat namespace the merge needs: open widgets follow their customer. */
export interface ChatRooms {
  in(room: string): {
    socketsJoin(room: string): void;
    socketsLeave(room: string): void;
    fetchSockets(): Promise<{ handshake: { auth: Record<string, unknown> }; join(room: string): unknown; leave(room: string): unknown }[]>;
  };
}

const room = (customerId: string) => `customer:${customerId}`;

export function customersRoutes(deps: { db: Db; log: Logger; phoneRegion: string; chat?: ChatRooms }): Router {
  const r = Router();
  const { db } = deps;
  const region = phoneRegion(deps.phoneRegion);

  r.get('/api/customers', requireRole(...STAFF), async (req: Request, res: Response) => {
    const { q, limit, offset } = parse(searchQuery, req.query, 'query');
    res.json(await searchCustomers(db, parseSearchQuery(q, region), { limit, offset }));
  });

  r.get('/api/customers/:id', requireRole(...STAFF), async (req: Request, res: Response) => {
    const { id } = parse(uuidParam, req.params, 'params');
    const row = await db.selectFrom('customers').select(['id', 'profile', 'created_at', 'merged_into']).where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound('customer');
    const [item] = await listItems(db, [id]);
    const body: CustomerDetailDto = {
      customer: { ...item!, profile: row.profile, createdAt: row.created_at.toISOString() },
      mergedInto: row.merged_into,
      merges: await mergeRecords(db, { survivorId: id }),
    };
    res.json(body);
  });

  r.get('/api/customers/:id/merge-candidates', requireRole(...STAFF), async (req: Request, res: Response) => {
    const { id } = parse(uuidParam, req.params, 'params');
    const exists = await db.selectFrom('customers').select('id').where('id', '=', id).executeTakeFirst();
    if (!exists) throw notFound('customer');
    res.json({ candidates: await mergeCandidates(db, id, region) });
  });

  // Widgets open during a merge keep receiving replies: the merged customer's
  // room joins the survivor's; an undo takes it back out.
  // A widget of the merged customer that connected after the merge sits in the
  // survivor's room only: it is found by its visitor token and moved back.
  const followMerge = async (o: MergeOutcome, undone: boolean) => {
    const chat = deps.chat;
    if (!chat) return;
    if (!undone) {
      chat.in(room(o.mergedId)).socketsJoin(room(o.survivorId));
      return;
    }
    chat.in(room(o.mergedId)).socketsLeave(room(o.survivorId));
    const visitors = await db.selectFrom('customer_identities').select('value').where('customer_id', '=', o.mergedId).where('kind', '=', 'visitor').execute();
    if (visitors.length === 0) return;
    const hashes = new Set(visitors.map((v) => v.value));
    for (const socket of await chat.in(room(o.survivorId)).fetchSockets()) {
      const token = socket.handshake.auth['visitorToken'];
      if (typeof token === 'string' && hashes.has(hashVisitorToken(token))) {
        socket.leave(room(o.survivorId));
        socket.join(room(o.mergedId));
      }
    }
  };

  r.post('/api/customers/:id/merge', requireRole(...STAFF), async (req: Request, res: Response) => {
    const { id } = parse(uuidParam, req.params, 'params');
    const { mergedId } = parse(mergeBody, req.body);
    const outcome = await mergeCustomers(db, { survivorId: id, mergedId, actorId: userOf(req).id, region });
    await followMerge(outcome, false).catch((err: unknown) => deps.log.warn({ err, mergeId: outcome.merge.id }, 'moving chat widgets after a merge failed'));
    res.status(201).json({ merge: outcome.merge });
  });

  r.post('/api/customers/merges/:mergeId/undo', requireRole(...STAFF), async (req: Request, res: Response) => {
    const { mergeId } = parse(mergeIdParam, req.params, 'params');
    const outcome = await undoMerge(db, { mergeId, actorId: userOf(req).id });
    await followMerge(outcome, true).catch((err: unknown) => deps.log.warn({ err, mergeId }, 'moving chat widgets back after an undo failed'));
    res.json({ merge: outcome.merge });
  });

  return r;
}
