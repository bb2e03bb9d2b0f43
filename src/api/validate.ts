import type { NextFunction, Request, Response } from 'express';
import { parse as parseCookie } from 'cookie';
import { z } from 'zod';
import type { SessionUser } from '../auth/sessions.js';
import type { Role } from '../contracts/index.js';
import { AppError } from '../errors.js';

/** Parses outside input; a failure is a 400 whose body lists every zod issue with its field path. */
export function parse<S extends z.ZodType>(schema: S, data: unknown, where = 'body'): z.infer<S> {
  const result = schema.safeParse(data);
  if (!result.success) {
    const issues = result.error.issues.map((i) => ({ path: [where, ...i.path.map(String)].join('.'), message: i.message }));
    throw new AppError(400, 'invalid_request', `${issues[0]?.path}: ${issues[0]?.message}`, issues);
  }
  return result.data;
}

export const uuidParam = z.object({ id: z.uuid('must be a uuid') });

export function cookieOf(req: Request, name: string): string | undefined {
  return parseCookie(req.headers.cookie ?? '')[name];
}

/** The logged-in user, put on res.locals by the session middleware. */
export function userOf(req: Request): SessionUser {
  const user = (req.res as Response | undefined)?.locals.user as SessionUser | undefined;
  if (!user) throw new AppError(401, 'unauthorized', 'log in first');
  return user;
}

/** Route guard: a session is required, and its role must be one of these. */
export function requireRole(...roles: Role[]) {
  return (req: Request, _res: Response, next: NextFunction) => {
    const user = userOf(req);
    if (!roles.includes(user.role)) throw new AppError(403, 'forbidden', `requires role ${roles.join(' or ')}`);
    next();
  };
}

export const STAFF: Role[] = ['agent', 'supervisor', 'admin'];
