import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Db } from '../db/index.js';
import { createUser } from '../users.js';
import { parse, requireRole, userOf } from './validate.js';

export const skillSchema = z.object({
  skill: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z0-9][a-z0-9_.-]{0,63}$/, 'skill names are lower-case letters, digits, _ . - (max 64)'),
  level: z.number().int().min(1).max(10),
});

export const newUserSchema = z.object({
  email: z.string().trim().toLowerCase().pipe(z.email()),
  password: z.string().min(10, 'at least 10 characters').max(1024),
  name: z.string().trim().min(1).max(120),
  role: z.enum(['agent', 'supervisor', 'admin']),
  skills: z
    .array(skillSchema)
    .max(100)
    .default([])
    .refine((s) => new Set(s.map((x) => x.skill)).size === s.length, 'a skill is listed twice'),
  capacity: z.number().int().min(1).max(1000).optional(),
});

export function usersRoutes(deps: { db: Db }): Router {
  const r = Router();

  r.post('/api/users', requireRole('admin'), async (req: Request, res: Response) => {
    const body = parse(newUserSchema, req.body);
    const user = await createUser(deps.db, body, userOf(req).id);
    res.status(201).json({ user });
  });

  r.get('/api/users', requireRole('supervisor', 'admin'), async (_req: Request, res: Response) => {
    const users = await deps.db
      .selectFrom('users')
      .leftJoin('agent_state', 'agent_state.user_id', 'users.id')
      .select(['users.id', 'users.email', 'users.name', 'users.role', 'users.disabled', 'agent_state.status', 'agent_state.capacity', 'agent_state.used'])
      .orderBy('users.name')
      .execute();
    const skills = await deps.db.selectFrom('agent_skills').selectAll().execute();
    res.json({ users: users.map((u) => ({ ...u, skills: skills.filter((s) => s.user_id === u.id).map(({ skill, level }) => ({ skill, level })) })) });
  });

  return r;
}
