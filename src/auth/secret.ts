import { randomBytes } from 'node:crypto';
import type { Db } from '../db/index.js';
import type { Logger } from '../logger.js';

/** SECRET_KEY from the environment, or one generated once and kept in the settings table. */
export async function resolveSecretKey(db: Db, fromEnv: string | undefined, log: Logger): Promise<string> {
  if (fromEnv) return fromEnv;
  const candidate = randomBytes(48).toString('base64url');
  await db.insertInto('settings').values({ key: 'secret_key', value: candidate }).onConflict((oc) => oc.column('key').doNothing()).execute();
  const row = await db.selectFrom('settings').select('value').where('key', '=', 'secret_key').executeTakeFirstOrThrow();
  log.warn('SECRET_KEY is not set: using a generated key stored in the database; set SECRET_KEY in production');
  return row.value;
}
