// /api/dialer/…: campaigns (supervisors and admins manage, agents read), contact-list imports (CSV
// bodies, run in the background and polled), contacts, and the do-not-call list. Every change is audited.
import express, { Router, type Request, type Response } from 'express';
import { isSupportedCountry, type CountryCode } from 'libphonenumber-js';
import { sql } from 'kysely';
import { z } from 'zod';
import { parse, requireRole, STAFF, userOf, uuidParam } from '../../api/validate.js';
import { audit } from '../../audit.js';
import type { Db } from '../../db/index.js';
import { AppError, conflict, notFound } from '../../errors.js';
import type { InFlight } from '../../lifecycle.js';
import type { Logger } from '../../logger.js';
import { defaultRegionFor, normaliseNumber, numberedLines, splitCsvLine } from './csv-rows.js';
import { addToDnc, listDnc, removeFromDnc } from './dnc.js';
import { runImport } from './import.js';
import type { ContactStatus } from './schema.js';
import { campaignById, campaignDto, campaignFromRow, columnsOf, contactCounts, settingsOf, type Campaign } from './store.js';
import { campaignPatchSchema, campaignSchema } from './validation.js';

export const CSV_LIMIT_BYTES = 20 * 1024 * 1024;
const CSV_TYPES = ['text/csv', 'text/plain', 'application/csv', 'application/vnd.ms-excel'];
const MANAGERS = ['supervisor', 'admin'] as const;
const CONTACT_STATUSES = ['pending', 'dialing', 'done', 'dnc', 'exhausted', 'invalid'] as const satisfies readonly ContactStatus[];

const region = z
  .string()
  .trim()
  .toUpperCase()
  .refine((r) => isSupportedCountry(r), 'must be a two-letter country code, e.g. US or GB');

export const importQuery = z.strictObject({
  defaultRegion: region.optional(),
  filename: z.string().trim().max(200).optional(),
});

export const contactsQuery = z.strictObject({
  status: z.enum(CONTACT_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.uuid('must be a cursor from a previous page').optional(),
});

export const dncBody = z.union([
  z.strictObject({
    phones: z.array(z.string().max(40)).min(1, 'give at least one number').max(10_000),
    source: z.enum(['company', 'api']).default('company'),
    reason: z.string().trim().max(500).optional(),
    defaultRegion: region.optional(),
  }),
  z.strictObject({
    phone: z.string().max(40),
    source: z.enum(['company', 'api']).default('company'),
    reason: z.string().trim().max(500).optional(),
    defaultRegion: region.optional(),
  }),
]);

const dncQuery = z.strictObject({
  q: z.string().trim().max(40).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().max(20).optional(),
  source: z.enum(['company', 'api']).optional(),
  reason: z.string().trim().max(500).optional(),
  defaultRegion: region.optional(),
});

export interface DialerCampaignDeps {
  db: Db;
  log: Logger;
  /** Background imports are tracked so shutdown waits for them. */
  inFlight?: InFlight;
}

export function dialerCampaignRoutes(deps: DialerCampaignDeps): Router {
  const r = Router();
  const { db } = deps;

  const load = async (id: string): Promise<Campaign> => {
    const c = await campaignById(db, id);
    if (!c) throw notFound('campaign');
    return c;
  };
  const withCounts = async (c: Campaign) => campaignDto(c, (await contactCounts(db, [c.id])).get(c.id)!);

  /** The campaign's queue must be a voice queue: its agents take the calls. */
  const checkQueue = async (queueId: string, status = 400) => {
    const q = await db.selectFrom('queues').select(['channel']).where('id', '=', queueId).executeTakeFirst();
    const message = !q ? 'no such queue' : q.channel !== 'voice' ? `must be a voice queue (this one is ${q.channel})` : null;
    if (message) throw new AppError(status, status === 400 ? 'invalid_request' : 'cannot_start', `body.queueId: ${message}`, [{ path: 'body.queueId', message }]);
  };
  const nameFree = async (name: string, except?: string) => {
    let q = db.selectFrom('dialer_campaigns').select('id').where('name', '=', name);
    if (except) q = q.where('id', '<>', except);
    if (await q.executeTakeFirst()) throw conflict('name_taken', `a campaign named ${name} already exists`);
  };

  r.get('/api/dialer/campaigns', requireRole(...STAFF), async (_req: Request, res: Response) => {
    const rows = await db.selectFrom('dialer_campaigns').selectAll().orderBy('created_at', 'desc').execute();
    const counts = await contactCounts(db, rows.map((c) => c.id));
    res.json({ campaigns: rows.map((row) => campaignDto(campaignFromRow(row), counts.get(row.id)!)) });
  });

  r.post('/api/dialer/campaigns', requireRole(...MANAGERS), async (req: Request, res: Response) => {
    const body = parse(campaignSchema, req.body);
    await checkQueue(body.queueId);
    await nameFree(body.name);
    const user = userOf(req);
    const id = await db.transaction().execute(async (tx) => {
      const row = await tx
        .insertInto('dialer_campaigns')
        .values({ ...columnsOf(body), created_by: user.id })
        .returning('id')
        .executeTakeFirstOrThrow();
      await audit(tx, { actorUserId: user.id, action: 'dialer.campaign.create', subjectType: 'dialer_campaign', subjectId: row.id, data: { name: body.name, ruleSet: body.ruleSet, mode: body.mode } });
      return row.id;
    });
    res.status(201).json({ campaign: await withCounts(await load(id)) });
  });

  r.get('/api/dialer/campaigns/:id', requireRole(...STAFF), async (req: Request, res: Response) => {
    const { id } = parse(uuidParam, req.params, 'params');
    res.json({ campaign: await withCounts(await load(id)) });
  });

  r.patch('/api/dialer/campaigns/:id', requireRole(...MANAGERS), async (req: Request, res: Response) => {
    const { id } = parse(uuidParam, req.params, 'params');
    const patch = parse(campaignPatchSchema, req.body);
    const current = await load(id);
    if (current.status !== 'draft' && current.status !== 'paused') throw conflict('not_editable', `a ${current.status} campaign cannot be changed: pause it first`);
    // The merged campaign must pass the same checks as a new one; errors still name the body's fields.
    const merged = parse(campaignSchema, { ...settingsOf(current), ...patch });
    if (patch.queueId) await checkQueue(merged.queueId);
    if (patch.name) await nameFree(merged.name, id);
    const user = userOf(req);
    await db.transaction().execute(async (tx) => {
      const updated = await tx
        .updateTable('dialer_campaigns')
        .set({ ...columnsOf(merged), updated_at: new Date() })
        .where('id', '=', id)
        .where('status', 'in', ['draft', 'paused'])
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) === 0) throw conflict('not_editable', 'the campaign was started meanwhile: pause it first');
      await audit(tx, { actorUserId: user.id, action: 'dialer.campaign.update', subjectType: 'dialer_campaign', subjectId: id, data: { changed: Object.keys(patch) } });
    });
    res.json({ campaign: await withCounts(await load(id)) });
  });

  r.post('/api/dialer/campaigns/:id/start', requireRole(...MANAGERS), async (req: Request, res: Response) => {
    const { id } = parse(uuidParam, req.params, 'params');
    const c = await load(id);
    if (c.status === 'running') throw conflict('already_running', 'the campaign is already running');
    if (c.status === 'completed') throw conflict('completed', 'the campaign is completed: create a new one to call again');
    const check = campaignSchema.safeParse(settingsOf(c));
    if (!check.success) {
      const details = check.error.issues.map((i) => ({ path: ['body', ...i.path.map(String)].join('.'), message: i.message }));
      throw new AppError(409, 'cannot_start', `the settings need fixing first: ${details[0]!.path}: ${details[0]!.message}`, details);
    }
    await checkQueue(c.queueId, 409);
    const user = userOf(req);
    await db.transaction().execute(async (tx) => {
      const pending = await tx.selectFrom('dialer_contacts').select('id').where('campaign_id', '=', id).where('status', '=', 'pending').limit(1).executeTakeFirst();
      if (!pending) throw conflict('no_pending_contacts', 'the campaign has no contact left to call: import a contact list first');
      const updated = await tx
        .updateTable('dialer_campaigns')
        .set({ status: 'running', updated_at: new Date() })
        .where('id', '=', id)
        .where('status', 'in', ['draft', 'paused'])
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) === 0) throw conflict('already_running', 'the campaign was started meanwhile');
      await audit(tx, { actorUserId: user.id, action: 'dialer.campaign.start', subjectType: 'dialer_campaign', subjectId: id });
    });
    res.json({ campaign: await withCounts(await load(id)) });
  });

  r.post('/api/dialer/campaigns/:id/pause', requireRole(...MANAGERS), async (req: Request, res: Response) => {
    const { id } = parse(uuidParam, req.params, 'params');
    const c = await load(id);
    if (c.status !== 'running') throw conflict('not_running', `only a running campaign can be paused (this one is ${c.status})`);
    const user = userOf(req);
    await db.transaction().execute(async (tx) => {
      await tx.updateTable('dialer_campaigns').set({ status: 'paused', updated_at: new Date() }).where('id', '=', id).where('status', '=', 'running').execute();
      await audit(tx, { actorUserId: user.id, action: 'dialer.campaign.pause', subjectType: 'dialer_campaign', subjectId: id });
    });
    res.json({ campaign: await withCounts(await load(id)) });
  });

  // Contact lists: the CSV is the request body (up to 20 MB, this route only); the import runs in the
  // background and the answer is always 202 with the import's id, to poll.
  r.post(
    '/api/dialer/campaigns/:id/imports',
    requireRole(...MANAGERS),
    express.text({ type: CSV_TYPES, limit: CSV_LIMIT_BYTES }),
    async (req: Request, res: Response) => {
      const { id } = parse(uuidParam, req.params, 'params');
      const query = parse(importQuery, req.query, 'query');
      if (typeof req.body !== 'string') throw new AppError(415, 'unsupported_media_type', 'send the contact list as the request body with Content-Type: text/csv');
      const c = await load(id);
      if (c.status === 'completed') throw conflict('completed', 'the campaign is completed: contacts cannot be added');
      const user = userOf(req);
      const row = await db
        .insertInto('dialer_imports')
        .values({ campaign_id: id, filename: query.filename ?? null, created_by: user.id })
        .returning('id')
        .executeTakeFirstOrThrow();
      await audit(db, { actorUserId: user.id, action: 'dialer.import', subjectType: 'dialer_campaign', subjectId: id, data: { importId: row.id, filename: query.filename ?? null, bytes: Buffer.byteLength(req.body) } });
      const work = runImport({
        db,
        log: deps.log,
        campaignId: id,
        importId: row.id,
        defaultRegion: defaultRegionFor(c.ruleSet, query.defaultRegion) as CountryCode,
        source: req.body,
      });
      void (deps.inFlight ? deps.inFlight.track(work) : work);
      res.status(202).json({ importId: row.id });
    },
  );

  r.get('/api/dialer/campaigns/:id/imports', requireRole(...STAFF), async (req: Request, res: Response) => {
    const { id } = parse(uuidParam, req.params, 'params');
    const rows = await db.selectFrom('dialer_imports').selectAll().where('campaign_id', '=', id).orderBy('created_at', 'desc').limit(20).execute();
    res.json({ imports: rows.map((i) => importDto(i, false)) });
  });

  r.get('/api/dialer/imports/:id', requireRole(...STAFF), async (req: Request, res: Response) => {
    const { id } = parse(uuidParam, req.params, 'params');
    const row = await db.selectFrom('dialer_imports').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound('import');
    res.json({ import: importDto(row, true) });
  });

  r.get('/api/dialer/campaigns/:id/contacts', requireRole(...STAFF), async (req: Request, res: Response) => {
    const { id } = parse(uuidParam, req.params, 'params');
    const q = parse(contactsQuery, req.query, 'query');
    await load(id);
    let query = db
      .selectFrom('dialer_contacts')
      .selectAll()
      .where('campaign_id', '=', id)
      // File order within an import: one batch shares its created_at.
      .orderBy('created_at')
      .orderBy(sql`coalesce(line, 0)`)
      .orderBy('id')
      .limit(q.limit + 1);
    if (q.status) query = query.where('status', '=', q.status);
    if (q.cursor) query = query.where(sql<boolean>`(created_at, coalesce(line, 0), id) > (select c.created_at, coalesce(c.line, 0), c.id from dialer_contacts c where c.id = ${q.cursor})`);
    const rows = await query.execute();
    const page = rows.slice(0, q.limit);
    res.json({
      contacts: page.map((c) => ({
        id: c.id,
        phone: c.phone,
        name: c.name,
        timeZones: c.time_zones,
        fields: c.fields,
        customerId: c.customer_id,
        status: c.status,
        attempts: c.attempts,
        lastOutcome: c.last_outcome,
        nextAttemptAt: c.next_attempt_at.toISOString(),
        importId: c.import_id,
        line: c.line,
      })),
      nextCursor: rows.length > q.limit ? page[page.length - 1]!.id : null,
    });
  });

  // ---- do-not-call ---------------------------------------------------------------------------

  r.get('/api/dialer/dnc', requireRole(...MANAGERS), async (req: Request, res: Response) => {
    const q = parse(dncQuery.pick({ q: true, limit: true, cursor: true }), req.query, 'query');
    res.json(await listDnc(db, { ...(q.q ? { search: q.q } : {}), limit: q.limit, ...(q.cursor ? { after: q.cursor } : {}) }));
  });

  // JSON ({phone} or {phones: […]}: every number must be valid, else 400 naming each) or a CSV list
  // (a 'phone' column, or numbers in the first column): bad lines are reported, good ones added.
  r.post('/api/dialer/dnc', requireRole(...MANAGERS), express.text({ type: CSV_TYPES, limit: CSV_LIMIT_BYTES }), async (req: Request, res: Response) => {
    const user = userOf(req);
    let phones: string[];
    let invalid: { line: number; value: string }[] = [];
    let source: 'company' | 'api';
    let reason: string | null;
    if (typeof req.body === 'string') {
      const q = parse(dncQuery.pick({ source: true, reason: true, defaultRegion: true }), req.query, 'query');
      ({ phones, invalid } = await phonesFromCsv(req.body, (q.defaultRegion ?? 'US') as CountryCode));
      source = q.source ?? 'company';
      reason = q.reason ?? null;
    } else {
      const body = parse(dncBody, req.body);
      const raw = 'phones' in body ? body.phones : [body.phone];
      const where = 'phones' in body ? (i: number) => `body.phones.${i}` : () => 'body.phone';
      const issues: { path: string; message: string }[] = [];
      phones = raw.map((p, i) => {
        const n = normaliseNumber(p, (body.defaultRegion ?? 'US') as CountryCode);
        if (!n) issues.push({ path: where(i), message: `"${p.slice(0, 40)}" is not a phone number` });
        return n ?? '';
      });
      if (issues.length > 0) throw new AppError(400, 'invalid_request', `${issues[0]!.path}: ${issues[0]!.message}`, issues);
      source = body.source;
      reason = body.reason ?? null;
    }
    const result = await db.transaction().execute(async (tx) => {
      const r = await addToDnc(tx, phones, { source, reason, addedBy: user.id });
      await audit(tx, { actorUserId: user.id, action: 'dialer.dnc.add', subjectType: 'dialer_dnc', subjectId: null, data: { count: phones.length, added: r.added, source, ...(phones.length <= 20 ? { phones } : {}) } });
      return r;
    });
    res.status(201).json({ ...result, numbers: new Set(phones).size, invalid });
  });

  r.delete('/api/dialer/dnc', requireRole(...MANAGERS), async (req: Request, res: Response) => {
    const q = parse(z.strictObject({ phone: z.string().max(40) }), req.query, 'query');
    const phone = normaliseNumber(q.phone, 'US');
    if (!phone) throw new AppError(400, 'invalid_request', 'query.phone: is not a phone number', [{ path: 'query.phone', message: 'is not a phone number' }]);
    const user = userOf(req);
    const removed = await db.transaction().execute(async (tx) => {
      const gone = await removeFromDnc(tx, phone);
      if (gone) await audit(tx, { actorUserId: user.id, action: 'dialer.dnc.remove', subjectType: 'dialer_dnc', subjectId: null, data: { phone } });
      return gone;
    });
    if (!removed) throw notFound('number on the do-not-call list');
    res.status(204).end();
  });

  return r;
}

function importDto(
  i: { id: string; campaign_id: string; status: string; filename: string | null; total: number; imported: number; invalid: number; duplicates: number; dnc: number; report: unknown; error: string | null; created_at: Date; finished_at: Date | null },
  withReport: boolean,
) {
  return {
    id: i.id,
    campaignId: i.campaign_id,
    status: i.status,
    filename: i.filename,
    total: i.total,
    imported: i.imported,
    invalid: i.invalid,
    duplicates: i.duplicates,
    dnc: i.dnc,
    error: i.error,
    createdAt: i.created_at.toISOString(),
    finishedAt: i.finished_at?.toISOString() ?? null,
    ...(withReport ? { report: i.report } : {}),
  };
}

/** Numbers from a DNC list CSV: a 'phone' column if the first line names one, else the first column of every line. */
async function phonesFromCsv(text: string, defaultRegion: CountryCode): Promise<{ phones: string[]; invalid: { line: number; value: string }[] }> {
  const phones: string[] = [];
  const invalid: { line: number; value: string }[] = [];
  let column = 0;
  for await (const [line, lineNo] of numberedLines([text])) {
    if (line.trim() === '') continue;
    const cells = splitCsvLine(lineNo === 1 ? line.replace(/^\uFEFF/, '') : line);
    if (lineNo === 1 && cells) {
      const named = cells.findIndex((c) => c.trim().toLowerCase() === 'phone');
      if (named >= 0) {
        column = named;
        continue;
      }
    }
    const value = cells?.[column]?.trim() ?? line;
    const phone = normaliseNumber(value, defaultRegion);
    if (phone) phones.push(phone);
    else invalid.push({ line: lineNo, value: value.slice(0, 100) });
  }
  return { phones, invalid };
}
