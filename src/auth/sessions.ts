import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Role } from '../contracts/index.js';
import type { Db } from '../db/index.js';

export const SESSION_COOKIE = 'pasokh_sid';

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  role: Role;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/**
 * Sessions live in Postgres (so any hub process can check them and logout is
 * immediate). The cookie carries a random token and its HMAC under SECRET_KEY;
 * the table keeps only the token's hash.
 */
export class SessionStore {
  constructor(
    private readonly db: Db,
    private readonly secret: string,
    private readonly ttlMs: number,
  ) {}

  async create(userId: string): Promise<{ cookie: string; expiresAt: Date }> {
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + this.ttlMs);
    await this.db.insertInto('sessions').values({ id: sha256(token), user_id: userId, expires_at: expiresAt }).execute();
    return { cookie: `${token}.${this.sign(token)}`, expiresAt };
  }

  async resolve(cookie: string | undefined): Promise<SessionUser | null> {
    const token = this.verify(cookie);
    if (!token) return null;
    const row = await this.db
      .selectFrom('sessions')
      .innerJoin('users', 'users.id', 'sessions.user_id')
      .select(['users.id', 'users.email', 'users.name', 'users.role'])
      .where('sessions.id', '=', sha256(token))
      .where('sessions.expires_at', '>', new Date())
      .where('users.disabled', '=', false)
      .executeTakeFirst();
    return row ?? null;
  }

  async destroy(cookie: string | undefined): Promise<void> {
    const token = this.verify(cookie);
    if (token) await this.db.deleteFrom('sessions').where('id', '=', sha256(token)).execute();
  }

  private sign(token: string): string {
    return createHmac('sha256', this.secret).update(token).digest('base64url');
  }

  private verify(cookie: string | undefined): string | null {
    if (!cookie) return null;
    const dot = cookie.lastIndexOf('.');
    if (dot <= 0) return null;
    const token = cookie.slice(0, dot);
    const given = Buffer.from(cookie.slice(dot + 1));
    const expected = Buffer.from(this.sign(token));
    return given.length === expected.length && timingSafeEqual(given, expected) ? token : null;
  }
}
