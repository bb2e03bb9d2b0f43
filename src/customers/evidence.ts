// Why two customer records might be one person. Pure: the facts come from the
// database (candidates.ts), the verdict is shown to the agent who decides.
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { normalizeDigits, normalizeEmail, normalizeForMatch, normalizePhone } from '../domain/identity.js';
import type { EvidenceKind, MergeEvidence } from './schema.js';

export interface CustomerFacts {
  id: string;
  name: string | null;
  /** Identities proven by the channel (an email we received from, a number that texted or called). */
  verifiedEmails: string[];
  verifiedPhones: string[];
  /** What the customer typed and we did not prove (pre-chat form, imported profile). */
  unverifiedEmail: string | null;
  unverifiedPhone: string | null;
  accountNumber: string | null;
}

/**
 * How much each kind of evidence alone makes us believe it is one person. A
 * customer's own unverified claim matching another record's proven identity is
 * strong; a shared name alone is weak (many people are called Ali Karimi).
 */
export const EVIDENCE_WEIGHT: Record<EvidenceKind, number> = {
  unverified_email_matches_verified: 0.9,
  same_account_number: 0.9,
  unverified_phone_matches_verified: 0.8,
  same_name_and_phone_national_number: 0.7,
  same_unverified_email: 0.6,
  same_name: 0.2,
};

/** Candidates below this are not shown. */
export const CANDIDATE_THRESHOLD = 0.2;

export interface MatchVerdict {
  /** 0..1, noisy-or of the evidence weights; symmetric in its two arguments. */
  score: number;
  evidence: MergeEvidence[];
}

function emailOf(v: string | null): string | null {
  return v ? normalizeEmail(v) : null;
}

function accountOf(v: string | null): string | null {
  if (!v) return null;
  const folded = normalizeDigits(v.normalize('NFKC')).replace(/[\s-]/g, '').toLowerCase();
  return folded.length > 0 ? folded : null;
}

/** National significant numbers of every phone the customer is known by (verified or not). */
function nationalNumbers(f: CustomerFacts, region: CountryCode): Set<string> {
  const out = new Set<string>();
  for (const p of [...f.verifiedPhones, f.unverifiedPhone]) {
    if (!p) continue;
    const parsed = parsePhoneNumberFromString(normalizeDigits(p), region);
    if (parsed) out.add(parsed.nationalNumber);
  }
  return out;
}

function push(list: MergeEvidence[], kind: EvidenceKind, detail: string) {
  if (!list.some((e) => e.kind === kind && e.detail === detail)) list.push({ kind, detail, weight: EVIDENCE_WEIGHT[kind] });
}

/** Evidence that a and b are the same person, strongest first, and the combined score. */
export function scoreMatch(a: CustomerFacts, b: CustomerFacts, region: CountryCode): MatchVerdict {
  const evidence: MergeEvidence[] = [];

  for (const [x, y] of [
    [a, b],
    [b, a],
  ] as const) {
    const claimed = emailOf(x.unverifiedEmail);
    if (claimed && y.verifiedEmails.map(emailOf).includes(claimed)) push(evidence, 'unverified_email_matches_verified', claimed);
    const claimedPhone = x.unverifiedPhone ? normalizePhone(x.unverifiedPhone, region) : null;
    if (claimedPhone && y.verifiedPhones.includes(claimedPhone)) push(evidence, 'unverified_phone_matches_verified', claimedPhone);
  }

  const ea = emailOf(a.unverifiedEmail);
  if (ea && ea === emailOf(b.unverifiedEmail) && !evidence.some((e) => e.detail === ea)) push(evidence, 'same_unverified_email', ea);

  const acct = accountOf(a.accountNumber);
  if (acct && acct === accountOf(b.accountNumber)) push(evidence, 'same_account_number', acct);

  const na = a.name ? normalizeForMatch(a.name) : '';
  if (na && na === (b.name ? normalizeForMatch(b.name) : '')) {
    const nb = nationalNumbers(b, region);
    const shared = [...nationalNumbers(a, region)].filter((n) => nb.has(n)).sort();
    if (shared.length > 0) push(evidence, 'same_name_and_phone_national_number', `${a.name!.trim()} · ${shared[0]}`);
    else push(evidence, 'same_name', a.name!.trim());
  }

  evidence.sort((x, y) => y.weight - x.weight || (x.kind < y.kind ? -1 : x.kind > y.kind ? 1 : x.detail < y.detail ? -1 : 1));
  const disbelief = evidence.reduce((p, e) => p * (1 - e.weight), 1);
  return { score: Math.round((1 - disbelief) * 1000) / 1000, evidence };
}
