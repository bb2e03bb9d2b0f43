import type { Role } from './contracts/index.js';
import { hashPassword } from './auth/passwords.js';
import { audit } from './audit.js';
import type { Db } from './db/index.js';
import { DEFAULT_AGENT_CAPACITY } from './domain/capacity.js';
import { conflict } from './errors.js';
import type { Logger } from './logger.js';

export interface NewUser {
  email: string;
  password: string;
  name: string;
  role: Role;
  skills: { skill: string; level: number }[];
  capacity?: number;
}

export interface CreatedUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  skills: { skill: string; level: number }[];
}

/** Creates a user with their skills and routing state in one transaction; audited. */
export async function createUser(db: Db, input: NewUser, actorUserId: string | null): Promise<CreatedUser> {
  const passwordHash = await hashPassword(input.password);
  const email = input.email.trim().toLowerCase();
  return db.transaction().execute(async (tx) => {
    const user = await tx
      .insertInto('users')
      .values({ email, name: input.name, password_hash: passwordHash, role: input.role })
      .onConflict((oc) => oc.column('email').doNothing())
      .returning(['id', 'email', 'name', 'role'])
      .executeTakeFirst();
    if (!user) throw conflict('email_taken', `a user with email ${email} already exists`);
    if (input.skills.length > 0) {
      await tx.insertInto('agent_skills').values(input.skills.map((s) => ({ user_id: user.id, skill: s.skill, level: s.level }))).execute();
    }
    // Every staff member can take conversations; supervisors and admins simply start offline.
    await tx.insertInto('agent_state').values({ user_id: user.id, capacity: input.capacity ?? DEFAULT_AGENT_CAPACITY, last_assigned_at: null }).execute();
    await audit(tx, { actorUserId, action: 'user.create', subjectType: 'user', subjectId: user.id, data: { email, role: input.role, skills: input.skills } });
    return { ...user, skills: input.skills };
  });
}

/** ADMIN_EMAIL + ADMIN_PASSWORD create the first admin, only while no admin exists. */
export async function bootstrapAdmin(db: Db, admin: { email: string; password: string } | undefined, log: Logger): Promise<void> {
  const existing = await db.selectFrom('users').select('id').where('role', '=', 'admin').executeTakeFirst();
  if (existing) return;
  if (!admin) {
    log.warn('no admin exists: set ADMIN_EMAIL and ADMIN_PASSWORD to create the first one');
    return;
  }
  try {
    await createUser(db, { ...admin, name: 'Administrator', role: 'admin', skills: [] }, null);
    log.info({ email: admin.email }, 'first admin created');
  } catch (err) {
    // Another process bootstrapped at the same moment.
    if (!(err instanceof Error && 'code' in err && err.code === 'email_taken')) throw err;
  }
}
