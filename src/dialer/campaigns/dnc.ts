/**
 * The company do-not-call list. A number on it is never dialled (the runtime checks it per call); adding
 * one also takes it out of every campaign's pending contacts at once (status 'dnc'), so lists and counts
 * say so before the dialer gets there.
 *
 * Sources: 'company' (a supervisor), 'api' (an integration), 'keypress' (the opt-out in the recorded
 * message), 'sms' (SMS STOP). An SMS START undoes only what SMS STOP did: a row from any other source
 * stays, and a number on the list for another reason that later texts STOP keeps its stronger source.
 */
import { sql } from 'kysely';
import type { Db, Tx } from '../../db/index.js';
import type { DncSource } from './schema.js';

type Q = Db | Tx;

export interface DncEntry {
  phone: string;
  source: DncSource;
  reason: string | null;
  addedBy: string | null;
  createdAt: string;
}

/** Adds numbers (E.164); returns how many were new and how many pending contacts it stopped. */
export async function addToDnc(
  db: Q,
  phones: readonly string[],
  entry: { source: DncSource; reason?: string | null; addedBy?: string | null },
): Promise<{ added: number; contactsStopped: number }> {
  const unique = [...new Set(phones)];
  if (unique.length === 0) return { added: 0, contactsStopped: 0 };
  let added = 0;
  let contactsStopped = 0;
  for (let i = 0; i < unique.length; i += 1000) {
    const batch = unique.slice(i, i + 1000);
    const rows = await db
      .insertInto('dialer_dnc')
      .values(batch.map((phone) => ({ phone, source: entry.source, reason: entry.reason ?? null, added_by: entry.addedBy ?? null })))
      // An opt-out by SMS alone becomes a company (or keypress, api) entry, which START cannot undo.
      .onConflict((oc) =>
        entry.source === 'sms'
          ? oc.column('phone').doNothing()
          : oc.column('phone').doUpdateSet({ source: entry.source, reason: entry.reason ?? null, added_by: entry.addedBy ?? null }).where('dialer_dnc.source', '=', 'sms'),
      )
      .returning(sql<boolean>`(xmax = 0)`.as('inserted'))
      .execute();
    added += rows.filter((r) => r.inserted).length;
    const stopped = await db
      .updateTable('dialer_contacts')
      .set({ status: 'dnc', updated_at: new Date() })
      .where('phone', 'in', batch)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    contactsStopped += Number(stopped.numUpdatedRows);
  }
  return { added, contactsStopped };
}

/** Removes a number; with `onlySource`, only an entry from that source. True when a row went. */
export async function removeFromDnc(db: Q, phone: string, onlySource?: DncSource): Promise<boolean> {
  let q = db.deleteFrom('dialer_dnc').where('phone', '=', phone);
  if (onlySource) q = q.where('source', '=', onlySource);
  const r = await q.executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/**
 * SMS STOP / START from `phone`, inside the transaction that records the SMS opt-out state.
 * STOP: on the list as 'sms'. START: off the list only if SMS put it there.
 */
export async function applySmsOpt(tx: Q, phone: string, optedOut: boolean): Promise<void> {
  if (optedOut) await addToDnc(tx, [phone], { source: 'sms', reason: 'SMS STOP' });
  else await removeFromDnc(tx, phone, 'sms');
}

/** The numbers among `phones` that are on the list. */
export async function dncAmong(db: Q, phones: readonly string[]): Promise<Set<string>> {
  if (phones.length === 0) return new Set();
  const rows = await db.selectFrom('dialer_dnc').select('phone').where('phone', 'in', phones).execute();
  return new Set(rows.map((r) => r.phone));
}

export async function listDnc(db: Q, opts: { search?: string; limit: number; after?: string }): Promise<{ entries: DncEntry[]; nextCursor: string | null }> {
  let q = db.selectFrom('dialer_dnc').selectAll().orderBy('phone').limit(opts.limit + 1);
  if (opts.search) q = q.where('phone', 'like', `%${opts.search.replace(/[%_\\]/g, '')}%`);
  if (opts.after) q = q.where('phone', '>', opts.after);
  const rows = await q.execute();
  const page = rows.slice(0, opts.limit);
  return {
    entries: page.map((r) => ({ phone: r.phone, source: r.source, reason: r.reason, addedBy: r.added_by, createdAt: r.created_at.toISOString() })),
    nextCursor: rows.length > opts.limit ? page[page.length - 1]!.phone : null,
  };
}
