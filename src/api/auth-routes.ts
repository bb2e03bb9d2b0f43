import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { dummyHash, verifyPassword } from '../auth/passwords.js';
import type { RateLimiter } from '../auth/rate-limit.js';
import { SESSION_COOKIE, type SessionStore } from '../auth/sessions.js';
import { audit } from '../audit.js';
import type { Db } from '../db/index.js';
import { AppError } from '../errors.js';
import { cookieOf, parse, STAFF, requireRole, userOf } from './validate.js';

const preferencesBody = z.object({ language: z.enum(['en', 'fa']).nullable() }).strict();

const loginBody = z.object({ email: z.string().trim().toLowerCase().pipe(z.email()), password: z.string().min(1).max(1024) });

export function authRoutes(deps: { db: Db; sessions: SessionStore; limiter: RateLimiter; ipLimiter: RateLimiter; secureCookies: boolean; sessionTtlMs: number }): Router {
  const r = Router();
  const cookieOptions = { httpOnly: true, sameSite: 'lax' as const, secure: deps.secureCookies, path: '/' };

  r.post('/api/auth/login', async (req: Request, res: Response) => {
    const body = parse(loginBody, req.body);
    const accountKey = `${req.ip}:${body.email}`;
    const wait = Math.max(await deps.limiter.retryAfter(`account:${accountKey}`), await deps.ipLimiter.retryAfter(`ip:${req.ip}`));
    if (wait > 0) {
      res.setHeader('Retry-After', String(wait));
      throw new AppError(429, 'too_many_attempts', `too many failed logins; try again in ${wait} s`);
    }
    const user = await deps.db.selectFrom('users').selectAll().where('email', '=', body.email).where('disabled', '=', false).executeTakeFirst();
    const ok = await verifyPassword(user?.password_hash ?? (await dummyHash()), body.password);
    if (!user || !ok) {
      await deps.limiter.hit(`account:${accountKey}`);
      await deps.ipLimiter.hit(`ip:${req.ip}`);
      await audit(deps.db, { actorUserId: user?.id ?? null, action: 'auth.login_failed', subjectType: 'user', subjectId: user?.id ?? null, data: { ip: req.ip } });
      throw new AppError(401, 'invalid_credentials', 'wrong email or password');
    }
    await deps.limiter.reset(`account:${accountKey}`);
    const session = await deps.sessions.create(user.id);
    await audit(deps.db, { actorUserId: user.id, action: 'auth.login', subjectType: 'user', subjectId: user.id, data: { ip: req.ip } });
    res.cookie(SESSION_COOKIE, session.cookie, { ...cookieOptions, maxAge: deps.sessionTtlMs });
    res.json({ user: { id: user.id, email: user.email, name: user.name, role: user.role, language: user.language } });
  });

  r.post('/api/auth/logout', async (req: Request, res: Response) => {
    await deps.sessions.destroy(cookieOf(req, SESSION_COOKIE));
    res.clearCookie(SESSION_COOKIE, cookieOptions);
    res.status(204).end();
  });

  r.get('/api/auth/me', requireRole(...STAFF), async (req: Request, res: Response) => {
    const user = userOf(req);
    const prefs = await deps.db.selectFrom('users').select('language').where('id', '=', user.id).executeTakeFirst();
    res.json({ user: { ...user, language: prefs?.language ?? null } });
  });

  // The signed-in user's own preferences; `language: null` goes back to the browser's language.
  r.put('/api/auth/me/preferences', requireRole(...STAFF), async (req: Request, res: Response) => {
    const body = parse(preferencesBody, req.body);
    const user = userOf(req);
    await deps.db.updateTable('users').set({ language: body.language }).where('id', '=', user.id).execute();
    res.json({ user: { ...user, language: body.language } });
  });

  return r;
}
