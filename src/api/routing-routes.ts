import { Router, type Request, type Response } from 'express';
import { sql } from 'kysely';
import { z } from 'zod';
import { audit } from '../audit.js';
import type { Db } from '../db/index.js';
import { AppError, notFound } from '../errors.js';
import { STRATEGIES } from '../routing/engine/index.js';
import type { QueueConfig, SkillExpr } from '../routing/engine/index.js';
import { loadQueueConfigs } from '../routing/runtime/queues.js';
import type { RoutingRuntime } from '../routing/runtime/runtime.js';
import { parse, requireRole, STAFF, userOf, uuidParam } from './validate.js';
import { skillSchema } from './users-routes.js';

const skillName = z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,63}$/, 'skill names are lower-case letters, digits, _ . - (max 64)');

export const skillExprSchema: z.ZodType<SkillExpr> = z.lazy(() =>
  z.union([
    z.strictObject({ skill: skillName, minLevel: z.number().int().min(1).max(10).optional() }),
    z.strictObject({ all: z.array(skillExprSchema).min(1, 'an "all" needs at least one expression') }),
    z.strictObject({ any: z.array(skillExprSchema).min(1, 'an "any" needs at least one expression') }),
  ]),
);

const escalationStepSchema = z.strictObject({
  afterSeconds: z.number().int().min(0).max(86_400),
  lowerMinLevelBy: z.number().int().min(1).max(9).optional(),
  alsoAccept: skillExprSchema.optional(),
  overflowToQueueId: z.uuid().optional(),
});

const queueFields = {
  name: z.string().trim().min(1).max(80),
  channel: z.enum(['webchat', 'sms', 'email', 'voice']),
  requirement: skillExprSchema.nullable(),
  priority: z.number().int().min(-100).max(100),
  serviceLevel: z.strictObject({ targetFraction: z.number().gt(0).max(1), thresholdSeconds: z.number().int().min(1).max(86_400) }),
  strategy: z.enum(STRATEGIES),
  escalation: z.array(escalationStepSchema).max(20),
  predictiveEscalation: z.boolean(),
  agingPerMinute: z.number().min(0).max(100),
  stickyWaitSeconds: z.number().int().min(0).max(3_600),
  wrapUpSeconds: z.number().int().min(0).max(3_600),
};

export const newQueueSchema = z.strictObject({
  ...queueFields,
  requirement: queueFields.requirement.default(null),
  priority: queueFields.priority.default(0),
  serviceLevel: queueFields.serviceLevel.default({ targetFraction: 0.8, thresholdSeconds: 20 }),
  strategy: queueFields.strategy.default('longest-idle'),
  escalation: queueFields.escalation.default([]),
  predictiveEscalation: queueFields.predictiveEscalation.default(true),
  agingPerMinute: queueFields.agingPerMinute.default(1),
  stickyWaitSeconds: queueFields.stickyWaitSeconds.default(0),
  wrapUpSeconds: queueFields.wrapUpSeconds.default(0),
});
export const queuePatchSchema = z.strictObject(queueFields).partial();

const skillsBody = z.strictObject({
  skills: z
    .array(skillSchema)
    .max(100)
    .refine((s) => new Set(s.map((x) => x.skill)).size === s.length, 'a skill is listed twice'),
});
const agentPatch = z.strictObject({ capacity: z.number().int().min(1).max(1000) });

/** Semantic checks over the whole set (overflow cycles, unknown skills); the engine provides them. */
export type QueueValidator = (queues: QueueConfig[], knownSkills: Set<string>) => { path: string; message: string }[];

type QueueRow = Awaited<ReturnType<typeof loadQueueConfigs>>[number] & { name: string; isDefault: boolean };

export function routingRoutes(deps: { db: Db; routing: RoutingRuntime; validate: QueueValidator }): Router {
  const r = Router();
  const { db } = deps;

  const listQueues = async (): Promise<QueueRow[]> => {
    const configs = await loadQueueConfigs(db);
    const names = await db.selectFrom('queues').select(['id', 'name', 'is_default']).execute();
    return configs.map((c) => {
      const n = names.find((x) => x.id === c.id)!;
      return { ...c, name: n.name, isDefault: n.is_default };
    });
  };

  /**
   * Rejects a change that would leave the configuration inconsistent. Problems
   * in the queue being saved are named by its body fields (`body.escalation.1…`);
   * problems it causes elsewhere name that other queue.
   */
  const check = async (queues: (QueueConfig & { name?: string })[], savedIndex: number) => {
    const skills = await db.selectFrom('agent_skills').select('skill').distinct().execute();
    const errors = deps.validate(queues, new Set(skills.map((s) => s.skill))).map((e) => {
      const m = /^queues\[(\d+)\]\.?(.*)$/.exec(e.path);
      if (!m) return e;
      const index = Number(m[1]);
      const field = m[2]!.replace(/\[(\d+)\]/g, '.$1');
      if (index === savedIndex) return { path: ['body', field].filter(Boolean).join('.'), message: e.message };
      return { path: 'body', message: `queue ${queues[index]?.name ?? index}: ${field ? `${field}: ` : ''}${e.message}` };
    });
    if (errors.length > 0) throw new AppError(400, 'invalid_request', `${errors[0]!.path}: ${errors[0]!.message}`, errors);
  };

  r.get('/api/queues', requireRole(...STAFF), async (_req: Request, res: Response) => {
    res.json({ queues: await listQueues() });
  });

  r.post('/api/queues', requireRole('admin'), async (req: Request, res: Response) => {
    const body = parse(newQueueSchema, req.body);
    const existing = await listQueues();
    if (existing.some((q) => q.name === body.name)) throw new AppError(409, 'name_taken', `a queue named ${body.name} already exists`);
    await check([...existing, { id: 'new', ...body }], existing.length);
    const row = await db
      .insertInto('queues')
      .values({
        name: body.name,
        channel: body.channel,
        requirement: body.requirement === null ? null : JSON.stringify(body.requirement),
        priority: body.priority,
        sl_target_fraction: body.serviceLevel.targetFraction,
        sl_threshold_seconds: body.serviceLevel.thresholdSeconds,
        strategy: body.strategy,
        escalation: JSON.stringify(body.escalation),
        predictive_escalation: body.predictiveEscalation,
        aging_per_minute: body.agingPerMinute,
        sticky_wait_seconds: body.stickyWaitSeconds,
        wrap_up_seconds: body.wrapUpSeconds,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await audit(db, { actorUserId: userOf(req).id, action: 'queue.create', subjectType: 'queue', subjectId: row.id, data: body });
    await deps.routing.queuesChanged();
    res.status(201).json({ queue: (await listQueues()).find((q) => q.id === row.id) });
  });

  r.patch('/api/queues/:id', requireRole('admin'), async (req: Request, res: Response) => {
    const { id } = parse(uuidParam, req.params, 'params');
    const patch = parse(queuePatchSchema, req.body);
    const existing = await listQueues();
    const current = existing.find((q) => q.id === id);
    if (!current) throw notFound('queue');
    if (patch.name && patch.name !== current.name && existing.some((q) => q.name === patch.name)) throw new AppError(409, 'name_taken', `a queue named ${patch.name} already exists`);
    const next = { ...current, ...patch };
    if (current.isDefault && next.channel !== current.channel) {
      throw new AppError(409, 'default_queue_channel', `the default ${current.channel} queue keeps its channel; create a new queue instead`, [
        { path: 'body.channel', message: 'the channel of a default queue cannot change' },
      ]);
    }
    await check(
      existing.map((q) => (q.id === id ? next : q)),
      existing.findIndex((q) => q.id === id),
    );
    await db
      .updateTable('queues')
      .set({
        name: next.name,
        channel: next.channel,
        requirement: next.requirement === null ? null : JSON.stringify(next.requirement),
        priority: next.priority,
        sl_target_fraction: next.serviceLevel.targetFraction,
        sl_threshold_seconds: next.serviceLevel.thresholdSeconds,
        strategy: next.strategy,
        escalation: JSON.stringify(next.escalation),
        predictive_escalation: next.predictiveEscalation,
        aging_per_minute: next.agingPerMinute,
        sticky_wait_seconds: next.stickyWaitSeconds,
        wrap_up_seconds: next.wrapUpSeconds,
        updated_at: sql<Date>`now()`,
      })
      .where('id', '=', id)
      .execute();
    await audit(db, { actorUserId: userOf(req).id, action: 'queue.update', subjectType: 'queue', subjectId: id, data: { before: current, change: patch } });
    await deps.routing.queuesChanged();
    res.json({ queue: (await listQueues()).find((q) => q.id === id) });
  });

  r.put('/api/users/:id/skills', requireRole('admin'), async (req: Request, res: Response) => {
    const { id } = parse(uuidParam, req.params, 'params');
    const { skills } = parse(skillsBody, req.body);
    const user = await db.selectFrom('users').select('id').where('id', '=', id).executeTakeFirst();
    if (!user) throw notFound('user');
    const before = await db.selectFrom('agent_skills').select(['skill', 'level']).where('user_id', '=', id).execute();
    await db.transaction().execute(async (tx) => {
      await tx.deleteFrom('agent_skills').where('user_id', '=', id).execute();
      if (skills.length > 0) await tx.insertInto('agent_skills').values(skills.map((s) => ({ user_id: id, skill: s.skill, level: s.level }))).execute();
      await audit(tx, { actorUserId: userOf(req).id, action: 'user.skills', subjectType: 'user', subjectId: id, data: { before, after: skills } });
    });
    await deps.routing.agentChanged(id);
    res.json({ skills });
  });

  r.patch('/api/users/:id/agent', requireRole('admin', 'supervisor'), async (req: Request, res: Response) => {
    const { id } = parse(uuidParam, req.params, 'params');
    const body = parse(agentPatch, req.body);
    const row = await db.selectFrom('agent_state').select(['capacity', 'used']).where('user_id', '=', id).executeTakeFirst();
    if (!row) throw notFound('agent');
    if (body.capacity < row.used) throw new AppError(409, 'capacity_in_use', `the agent holds ${row.used} units of work now; capacity cannot go below that`);
    await db.updateTable('agent_state').set({ capacity: body.capacity }).where('user_id', '=', id).execute();
    await audit(db, { actorUserId: userOf(req).id, action: 'agent.capacity', subjectType: 'user', subjectId: id, data: { before: row.capacity, after: body.capacity } });
    await deps.routing.agentChanged(id);
    await deps.routing.pushSelf(id);
    res.json({ capacity: body.capacity });
  });

  return r;
}
