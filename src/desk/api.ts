// REST for the agent desk: canned responses, dispositions (admin CRUD, staff
// read), and per conversation: private notes, tags and the wrap-up.
import { Router, type Request, type Response } from 'express';
import { sql } from 'kysely';
import { z } from 'zod';
import { audit } from '../audit.js';
import type { SessionUser } from '../auth/sessions.js';
import { parse, requireRole, STAFF, userOf, uuidParam } from '../api/validate.js';
import type { Channel } from '../contracts/index.js';
import type { Db } from '../db/index.js';
import { AppError, conflict, forbidden, notFound } from '../errors.js';
import type { AgentNotifier } from '../routing/runtime/runtime.js';
import { findMentions } from './mentions.js';
import { unknownPlaceholders } from './placeholders.js';
import { cannedById, listCanned, listDispositions, notesOf, setTags, tagsOf, wrapUpOf } from './store.js';
import { normaliseTags } from './tags.js';
import { dispositionRequired, recordWrapUp, resolveWrapUp, setDispositionRequired } from './wrapup.js';

const CHANNELS = ['webchat', 'sms', 'email', 'voice'] as const satisfies readonly Channel[];

const cannedBodyText = z
  .string()
  .trim()
  .min(1, 'body is empty')
  .max(5000, 'body is longer than 5000 characters')
  .superRefine((body, ctx) => {
    const unknown = unknownPlaceholders(body);
    if (unknown.length > 0) ctx.addIssue({ code: 'custom', message: `unknown placeholder ${unknown.map((u) => `{{${u}}}`).join(', ')}; known: {{customer.name}}, {{customer.email}}, {{agent.name}}, {{conversation.id}}, {{conversation.channel}}` });
  });

const cannedFields = {
  title: z.string().trim().min(1, 'title is empty').max(120, 'title is longer than 120 characters'),
  shortcut: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, 'shortcuts are lower-case letters, digits, _ and - (max 32)'),
  body: cannedBodyText,
  language: z.enum(['en', 'fa'], 'language must be en or fa'),
  queueId: z.uuid('must be a queue id').nullable(),
  channel: z.enum(CHANNELS, 'channel must be webchat, sms, email or voice').nullable(),
};
export const cannedSchema = z.strictObject({ ...cannedFields, queueId: cannedFields.queueId.default(null), channel: cannedFields.channel.default(null) });
export const cannedPatchSchema = z.strictObject(cannedFields).partial();

const labelText = (name: string) => z.string().trim().min(1, `${name} is empty`).max(80, `${name} is longer than 80 characters`);
export const dispositionSchema = z.strictObject({
  code: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z0-9][a-z0-9_.-]{0,39}$/, 'codes are lower-case letters, digits, _ . - (max 40)'),
  labelEn: labelText('English label'),
  labelFa: labelText('Persian label'),
  active: z.boolean().default(true),
});
/** The code is what reports group by, so it never changes; retire a code by deactivating it. */
export const dispositionPatchSchema = z.strictObject({ labelEn: labelText('English label'), labelFa: labelText('Persian label'), active: z.boolean() }).partial();

export const noteSchema = z.strictObject({ body: z.string().trim().min(1, 'note is empty').max(5000, 'note is longer than 5000 characters') });
export const tagsSchema = z.strictObject({ tags: z.array(z.string().max(200, 'tag is too long'), 'tags must be a list').max(50, 'too many tags') });
export const deskSettingsSchema = z.strictObject({ dispositionRequired: z.boolean('dispositionRequired must be true or false') });
export const wrapUpSchema = z.strictObject({ dispositionCode: z.string().trim().toLowerCase().min(1, 'choose a disposition code').max(40), note: z.string().trim().max(2000, 'wrap-up note is longer than 2000 characters').optional() });

const fieldError = (path: string, message: string) => new AppError(400, 'invalid_request', `${path}: ${message}`, [{ path, message }]);
const isUniqueViolation = (err: unknown) => (err as { code?: string }).code === '23505';
const isForeignKeyViolation = (err: unknown) => (err as { code?: string }).code === '23503';
const seesEverything = (u: SessionUser) => u.role === 'supervisor' || u.role === 'admin';

interface ConversationRef {
  id: string;
  channel: Channel;
  queue_id: string | null;
  assigned_agent_id: string | null;
}

/**
 * Who may read and write a conversation's notes, tags and wrap-up: supervisors
 * and admins always; an agent when it is theirs, or when a note mentions them
 * (being asked in is the point of a mention).
 */
export async function deskConversation(db: Db, user: SessionUser, id: string): Promise<ConversationRef> {
  const conv = await db.selectFrom('conversations').select(['id', 'channel', 'queue_id', 'assigned_agent_id']).where('id', '=', id).executeTakeFirst();
  if (!conv) throw notFound('conversation');
  if (seesEverything(user) || conv.assigned_agent_id === user.id) return conv;
  const mentioned = await db
    .selectFrom('conversation_notes')
    .select('id')
    .where('conversation_id', '=', id)
    .where(sql<boolean>`mentions @> ${JSON.stringify([user.id])}::jsonb`)
    .executeTakeFirst();
  if (mentioned) return conv;
  throw forbidden('this conversation is not assigned to you');
}

async function checkQueue(db: Db, queueId: string | null | undefined): Promise<void> {
  if (!queueId) return;
  const q = await db.selectFrom('queues').select('id').where('id', '=', queueId).executeTakeFirst();
  if (!q) throw fieldError('body.queueId', 'no such queue');
}

export function deskRoutes(deps: { db: Db; notifier: AgentNotifier }): Router {
  const r = Router();
  const { db } = deps;

  // ---- canned responses --------------------------------------------------------

  r.get('/api/canned-responses', requireRole(...STAFF), async (req: Request, res: Response) => {
    const { conversationId } = parse(z.object({ conversationId: z.uuid('must be a conversation id').optional() }), req.query, 'query');
    let scope: { queueId: string | null; channel: Channel } | null = null;
    if (conversationId) {
      const conv = await deskConversation(db, userOf(req), conversationId);
      scope = { queueId: conv.queue_id, channel: conv.channel };
    }
    res.json({ cannedResponses: await listCanned(db, scope) });
  });

  r.post('/api/canned-responses', requireRole('admin'), async (req: Request, res: Response) => {
    const body = parse(cannedSchema, req.body);
    await checkQueue(db, body.queueId);
    const user = userOf(req);
    let id: string;
    try {
      ({ id } = await db
        .insertInto('canned_responses')
        .values({ title: body.title, shortcut: body.shortcut, body: body.body, language: body.language, queue_id: body.queueId, channel: body.channel, created_by: user.id })
        .returning('id')
        .executeTakeFirstOrThrow());
    } catch (err) {
      if (isUniqueViolation(err)) throw new AppError(409, 'shortcut_taken', `the ${body.language} shortcut /${body.shortcut} is taken`, [{ path: 'body.shortcut', message: `/${body.shortcut} is already used in ${body.language}` }]);
      throw err;
    }
    await audit(db, { actorUserId: user.id, action: 'canned_response.create', subjectType: 'canned_response', subjectId: id, data: { shortcut: body.shortcut, language: body.language } });
    res.status(201).json({ cannedResponse: await cannedById(db, id) });
  });

  r.patch('/api/canned-responses/:id', requireRole('admin'), async (req: Request, res: Response) => {
    const { id } = parse(uuidParam, req.params, 'params');
    const patch = parse(cannedPatchSchema, req.body);
    await checkQueue(db, patch.queueId);
    const current = await cannedById(db, id);
    if (!current) throw notFound('canned response');
    try {
      await db
        .updateTable('canned_responses')
        .set({
          ...(patch.title === undefined ? {} : { title: patch.title }),
          ...(patch.shortcut === undefined ? {} : { shortcut: patch.shortcut }),
          ...(patch.body === undefined ? {} : { body: patch.body }),
          ...(patch.language === undefined ? {} : { language: patch.language }),
          ...(patch.queueId === undefined ? {} : { queue_id: patch.queueId }),
          ...(patch.channel === undefined ? {} : { channel: patch.channel }),
          updated_at: new Date(),
        })
        .where('id', '=', id)
        .execute();
    } catch (err) {
      if (isUniqueViolation(err)) {
        const shortcut = patch.shortcut ?? current.shortcut;
        throw new AppError(409, 'shortcut_taken', `the shortcut /${shortcut} is taken`, [{ path: 'body.shortcut', message: `/${shortcut} is already used in ${patch.language ?? current.language}` }]);
      }
      throw err;
    }
    await audit(db, { actorUserId: userOf(req).id, action: 'canned_response.update', subjectType: 'canned_response', subjectId: id, data: { fields: Object.keys(patch) } });
    res.json({ cannedResponse: await cannedById(db, id) });
  });

  r.delete('/api/canned-responses/:id', requireRole('admin'), async (req: Request, res: Response) => {
    const { id } = parse(uuidParam, req.params, 'params');
    const gone = await db.deleteFrom('canned_responses').where('id', '=', id).returning(['shortcut', 'language']).executeTakeFirst();
    if (!gone) throw notFound('canned response');
    await audit(db, { actorUserId: userOf(req).id, action: 'canned_response.delete', subjectType: 'canned_response', subjectId: id, data: { shortcut: gone.shortcut, language: gone.language } });
    res.status(204).end();
  });

  // ---- dispositions ------------------------------------------------------------

  r.get('/api/dispositions', requireRole(...STAFF), async (req: Request, res: Response) => {
    res.json({ dispositions: await listDispositions(db, req.query.active === '1') });
  });

  r.post('/api/dispositions', requireRole('admin'), async (req: Request, res: Response) => {
    const body = parse(dispositionSchema, req.body);
    let id: string;
    try {
      ({ id } = await db.insertInto('dispositions').values({ code: body.code, label_en: body.labelEn, label_fa: body.labelFa, active: body.active }).returning('id').executeTakeFirstOrThrow());
    } catch (err) {
      if (isUniqueViolation(err)) throw new AppError(409, 'code_taken', `the code ${body.code} exists`, [{ path: 'body.code', message: `${body.code} already exists` }]);
      throw err;
    }
    await audit(db, { actorUserId: userOf(req).id, action: 'disposition.create', subjectType: 'disposition', subjectId: id, data: { code: body.code } });
    res.status(201).json({ disposition: (await listDispositions(db, false)).find((d) => d.id === id) });
  });

  r.patch('/api/dispositions/:id', requireRole('admin'), async (req: Request, res: Response) => {
    const { id } = parse(uuidParam, req.params, 'params');
    const patch = parse(dispositionPatchSchema, req.body);
    const updated = await db
      .updateTable('dispositions')
      .set({
        ...(patch.labelEn === undefined ? {} : { label_en: patch.labelEn }),
        ...(patch.labelFa === undefined ? {} : { label_fa: patch.labelFa }),
        ...(patch.active === undefined ? {} : { active: patch.active }),
        updated_at: new Date(),
      })
      .where('id', '=', id)
      .returning('code')
      .executeTakeFirst();
    if (!updated) throw notFound('disposition');
    await audit(db, { actorUserId: userOf(req).id, action: 'disposition.update', subjectType: 'disposition', subjectId: id, data: { code: updated.code, ...patch } });
    res.json({ disposition: (await listDispositions(db, false)).find((d) => d.id === id) });
  });

  r.delete('/api/dispositions/:id', requireRole('admin'), async (req: Request, res: Response) => {
    const { id } = parse(uuidParam, req.params, 'params');
    let gone: { code: string } | undefined;
    try {
      gone = await db.deleteFrom('dispositions').where('id', '=', id).returning('code').executeTakeFirst();
    } catch (err) {
      // Closed conversations carry it; reports would lose the group. Deactivate instead.
      if (isForeignKeyViolation(err)) throw conflict('disposition_in_use', 'conversations were closed with this code; deactivate it instead');
      throw err;
    }
    if (!gone) throw notFound('disposition');
    await audit(db, { actorUserId: userOf(req).id, action: 'disposition.delete', subjectType: 'disposition', subjectId: id, data: { code: gone.code } });
    res.status(204).end();
  });

  // ---- desk settings -----------------------------------------------------------------

  r.get('/api/desk/settings', requireRole(...STAFF), async (_req: Request, res: Response) => {
    res.json({ dispositionRequired: await dispositionRequired(db) });
  });

  r.put('/api/desk/settings', requireRole('admin'), async (req: Request, res: Response) => {
    const body = parse(deskSettingsSchema, req.body);
    await setDispositionRequired(db, body.dispositionRequired, userOf(req).id);
    res.json({ dispositionRequired: await dispositionRequired(db) });
  });

  // ---- per conversation: notes, tags, wrap-up --------------------------------------

  r.get('/api/conversations/:id/desk', requireRole(...STAFF), async (req: Request, res: Response) => {
    const { id } = parse(uuidParam, req.params, 'params');
    await deskConversation(db, userOf(req), id);
    res.json({ tags: await tagsOf(db, id), notes: await notesOf(db, id), wrapUp: await wrapUpOf(db, id) });
  });

  r.get('/api/desk/mentionable', requireRole(...STAFF), async (_req: Request, res: Response) => {
    const users = await db.selectFrom('users').select(['id', 'name', 'email']).where('disabled', '=', false).orderBy('name').execute();
    res.json({ users });
  });

  r.post('/api/conversations/:id/notes', requireRole(...STAFF), async (req: Request, res: Response) => {
    const { id } = parse(uuidParam, req.params, 'params');
    const { body } = parse(noteSchema, req.body);
    const user = userOf(req);
    const conv = await deskConversation(db, user, id);
    const staff = await db.selectFrom('users').select(['id', 'name', 'email']).where('disabled', '=', false).execute();
    const mentioned = findMentions(body, staff).map((m) => m.userId);
    const { id: noteId } = await db
      .insertInto('conversation_notes')
      .values({ conversation_id: id, author_user_id: user.id, body, mentions: JSON.stringify(mentioned) })
      .returning('id')
      .executeTakeFirstOrThrow();
    const [note] = await notesOf(db, id, noteId);
    if (!note) throw new Error('note vanished after insert');
    // After commit: the mentioned get a notice; whoever works the conversation sees it on the timeline.
    for (const userId of mentioned) if (userId !== user.id) deps.notifier.notify(userId, 'note:mention', { note, authorName: user.name });
    if (conv.assigned_agent_id && conv.assigned_agent_id !== user.id) deps.notifier.notify(conv.assigned_agent_id, 'conversation:note', note);
    res.status(201).json({ note });
  });

  r.put('/api/conversations/:id/tags', requireRole(...STAFF), async (req: Request, res: Response) => {
    const { id } = parse(uuidParam, req.params, 'params');
    const { tags: raw } = parse(tagsSchema, req.body);
    const user = userOf(req);
    await deskConversation(db, user, id);
    const normalised = normaliseTags(raw);
    if (!normalised.ok) {
      const issues = normalised.problems.map((p) => ({ path: `body.tags.${p.index}`, message: p.message }));
      throw new AppError(400, 'invalid_request', `${issues[0]!.path}: ${issues[0]!.message}`, issues);
    }
    await setTags(db, id, normalised.tags);
    await audit(db, { actorUserId: user.id, action: 'conversation.tags', subjectType: 'conversation', subjectId: id, data: { tags: normalised.tags } });
    res.json({ tags: await tagsOf(db, id) });
  });

  r.put('/api/conversations/:id/wrap-up', requireRole(...STAFF), async (req: Request, res: Response) => {
    const { id } = parse(uuidParam, req.params, 'params');
    const body = parse(wrapUpSchema, req.body);
    const user = userOf(req);
    await deskConversation(db, user, id);
    const wrapUp = await resolveWrapUp(db, { dispositionCode: body.dispositionCode, ...(body.note ? { wrapUpNote: body.note } : {}) });
    if (!wrapUp) throw fieldError('body.dispositionCode', 'choose a disposition code');
    await recordWrapUp(db, id, user.id, wrapUp);
    res.json({ wrapUp: await wrapUpOf(db, id) });
  });

  return r;
}
