// Admin API for mailboxes and the quarantine; attachments and raw messages for authorised staff.
import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Router, type Request, type Response } from 'express';
import { sql } from 'kysely';
import { z } from 'zod';
import { parse, requireRole, STAFF, userOf, uuidParam } from '../../api/validate.js';
import { audit } from '../../audit.js';
import type { SessionUser } from '../../auth/sessions.js';
import type { Db } from '../../db/index.js';
import { normalizeEmail } from '../../domain/identity.js';
import { AppError, forbidden, notFound } from '../../errors.js';
import { credentialContext, type SecretBox } from './crypto.js';
import { resolveStored, type MailboxRow } from './store.js';

const host = z.string().trim().min(1, 'is empty').max(253).regex(/^[A-Za-z0-9.:[\]_-]+$/, 'must be a host name or IP address');
const port = z.number().int().min(1).max(65535);
const secret = z.string().min(1, 'is empty').max(1000);
const address = z
  .string()
  .trim()
  .max(254)
  .transform((v, ctx) => {
    const n = normalizeEmail(v);
    if (!n) {
      ctx.addIssue({ code: 'custom', message: 'must be an email address' });
      return z.NEVER;
    }
    return n;
  });

const imapSchema = z.strictObject({ host, port: port.default(993), tls: z.boolean().default(true), user: z.string().trim().min(1).max(320), password: secret, folder: z.string().trim().min(1).max(200).default('INBOX') });
const smtpSchema = z.strictObject({
  host,
  port: port.default(465),
  tls: z.boolean().default(true),
  user: z.string().trim().min(1).max(320).nullable().default(null),
  password: secret.nullable().default(null),
});
const autoAckSchema = z.strictObject({ enabled: z.boolean(), text: z.string().trim().max(5000).nullable().optional() });

export const newMailboxSchema = z.strictObject({
  address,
  displayName: z.string().trim().max(200).default(''),
  imap: imapSchema,
  smtp: smtpSchema,
  /** A queue of the email channel, by name or id; the default email queue when absent. */
  queue: z.string().trim().min(1).max(200).optional(),
  enabled: z.boolean().default(true),
  autoAck: autoAckSchema.optional(),
});

export const patchMailboxSchema = z.strictObject({
  address: address.optional(),
  displayName: z.string().trim().max(200).optional(),
  imap: z
    .strictObject({ host: host.optional(), port: port.optional(), tls: z.boolean().optional(), user: z.string().trim().min(1).max(320).optional(), password: secret.optional(), folder: z.string().trim().min(1).max(200).optional() })
    .optional(),
  smtp: z.strictObject({ host: host.optional(), port: port.optional(), tls: z.boolean().optional(), user: z.string().trim().min(1).max(320).nullable().optional(), password: secret.nullable().optional() }).optional(),
  queue: z.string().trim().min(1).max(200).optional(),
  enabled: z.boolean().optional(),
  autoAck: autoAckSchema.partial().optional(),
});

export interface MailboxDto {
  id: string;
  address: string;
  displayName: string;
  imap: { host: string; port: number; tls: boolean; user: string; folder: string; hasPassword: boolean };
  smtp: { host: string; port: number; tls: boolean; user: string | null; hasPassword: boolean };
  queueId: string;
  queue: string;
  enabled: boolean;
  autoAck: { enabled: boolean; text: string | null };
  status: { lastSyncAt: string | null; lastError: string | null; uidValidity: number | null; lastUid: number | null };
  createdAt: string;
  updatedAt: string;
}

const seesEverything = (u: SessionUser) => u.role === 'supervisor' || u.role === 'admin';

export interface EmailRoutesDeps {
  db: Db;
  box: SecretBox;
  attachmentsDir: string;
  /** A mailbox was added, changed or removed: (re)start its fetcher now. */
  changed: (mailboxId: string) => Promise<void>;
}

export function emailRoutes(deps: EmailRoutesDeps): Router {
  const r = Router();
  const { db, box } = deps;

  const toDto = (row: MailboxRow & { queue_name: string; uid_validity: number | null; last_uid: number | null }): MailboxDto => ({
    id: row.id,
    address: row.address,
    displayName: row.display_name,
    imap: { host: row.imap_host, port: row.imap_port, tls: row.imap_tls, user: row.imap_user, folder: row.imap_folder, hasPassword: Boolean(row.imap_password_enc) },
    smtp: { host: row.smtp_host, port: row.smtp_port, tls: row.smtp_tls, user: row.smtp_user, hasPassword: Boolean(row.smtp_password_enc) },
    queueId: row.queue_id,
    queue: row.queue_name,
    enabled: row.enabled,
    autoAck: { enabled: row.auto_ack_enabled, text: row.auto_ack_text },
    status: {
      lastSyncAt: row.last_sync_at?.toISOString() ?? null,
      lastError: row.last_error,
      uidValidity: row.uid_validity === null ? null : Number(row.uid_validity),
      lastUid: row.last_uid === null ? null : Number(row.last_uid),
    },
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  });

  const list = async (id?: string): Promise<MailboxDto[]> => {
    let q = db
      .selectFrom('email_mailboxes')
      .innerJoin('queues', 'queues.id', 'email_mailboxes.queue_id')
      .leftJoin('email_checkpoints', 'email_checkpoints.mailbox_id', 'email_mailboxes.id')
      .selectAll('email_mailboxes')
      .select(['queues.name as queue_name', 'email_checkpoints.uid_validity', 'email_checkpoints.last_uid']);
    if (id) q = q.where('email_mailboxes.id', '=', id);
    return (await q.orderBy('email_mailboxes.created_at').execute()).map(toDto);
  };

  const queueOf = async (ref: string | undefined): Promise<string> => {
    const base = db.selectFrom('queues').select(['id', 'channel']);
    const row = !ref
      ? await base.where('channel', '=', 'email').where('is_default', '=', true).executeTakeFirst()
      : z.uuid().safeParse(ref).success
        ? await base.where('id', '=', ref).executeTakeFirst()
        : await base.where('name', '=', ref).executeTakeFirst();
    if (!row) throw new AppError(400, 'invalid_request', 'body.queue: no such queue', [{ path: 'body.queue', message: 'no such queue' }]);
    if (row.channel !== 'email') {
      throw new AppError(400, 'invalid_request', `body.queue: the queue is for ${row.channel}, not email`, [{ path: 'body.queue', message: `the queue is for ${row.channel}, not email` }]);
    }
    return row.id;
  };

  const taken = (err: unknown) => (err as { code?: string; constraint?: string }).code === '23505';

  r.get('/api/email/mailboxes', requireRole('admin'), async (_req: Request, res: Response) => {
    res.json({ mailboxes: await list() });
  });

  r.get('/api/email/mailboxes/:id', requireRole('admin'), async (req: Request, res: Response) => {
    const { id } = parse(uuidParam, req.params, 'params');
    const [mailbox] = await list(id);
    if (!mailbox) throw notFound('mailbox');
    res.json({ mailbox });
  });

  r.post('/api/email/mailboxes', requireRole('admin'), async (req: Request, res: Response) => {
    const body = parse(newMailboxSchema, req.body);
    const queueId = await queueOf(body.queue);
    const id = randomUUID();
    try {
      await db.transaction().execute(async (tx) => {
        await tx
          .insertInto('email_mailboxes')
          .values({
            id,
            address: body.address,
            display_name: body.displayName,
            imap_host: body.imap.host,
            imap_port: body.imap.port,
            imap_tls: body.imap.tls,
            imap_user: body.imap.user,
            imap_password_enc: box.seal(body.imap.password, credentialContext(id, 'imap')),
            imap_folder: body.imap.folder,
            smtp_host: body.smtp.host,
            smtp_port: body.smtp.port,
            smtp_tls: body.smtp.tls,
            smtp_user: body.smtp.user,
            smtp_password_enc: body.smtp.password ? box.seal(body.smtp.password, credentialContext(id, 'smtp')) : null,
            queue_id: queueId,
            enabled: body.enabled,
            auto_ack_enabled: body.autoAck?.enabled ?? false,
            auto_ack_text: body.autoAck?.text ?? null,
          })
          .execute();
        // The audit entry names what changed, never the passwords.
        await audit(tx, { actorUserId: userOf(req).id, action: 'email_mailbox.create', subjectType: 'email_mailbox', subjectId: id, data: { address: body.address, imapHost: body.imap.host, smtpHost: body.smtp.host, queueId, enabled: body.enabled } });
      });
    } catch (err) {
      if (taken(err)) throw new AppError(409, 'address_taken', `${body.address} is already configured`);
      throw err;
    }
    await deps.changed(id);
    res.status(201).json({ mailbox: (await list(id))[0] });
  });

  r.patch('/api/email/mailboxes/:id', requireRole('admin'), async (req: Request, res: Response) => {
    const { id } = parse(uuidParam, req.params, 'params');
    const body = parse(patchMailboxSchema, req.body);
    const current = await db.selectFrom('email_mailboxes').select('id').where('id', '=', id).executeTakeFirst();
    if (!current) throw notFound('mailbox');
    const set: Record<string, unknown> = {};
    if (body.address !== undefined) set.address = body.address;
    if (body.displayName !== undefined) set.display_name = body.displayName;
    if (body.imap) {
      const i = body.imap;
      if (i.host !== undefined) set.imap_host = i.host;
      if (i.port !== undefined) set.imap_port = i.port;
      if (i.tls !== undefined) set.imap_tls = i.tls;
      if (i.user !== undefined) set.imap_user = i.user;
      if (i.folder !== undefined) set.imap_folder = i.folder;
      if (i.password !== undefined) set.imap_password_enc = box.seal(i.password, credentialContext(id, 'imap'));
    }
    if (body.smtp) {
      const s = body.smtp;
      if (s.host !== undefined) set.smtp_host = s.host;
      if (s.port !== undefined) set.smtp_port = s.port;
      if (s.tls !== undefined) set.smtp_tls = s.tls;
      if (s.user !== undefined) set.smtp_user = s.user;
      if (s.password !== undefined) set.smtp_password_enc = s.password === null ? null : box.seal(s.password, credentialContext(id, 'smtp'));
    }
    if (body.queue !== undefined) set.queue_id = await queueOf(body.queue);
    if (body.enabled !== undefined) set.enabled = body.enabled;
    if (body.autoAck?.enabled !== undefined) set.auto_ack_enabled = body.autoAck.enabled;
    if (body.autoAck?.text !== undefined) set.auto_ack_text = body.autoAck.text;
    const changedFields = Object.keys(set).map((k) => k.replace(/_enc$/, ''));
    try {
      await db.transaction().execute(async (tx) => {
        await tx
          .updateTable('email_mailboxes')
          .set({ ...set, last_error: null, updated_at: sql<Date>`clock_timestamp()` })
          .where('id', '=', id)
          .execute();
        await audit(tx, { actorUserId: userOf(req).id, action: 'email_mailbox.update', subjectType: 'email_mailbox', subjectId: id, data: { fields: changedFields } });
      });
    } catch (err) {
      if (taken(err)) throw new AppError(409, 'address_taken', `${String(body.address)} is already configured`);
      throw err;
    }
    await deps.changed(id);
    res.json({ mailbox: (await list(id))[0] });
  });

  r.delete('/api/email/mailboxes/:id', requireRole('admin'), async (req: Request, res: Response) => {
    const { id } = parse(uuidParam, req.params, 'params');
    const removed = await db.transaction().execute(async (tx) => {
      const row = await tx.deleteFrom('email_mailboxes').where('id', '=', id).returning(['id', 'address']).executeTakeFirst();
      if (row) await audit(tx, { actorUserId: userOf(req).id, action: 'email_mailbox.delete', subjectType: 'email_mailbox', subjectId: id, data: { address: row.address } });
      return row;
    });
    if (!removed) throw notFound('mailbox');
    await deps.changed(id);
    res.status(204).end();
  });

  // Mail that could not be read: listed for admins, raw bytes downloadable.
  r.get('/api/email/quarantine', requireRole('admin'), async (req: Request, res: Response) => {
    const { mailboxId, limit } = parse(z.object({ mailboxId: z.uuid().optional(), limit: z.coerce.number().int().min(1).max(500).default(100) }), req.query, 'query');
    let q = db
      .selectFrom('email_quarantine')
      .leftJoin('email_mailboxes', 'email_mailboxes.id', 'email_quarantine.mailbox_id')
      .select([
        'email_quarantine.id',
        'email_quarantine.mailbox_id',
        'email_mailboxes.address',
        'email_quarantine.uid_validity',
        'email_quarantine.uid',
        'email_quarantine.reason',
        'email_quarantine.size',
        'email_quarantine.created_at',
        sql<string>`encode(substring(email_quarantine.raw from 1 for 2048), 'escape')`.as('preview'),
      ]);
    if (mailboxId) q = q.where('email_quarantine.mailbox_id', '=', mailboxId);
    const rows = await q.orderBy('email_quarantine.created_at', 'desc').limit(limit).execute();
    res.json({
      items: rows.map((row) => ({
        id: row.id,
        mailboxId: row.mailbox_id,
        mailbox: row.address,
        uidValidity: row.uid_validity === null ? null : Number(row.uid_validity),
        uid: row.uid === null ? null : Number(row.uid),
        reason: row.reason,
        size: row.size,
        preview: row.preview,
        createdAt: row.created_at.toISOString(),
        rawUrl: `/api/email/quarantine/${row.id}/raw`,
      })),
    });
  });

  r.get('/api/email/quarantine/:id/raw', requireRole('admin'), async (req: Request, res: Response) => {
    const { id } = parse(uuidParam, req.params, 'params');
    const row = await db.selectFrom('email_quarantine').select(['raw']).where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound('quarantined message');
    res.setHeader('Content-Type', 'message/rfc822');
    res.setHeader('Content-Disposition', `attachment; filename="quarantine-${id}.eml"`);
    res.send(row.raw);
  });

  /** The conversation a stored email message belongs to, checked against the user. */
  const visibleByExternalId = async (user: SessionUser, externalId: string) => {
    const row = await db
      .selectFrom('messages')
      .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
      .select(['messages.id', 'messages.metadata', 'conversations.assigned_agent_id'])
      .where('messages.channel', '=', 'email')
      .where('messages.external_id', '=', externalId)
      .executeTakeFirst();
    if (!row) throw notFound('attachment');
    if (!seesEverything(user) && row.assigned_agent_id !== user.id) throw forbidden('this conversation is not assigned to you');
    return row;
  };

  // Staff who can see the conversation: its assigned agent, supervisors and admins.
  r.get('/api/email/attachments/:id', requireRole(...STAFF), async (req: Request, res: Response) => {
    const { id } = parse(uuidParam, req.params, 'params');
    const att = await db.selectFrom('email_attachments').selectAll().where('id', '=', id).executeTakeFirst();
    if (!att) throw notFound('attachment');
    await visibleByExternalId(userOf(req), att.external_id);
    const file = resolveStored(deps.attachmentsDir, att.path);
    await stat(file).catch(() => {
      throw new AppError(410, 'gone', 'the attachment file is missing from the attachments folder');
    });
    // Only plain raster images render in place; everything else downloads. Nothing runs in our origin.
    const safeInline = /^image\/(png|jpeg|gif|webp)$/.test(att.content_type);
    const name = (att.filename ?? `attachment-${id}`).replace(/[\r\n"\\]/g, '_');
    res.setHeader('Content-Type', safeInline ? att.content_type : 'application/octet-stream');
    res.setHeader('Content-Length', String(att.size));
    res.setHeader('Content-Disposition', `${safeInline ? 'inline' : 'attachment'}; filename="${name.replace(/[^\x20-\x7e]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(name)}`);
    res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
    res.setHeader('Cache-Control', 'private, max-age=3600');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    createReadStream(file).pipe(res);
  });

  // The original message as received, for audit (supervisors and admins).
  r.get('/api/email/messages/:id/raw', requireRole('supervisor', 'admin'), async (req: Request, res: Response) => {
    const { id } = parse(uuidParam, req.params, 'params');
    const row = await db.selectFrom('messages').select(['metadata']).where('id', '=', id).where('channel', '=', 'email').executeTakeFirst();
    const rawPath = (row?.metadata.email as { rawPath?: unknown } | undefined)?.rawPath;
    if (typeof rawPath !== 'string') throw notFound('raw message');
    const file = resolveStored(deps.attachmentsDir, rawPath);
    await stat(file).catch(() => {
      throw new AppError(410, 'gone', 'the raw message file is missing from the attachments folder');
    });
    res.setHeader('Content-Type', 'message/rfc822');
    res.setHeader('Content-Disposition', `attachment; filename="message-${id}.eml"`);
    createReadStream(file).pipe(res);
  });

  return r;
}
