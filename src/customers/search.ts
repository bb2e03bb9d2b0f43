// Customer search and the list shape shared by search, detail and candidates.
import { sql, type Expression, type SqlBool } from 'kysely';
import type { Db, Tx } from '../db/index.js';
import type { CustomerListItem, CustomerSearchPage } from './contracts.js';
import type { SearchTerms } from './search-query.js';

type Q = Db | Tx;

/** LIKE pattern for "contains", with the query's own % and _ taken literally. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Identities (visitor tokens left out: a hash means nothing to a person), last contact and conversation count. */
export async function listItems(db: Q, ids: string[]): Promise<CustomerListItem[]> {
  if (ids.length === 0) return [];
  const [customers, identities, stats] = await Promise.all([
    db.selectFrom('customers').select(['id', 'display_name', 'profile']).where('id', 'in', ids).execute(),
    db
      .selectFrom('customer_identities')
      .select(['customer_id', 'kind', 'value'])
      .where('customer_id', 'in', ids)
      .where('kind', '!=', 'visitor')
      .orderBy('created_at')
      .orderBy('value')
      .execute(),
    db
      .selectFrom('conversations')
      .select((eb) => ['customer_id', eb.fn.max('updated_at').as('last'), eb.fn.countAll<string>().as('n')])
      .where('customer_id', 'in', ids)
      .groupBy('customer_id')
      .execute(),
  ]);
  const byId = new Map(customers.map((c) => [c.id, c]));
  return ids.flatMap((id) => {
    const c = byId.get(id);
    if (!c) return [];
    const s = stats.find((x) => x.customer_id === id);
    const email = c.profile.email;
    return [
      {
        id,
        name: c.display_name,
        identities: identities.filter((i) => i.customer_id === id).map((i) => ({ kind: i.kind, value: i.value })),
        unverifiedEmail: typeof email === 'string' ? email : null,
        lastContactAt: s?.last ? new Date(s.last).toISOString() : null,
        conversationCount: Number(s?.n ?? 0),
      },
    ];
  });
}

/**
 * Customers (not merged away) matching the terms: a name or address containing
 * the folded text, a phone equal to the typed number or containing its digits,
 * an account number equal to its digits. Exact matches first, then the most
 * recently contacted.
 */
export async function searchCustomers(db: Db, terms: SearchTerms, page: { limit: number; offset: number }): Promise<CustomerSearchPage> {
  const like = containsPattern(terms.text);
  const identityWhere = (cond: ReturnType<typeof sql<SqlBool>>) =>
    sql<SqlBool>`exists (select 1 from customer_identities i where i.customer_id = c.id and i.kind <> 'visitor' and ${cond})`;

  const matches: Expression<SqlBool>[] = [];
  const exact: Expression<SqlBool>[] = [sql<SqlBool>`false`];
  if (terms.text) {
    matches.push(sql<SqlBool>`customer_fold(c.display_name) like ${like}`);
    matches.push(sql<SqlBool>`customer_fold(c.profile->>'email') like ${like}`);
    matches.push(identityWhere(sql<SqlBool>`i.value like ${like}`));
    exact.push(sql<SqlBool>`customer_fold(c.display_name) = ${terms.text}`);
  }
  if (terms.email) exact.push(identityWhere(sql<SqlBool>`i.value = ${terms.email}`));
  if (terms.phone) {
    matches.push(identityWhere(sql<SqlBool>`i.value = ${terms.phone}`));
    exact.push(identityWhere(sql<SqlBool>`i.value = ${terms.phone}`));
  }
  if (terms.phoneDigits) matches.push(identityWhere(sql<SqlBool>`i.kind = 'phone' and i.value like ${containsPattern(terms.phoneDigits)}`));
  if (terms.digits) {
    const account = sql<SqlBool>`regexp_replace(customer_fold(c.profile->>'accountNumber'), '[\\s-]', '', 'g') = ${terms.digits}`;
    matches.push(account);
    exact.push(account);
  }

  const rows = await db
    .selectFrom(sql<{ id: string }>`customers`.as('c'))
    .select(sql<string>`c.id`.as('id'))
    .where(sql<SqlBool>`c.merged_into is null`)
    .$if(matches.length > 0, (q) => q.where(sql<SqlBool>`(${sql.join(matches, sql` or `)})`))
    .orderBy(sql`case when ${sql.join(exact, sql` or `)} then 0 else 1 end`)
    .orderBy(sql`(select max(v.updated_at) from conversations v where v.customer_id = c.id) desc nulls last`)
    .orderBy(sql`c.created_at desc`)
    .orderBy(sql`c.id`)
    .limit(page.limit + 1)
    .offset(page.offset)
    .execute();
  const more = rows.length > page.limit;
  const ids = rows.slice(0, page.limit).map((r) => r.id);
  return { customers: await listItems(db, ids), nextOffset: more ? page.offset + page.limit : null };
}
