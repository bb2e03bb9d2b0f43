// The runtime's pure core: which contacts a tick dials, who counts as free, what follows an attempt.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { afterAttempt, freeForDialer, insideCampaignWindow, movesForward, planDials, shouldPause, type AgentView, type PlanCandidate, type PlanInput } from '../../../src/dialer/runtime/plan.js';
import { HOUR_MS, isInsideCallingWindow, UK_RULES, US_RULES } from '../../../src/dialer/rules/index.js';

const T0 = Date.UTC(2025, 2, 12, 15, 0, 0); // a Wednesday
const ZONES = ['Europe/London', 'America/New_York', 'America/Los_Angeles', 'Asia/Tehran', 'Australia/Sydney', 'Etc/GMT+10'];

const candidate = fc.record({
  id: fc.uuid(),
  phone: fc.constant('+12125550100'),
  zones: fc.subarray(ZONES, { minLength: 1, maxLength: 2 }),
  attempts: fc.integer({ min: 0, max: 5 }),
  doNotCall: fc.boolean(),
  history: fc.array(fc.record({ at: fc.integer({ min: T0 - 100 * HOUR_MS, max: T0 }), outcome: fc.constantFrom('connected' as const, 'abandoned' as const, 'machine' as const, 'no-answer' as const, 'busy' as const) }), { maxLength: 3 }),
}) satisfies fc.Arbitrary<PlanCandidate>;

const input = fc.record({
  now: fc.integer({ min: T0, max: T0 + 7 * 24 * HOUR_MS }),
  mode: fc.constantFrom('preview' as const, 'progressive' as const, 'predictive' as const),
  ruleSet: fc.constantFrom(US_RULES, UK_RULES),
  window: fc.constantFrom({ start: '09:00', end: '20:00' }, { start: '00:00', end: '23:59' }, { start: '10:00', end: '16:00', days: ['mon' as const, 'tue' as const] }),
  maxAttempts: fc.integer({ min: 1, max: 5 }),
  freeAgents: fc.uniqueArray(fc.constantFrom('a1', 'a2', 'a3', 'a4', 'a5'), { maxLength: 5 }),
  reservedAgents: fc.uniqueArray(fc.constantFrom('a1', 'a2', 'a3'), { maxLength: 3 }),
  workingAgents: fc.integer({ min: 0, max: 10 }),
  decision: fc.record({ dial: fc.integer({ min: 0, max: 30 }), reason: fc.constant('test'), mode: fc.constant('predictive' as const) }),
  callsPerSecondRoom: fc.integer({ min: 0, max: 5 }),
  candidates: fc.array(candidate, { maxLength: 25 }),
}) satisfies fc.Arbitrary<PlanInput>;

describe('planDials (properties)', () => {
  it('never dials with nobody working, beyond the calls-per-second room, outside a window, a DNC number, or past max attempts', () => {
    fc.assert(
      fc.property(input, (i) => {
        const plan = planDials(i);
        if (i.workingAgents === 0) expect(plan.dials).toEqual([]);
        expect(plan.dials.length).toBeLessThanOrEqual(i.callsPerSecondRoom);
        for (const d of plan.dials) {
          const c = i.candidates.find((x) => x.id === d.contactId)!;
          expect(c.doNotCall).toBe(false);
          expect(c.attempts).toBeLessThan(i.maxAttempts);
          expect(isInsideCallingWindow(c.zones, i.now, i.ruleSet)).toBe(true);
          expect(insideCampaignWindow(c.zones, i.now, i.window)).toBe(true);
          expect(d.evidence.dnc).toEqual({ checked: true, listed: false });
        }
      }),
      { numRuns: 400 },
    );
  });

  it('never redials a UK number within 72 h of an abandoned call or 24 h of a machine, unless an agent is guaranteed (preview)', () => {
    fc.assert(
      fc.property(input, (i) => {
        const plan = planDials({ ...i, ruleSet: UK_RULES });
        if (i.mode === 'preview') return;
        for (const d of plan.dials) {
          const c = i.candidates.find((x) => x.id === d.contactId)!;
          for (const h of c.history) {
            if (h.outcome === 'abandoned') expect(i.now - h.at).toBeGreaterThanOrEqual(72 * HOUR_MS);
            if (h.outcome === 'machine') expect(i.now - h.at).toBeGreaterThanOrEqual(24 * HOUR_MS);
          }
        }
      }),
      { numRuns: 400 },
    );
  });

  it('progressive and preview keep one distinct free, unreserved agent per call', () => {
    fc.assert(
      fc.property(input, (i) => {
        if (i.mode === 'predictive') return;
        const plan = planDials(i);
        const agents = plan.dials.map((d) => d.reservedAgentId);
        expect(new Set(agents).size).toBe(agents.length);
        for (const a of agents) {
          expect(i.freeAgents).toContain(a);
          expect(i.reservedAgents).not.toContain(a);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('freeForDialer: inbound first', () => {
  const agent: AgentView = { id: 'a', status: 'available', connected: true, capacity: 100, used: 0, skills: { sales: 5, fa: 3 } };
  const needs = [{ skill: 'sales', minLevel: 3 }];
  it('takes an idle, connected, skilled agent', () => expect(freeForDialer(agent, T0, needs, [])).toBe(true));
  it('not while they carry any work, are in wrap-up, away or offline-in-the-console', () => {
    expect(freeForDialer({ ...agent, used: 10 }, T0, needs, [])).toBe(false);
    expect(freeForDialer({ ...agent, wrapUpUntil: T0 + 1000 }, T0, needs, [])).toBe(false);
    expect(freeForDialer({ ...agent, status: 'away' }, T0, needs, [])).toBe(false);
    expect(freeForDialer({ ...agent, connected: false }, T0, needs, [])).toBe(false);
  });
  it('not without the campaign queue’s skills', () => expect(freeForDialer(agent, T0, [{ skill: 'sales', minLevel: 6 }], [])).toBe(false));
  it('not while an inbound voice task waits that they could take; a task they cannot take does not hold them', () => {
    expect(freeForDialer(agent, T0, needs, [[{ skill: 'fa', minLevel: 2 }]])).toBe(false);
    expect(freeForDialer(agent, T0, needs, [[{ skill: 'billing', minLevel: 1 }]])).toBe(true);
  });
});

describe('afterAttempt', () => {
  const base = { attempts: 1, outcomes: [], endedAt: T0, retry: {}, maxAttempts: 3, ruleSet: US_RULES };
  it('a connected call is done; an opt-out goes to DNC', () => {
    expect(afterAttempt({ ...base, outcome: 'connected' }).status).toBe('done');
    expect(afterAttempt({ ...base, outcome: 'opted-out' }).status).toBe('dnc');
  });
  it('retries after the outcome’s gap, until its own or the campaign’s maximum', () => {
    expect(afterAttempt({ ...base, outcome: 'no-answer', outcomes: ['no-answer'], retry: { noAnswer: { gapMinutes: 30, maxAttempts: 2 } } })).toEqual({
      status: 'pending',
      nextAttemptAt: T0 + 30 * 60_000,
      reason: 'no-answer: retry after 30 min',
    });
    expect(afterAttempt({ ...base, outcome: 'no-answer', outcomes: ['no-answer', 'no-answer'], retry: { noAnswer: { gapMinutes: 30, maxAttempts: 2 } } }).status).toBe('exhausted');
    expect(afterAttempt({ ...base, attempts: 3, outcome: 'busy', outcomes: ['busy'] }).status).toBe('exhausted');
  });
  it('UK: never sooner than 72 h after an abandoned call and 24 h after a machine, whatever the campaign says', () => {
    const uk = { ...base, ruleSet: UK_RULES, retry: { abandoned: { gapMinutes: 5, maxAttempts: 3 }, machine: { gapMinutes: 5, maxAttempts: 3 } } };
    expect(afterAttempt({ ...uk, outcome: 'abandoned', outcomes: ['abandoned'] })).toMatchObject({ status: 'pending', nextAttemptAt: T0 + 72 * HOUR_MS });
    expect(afterAttempt({ ...uk, outcome: 'machine', outcomes: ['machine'] })).toMatchObject({ status: 'pending', nextAttemptAt: T0 + 24 * HOUR_MS });
  });
});

describe('call progress and the backstop', () => {
  it('a status only moves forward', () => {
    expect(movesForward('ringing', 'answered')).toBe(true);
    expect(movesForward('answered', 'ringing')).toBe(false);
    expect(movesForward('connected', 'answered')).toBe(false);
  });
  it('pauses before one more abandoned call would pass the target, not on one early drop', () => {
    const rates = { rate30d: 0, rate24h: 0, live24h: 0, live30d: 0, abandoned30d: 0, abandoned24h: 0 };
    expect(shouldPause({ ...rates, live30d: 1, abandoned30d: 1, rate30d: 1 }, 0.03, 'US')).toBeNull();
    expect(shouldPause({ ...rates, live30d: 100, abandoned30d: 2, rate30d: 0.02 }, 0.03, 'US')).toBeNull();
    expect(shouldPause({ ...rates, live30d: 100, abandoned30d: 3, rate30d: 0.03 }, 0.03, 'US')).toMatch(/30-day/);
    expect(shouldPause({ ...rates, live30d: 1000, abandoned30d: 3, live24h: 100, abandoned24h: 3, rate24h: 0.03 }, 0.03, 'UK')).toMatch(/24-hour/);
    expect(shouldPause({ ...rates, live30d: 1000, abandoned30d: 3, live24h: 100, abandoned24h: 3, rate24h: 0.03 }, 0.03, 'US')).toBeNull();
  });
});
