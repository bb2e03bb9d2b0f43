// Customers who may be the same person as this one, with the evidence.
import { sql, type SqlBool } from 'kysely';
import type { CountryCode } from 'libphonenumber-js';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { Db, Tx } from '../db/index.js';
import { normalizeDigits, normalizeForMatch, normalizePhone } from '../domain/identity.js';
import type { MergeCandidateDto } from './contracts.js';
import { CANDIDATE_THRESHOLD, scoreMatch, type CustomerFacts } from './evidence.js';
import { listItems } from './search.js';

type Q = Db | Tx;

export async function factsOf(db: Q, ids: string[]): Promise<CustomerFacts[]> {
  if (ids.length === 0) return [];
  const [customers, identities] = await Promise.all([
    db.selectFrom('customers').select(['id', 'display_name', 'profile']).where('id', 'in', ids).execute(),
    db.selectFrom('customer_identities').select(['customer_id', 'kind', 'value']).where('customer_id', 'in', ids).execute(),
  ]);
  const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v : null);
  return customers.map((c) => {
    const own = identities.filter((i) => i.customer_id === c.id);
    return {
      id: c.id,
      name: c.display_name,
      verifiedEmails: own.filter((i) => i.kind === 'email').map((i) => i.value),
      verifiedPhones: own.filter((i) => i.kind === 'phone').map((i) => i.value),
      unverifiedEmail: str(c.profile.email),
      unverifiedPhone: str(c.profile.phone),
      accountNumber: str(c.profile.accountNumber),
    };
  });
}

/**
 * Finds the other live customers that share anything the scorer looks at (an
 * email either way between identity and profile, a phone's national number, an
 * account number, the folded name), then lets the pure scorer judge them.
 */
export async function mergeCandidates(db: Db, customerId: string, region: CountryCode, limit = 20): Promise<MergeCandidateDto[]> {
  const [me] = await factsOf(db, [customerId]);
  if (!me) return [];
  const emails = [...new Set([...me.verifiedEmails, ...(me.unverifiedEmail ? [me.unverifiedEmail.toLowerCase()] : [])])];
  const phones = [...me.verifiedPhones, ...(me.unverifiedPhone ? [normalizePhone(me.unverifiedPhone, region) ?? me.unverifiedPhone] : [])];
  const nationals = [...new Set(phones.flatMap((p) => parsePhoneNumberFromString(normalizeDigits(p), region)?.nationalNumber ?? []))];
  const name = me.name ? normalizeForMatch(me.name) : '';
  const account = me.accountNumber ? normalizeDigits(me.accountNumber).replace(/[\s-]/g, '').toLowerCase() : '';

  const ors = [sql<SqlBool>`false`];
  if (emails.length > 0) {
    ors.push(sql<SqlBool>`lower(c.profile->>'email') in (${sql.join(emails)})`);
    ors.push(sql<SqlBool>`exists (select 1 from customer_identities i where i.customer_id = c.id and i.kind = 'email' and i.value in (${sql.join(emails)}))`);
  }
  for (const n of nationals) {
    const tail = `%${n}`;
    ors.push(sql<SqlBool>`exists (select 1 from customer_identities i where i.customer_id = c.id and i.kind = 'phone' and i.value like ${tail})`);
    ors.push(sql<SqlBool>`regexp_replace(customer_fold(c.profile->>'phone'), '\\D', '', 'g') like ${tail}`);
  }
  if (name) ors.push(sql<SqlBool>`customer_fold(c.display_name) = ${name}`);
  if (account) ors.push(sql<SqlBool>`lower(regexp_replace(customer_fold(c.profile->>'accountNumber'), '[\\s-]', '', 'g')) = ${account}`);

  const rows = await db
    .selectFrom(sql<{ id: string }>`customers`.as('c'))
    .select(sql<string>`c.id`.as('id'))
    .where(sql<SqlBool>`c.merged_into is null and c.id <> ${customerId} and (${sql.join(ors, sql` or `)})`)
    .limit(500)
    .execute();
  const others = await factsOf(
    db,
    rows.map((r) => r.id),
  );
  const judged = others
    .map((o) => ({ id: o.id, ...scoreMatch(me, o, region) }))
    .filter((j) => j.score >= CANDIDATE_THRESHOLD)
    .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1))
    .slice(0, limit);
  const items = await listItems(
    db,
    judged.map((j) => j.id),
  );
  return judged.flatMap((j) => {
    const customer = items.find((i) => i.id === j.id);
    return customer ? [{ customer, score: j.score, evidence: j.evidence }] : [];
  });
}
