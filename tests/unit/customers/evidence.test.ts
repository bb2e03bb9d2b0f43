import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CANDIDATE_THRESHOLD, scoreMatch, type CustomerFacts } from '../../../src/customers/evidence.js';

const blank = (id: string, o: Partial<CustomerFacts> = {}): CustomerFacts => ({
  id,
  name: null,
  verifiedEmails: [],
  verifiedPhones: [],
  unverifiedEmail: null,
  unverifiedPhone: null,
  accountNumber: null,
  ...o,
});

describe('scoreMatch', () => {
  it('a pre-chat email that is another record’s proven address is strong evidence, named', () => {
    const chat = blank('a', { name: 'Sara', unverifiedEmail: 'Sara@Example.com' });
    const mail = blank('b', { verifiedEmails: ['sara@example.com'] });
    const v = scoreMatch(chat, mail, 'IR');
    expect(v.evidence).toEqual([{ kind: 'unverified_email_matches_verified', detail: 'sara@example.com', weight: 0.9 }]);
    expect(v.score).toBe(0.9);
  });

  it('two records that only claim the same email are weaker than one proven', () => {
    const v = scoreMatch(blank('a', { unverifiedEmail: 'x@example.com' }), blank('b', { unverifiedEmail: 'X@example.com' }), 'IR');
    expect(v.evidence.map((e) => e.kind)).toEqual(['same_unverified_email']);
    expect(v.score).toBe(0.6);
  });

  it('same name (ي/ك and case aside) and the same national number across spellings', () => {
    const a = blank('a', { name: 'علي كريمي', verifiedPhones: ['+989121234567'] });
    const b = blank('b', { name: 'علی کریمی ', unverifiedPhone: '۰۹۱۲ ۱۲۳ ۴۵۶۷' });
    const v = scoreMatch(a, b, 'IR');
    expect(v.evidence.map((e) => e.kind)).toEqual(['unverified_phone_matches_verified', 'same_name_and_phone_national_number']);
    expect(v.evidence[1]!.detail).toContain('9121234567');
    expect(v.score).toBe(0.94);
  });

  it('same account number in the profile, typed with Persian digits and dashes', () => {
    const v = scoreMatch(blank('a', { accountNumber: '۱۲۳-۴۵۶' }), blank('b', { accountNumber: '123456' }), 'IR');
    expect(v.evidence).toEqual([{ kind: 'same_account_number', detail: '123456', weight: 0.9 }]);
  });

  it('a shared name alone is weak evidence; nothing shared is none', () => {
    expect(scoreMatch(blank('a', { name: 'Ali' }), blank('b', { name: 'ali' }), 'IR')).toEqual({ score: 0.2, evidence: [{ kind: 'same_name', detail: 'Ali', weight: 0.2 }] });
    expect(scoreMatch(blank('a', { name: 'Ali', verifiedPhones: ['+989121111111'] }), blank('b', { name: 'Reza', verifiedPhones: ['+989122222222'] }), 'IR')).toEqual({ score: 0, evidence: [] });
    expect(CANDIDATE_THRESHOLD).toBe(0.2);
  });

  const facts = (id: string) =>
    fc.record({
      id: fc.constant(id),
      name: fc.option(fc.constantFrom('Ali', 'ali', 'علي', 'علی', 'Sara'), { nil: null }),
      verifiedEmails: fc.array(fc.constantFrom('a@x.io', 'b@x.io'), { maxLength: 2 }),
      verifiedPhones: fc.array(fc.constantFrom('+989121234567', '+989351112233', '+14155550100'), { maxLength: 2 }),
      unverifiedEmail: fc.option(fc.constantFrom('a@x.io', 'B@x.io', 'c@x.io'), { nil: null }),
      unverifiedPhone: fc.option(fc.constantFrom('09121234567', '۰۹۳۵۱۱۱۲۲۳۳', '415 555 0100'), { nil: null }),
      accountNumber: fc.option(fc.constantFrom('123', '۱۲۳', '456'), { nil: null }),
    });

  it('property: symmetric, between 0 and 1, and zero exactly when there is no evidence', () => {
    fc.assert(
      fc.property(facts('a'), facts('b'), (a, b) => {
        const ab = scoreMatch(a, b, 'IR');
        const ba = scoreMatch(b, a, 'IR');
        expect(ab.score).toBe(ba.score);
        expect(ab.evidence.map((e) => e.kind).sort()).toEqual(ba.evidence.map((e) => e.kind).sort());
        expect(ab.score).toBeGreaterThanOrEqual(0);
        expect(ab.score).toBeLessThanOrEqual(1);
        expect(ab.score === 0).toBe(ab.evidence.length === 0);
        // Strongest first.
        for (let i = 1; i < ab.evidence.length; i += 1) expect(ab.evidence[i - 1]!.weight).toBeGreaterThanOrEqual(ab.evidence[i]!.weight);
      }),
    );
  });

  it('property: learning one more proven identity never lowers the score', () => {
    fc.assert(
      fc.property(facts('a'), facts('b'), fc.constantFrom('a@x.io', 'c@x.io'), (a, b, email) => {
        const before = scoreMatch(a, b, 'IR').score;
        const after = scoreMatch(a, { ...b, verifiedEmails: [...b.verifiedEmails, email] }, 'IR').score;
        expect(after).toBeGreaterThanOrEqual(before);
      }),
    );
  });
});
