import { hash, verify } from '@node-rs/argon2';

// @node-rs/argon2 hashes with argon2id by default (a test checks the $argon2id$ prefix).
// OWASP's floor for it: 19 MiB, 2 passes, 1 lane.
const OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}

/** A valid hash of a random password, verified against when the email is unknown so timing does not reveal which emails exist. */
let dummy: Promise<string> | undefined;
export function dummyHash(): Promise<string> {
  dummy ??= hashPassword('pasokh-timing-equaliser');
  return dummy;
}
