/**
 * Imports a contact-list CSV into a campaign. Lines are sorted by csv-rows.ts; here, per batch of up
 * to BATCH_SIZE contacts and in one transaction each: numbers on the do-not-call list are counted and
 * left out, numbers already in the campaign are duplicates, every other contact is linked to the
 * customer who owns its phone identity (created if new, so each attempt can land on a timeline) and
 * inserted; then the import's counters and report are written, so a console polling it sees progress.
 *
 * A failure part-way leaves the batches already committed in place and the import 'failed' with the
 * reason; importing the same file again is safe (what is in already comes back as duplicates).
 */
import { randomUUID } from 'node:crypto';
import type { CountryCode } from 'libphonenumber-js';
import type { Db, Tx } from '../../db/index.js';
import type { Logger } from '../../logger.js';
import { numberedLines, RowSorter, type ParsedContact } from './csv-rows.js';
import { dncAmong } from './dnc.js';
import type { ImportRowProblem } from './schema.js';

export const BATCH_SIZE = 500;
/** Problems kept in the stored report; the counters stay exact beyond it. */
export const REPORT_CAP = 2000;

export interface ImportJob {
  db: Db;
  log: Logger;
  campaignId: string;
  importId: string;
  defaultRegion: CountryCode;
  /** The CSV text, whole or in chunks. */
  source: string | AsyncIterable<string> | Iterable<string>;
  batchSize?: number;
}

interface Progress {
  total: number;
  imported: number;
  invalid: number;
  duplicates: number;
  dnc: number;
  report: ImportRowProblem[];
}

const INVALID_REASONS = new Set<ImportRowProblem['reason']>(['invalid-number', 'invalid-time-zone', 'missing-phone', 'malformed-row']);

/** Runs the import to its end; never throws (the outcome is on the import row). */
export async function runImport(job: ImportJob): Promise<void> {
  const { db, importId } = job;
  const batchSize = job.batchSize ?? BATCH_SIZE;
  const sorter = new RowSorter(job.defaultRegion);
  const progress: Progress = { total: 0, imported: 0, invalid: 0, duplicates: 0, dnc: 0, report: [] };
  let batch: ParsedContact[] = [];
  let unsaved: ImportRowProblem[] = [];

  const note = (problem: ImportRowProblem) => {
    if (problem.reason === 'duplicate') progress.duplicates += 1;
    else if (problem.reason === 'do-not-call') progress.dnc += 1;
    else if (INVALID_REASONS.has(problem.reason)) progress.invalid += 1;
    if (progress.report.length + unsaved.length < REPORT_CAP) unsaved.push(problem);
  };

  const flush = async () => {
    const contacts = batch;
    batch = [];
    await db.transaction().execute(async (tx) => {
      if (contacts.length > 0) {
        const { inserted, problems } = await insertBatch(tx, job, contacts);
        progress.imported += inserted;
        problems.forEach(note);
      }
      progress.total = sorter.total;
      progress.report = [...progress.report, ...unsaved].sort((a, b) => a.line - b.line);
      unsaved = [];
      await saveProgress(tx, importId, progress);
    });
  };

  try {
    const chunks = typeof job.source === 'string' ? [job.source] : job.source;
    for await (const [line, lineNo] of numberedLines(chunks)) {
      const outcome = sorter.push(line, lineNo);
      if (sorter.headerError) return await finish(db, importId, 'failed', sorter.headerError);
      if (outcome === null) continue;
      if (outcome.kind === 'problem') note(outcome.problem);
      else batch.push(outcome.contact);
      if (batch.length >= batchSize || unsaved.length >= batchSize) await flush();
    }
    if (!sorter.headerRead) return await finish(db, importId, 'failed', 'the file is empty: a header row with a "phone" column is needed');
    await flush();
    await finish(db, importId, 'done', null);
    job.log.info({ importId, campaignId: job.campaignId, ...progress, report: undefined }, 'dialer import done');
  } catch (err) {
    job.log.error({ err, importId }, 'dialer import failed');
    await finish(db, importId, 'failed', 'the import stopped on a server error: rows saved so far are kept; upload the file again to finish').catch(() => undefined);
  }
}

async function insertBatch(tx: Tx, job: ImportJob, contacts: ParsedContact[]): Promise<{ inserted: number; problems: ImportRowProblem[] }> {
  const problems: ImportRowProblem[] = [];
  const dnc = await dncAmong(tx, contacts.map((c) => c.phone));
  const callable = contacts.filter((c) => {
    if (!dnc.has(c.phone)) return true;
    problems.push({ line: c.line, reason: 'do-not-call', value: c.phone });
    return false;
  });
  if (callable.length === 0) return { inserted: 0, problems };
  const customers = await linkCustomers(tx, callable);
  const rows = await tx
    .insertInto('dialer_contacts')
    .values(
      callable.map((c) => ({
        campaign_id: job.campaignId,
        phone: c.phone,
        name: c.name,
        time_zones: c.timeZones,
        fields: JSON.stringify(c.fields),
        customer_id: customers.get(c.phone) ?? null,
        import_id: job.importId,
        line: c.line,
      })),
    )
    .onConflict((oc) => oc.columns(['campaign_id', 'phone']).doNothing())
    .returning('phone')
    .execute();
  const fresh = new Set(rows.map((r) => r.phone));
  for (const c of callable) if (!fresh.has(c.phone)) problems.push({ line: c.line, reason: 'duplicate', value: `${c.phone} (already in the campaign)` });
  return { inserted: rows.length, problems };
}

/**
 * The customer owning each phone identity, creating customers for numbers never seen. Several
 * importers (or an SMS arriving) may claim the same number at once: the identity's unique key decides,
 * and customers created here that lost are removed again.
 */
export async function linkCustomers(tx: Tx, contacts: readonly { phone: string; name: string | null }[]): Promise<Map<string, string>> {
  const phones = contacts.map((c) => c.phone);
  const owners = async () =>
    new Map(
      (await tx.selectFrom('customer_identities').select(['value', 'customer_id']).where('kind', '=', 'phone').where('value', 'in', phones).execute()).map((r) => [
        r.value,
        r.customer_id,
      ]),
    );
  const known = await owners();
  const missing = contacts.filter((c) => !known.has(c.phone));
  if (missing.length === 0) return known;
  const created = missing.map((c) => ({ id: randomUUID(), phone: c.phone, name: c.name }));
  await tx
    .insertInto('customers')
    .values(created.map((c) => ({ id: c.id, display_name: c.name })))
    .execute();
  await tx
    .insertInto('customer_identities')
    .values(created.map((c) => ({ customer_id: c.id, kind: 'phone' as const, value: c.phone })))
    .onConflict((oc) => oc.columns(['kind', 'value']).doNothing())
    .execute();
  const final = await owners();
  const lost = created.filter((c) => final.get(c.phone) !== c.id).map((c) => c.id);
  if (lost.length > 0) await tx.deleteFrom('customers').where('id', 'in', lost).execute();
  return final;
}

async function saveProgress(tx: Tx, importId: string, p: Progress): Promise<void> {
  await tx
    .updateTable('dialer_imports')
    .set({ total: p.total, imported: p.imported, invalid: p.invalid, duplicates: p.duplicates, dnc: p.dnc, report: JSON.stringify(p.report) })
    .where('id', '=', importId)
    .execute();
}

async function finish(db: Db, importId: string, status: 'done' | 'failed', error: string | null): Promise<void> {
  await db.updateTable('dialer_imports').set({ status, error, finished_at: new Date() }).where('id', '=', importId).execute();
}
