import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  callsPerSecondRoom,
  countFloor,
  createPolicy,
  selectNumbersToDial,
  type AgentSnapshot,
  type CallSnapshot,
  type DialCandidate,
  type DialOutcome,
  type PacingState,
  type PolicyConfig,
} from '../../../src/dialer/pacing/index.js';
import { UK_RULES, US_RULES, type AttemptRecord } from '../../../src/dialer/rules/index.js';

const T0 = Date.UTC(2024, 9, 15, 14, 0, 0);
const H = 3_600_000;

const POLICIES: PolicyConfig[] = [
  { name: 'progressive' },
  { name: 'fixed-ratio', level: 2.5 },
  { name: 'vicidial-adapt', mode: 'ADAPT_HARD_LIMIT' },
  { name: 'vicidial-adapt', mode: 'ADAPT_TAPERED' },
  { name: 'vicidial-adapt', mode: 'ADAPT_AVERAGE' },
  { name: 'expected-value' },
  { name: 'pasokh' },
  { name: 'pasokh', fixedPrice: 0.5 }, // reckless on purpose: the guard must still hold
];

const agentArb: fc.Arbitrary<AgentSnapshot> = fc.oneof(
  fc.record({ id: fc.constant('a'), status: fc.constant('ready' as const), sinceMs: fc.nat({ max: 600_000 }) }),
  fc.record({ id: fc.constant('a'), status: fc.constant('talking' as const), sinceMs: fc.nat({ max: 1_800_000 }) }),
  fc.record({ id: fc.constant('a'), status: fc.constant('wrapping' as const), sinceMs: fc.nat({ max: 60_000 }), remainingMs: fc.option(fc.nat({ max: 60_000 }), { nil: undefined }) }),
  fc.record({ id: fc.constant('a'), status: fc.constant('paused' as const), sinceMs: fc.nat({ max: 600_000 }) }),
);

const callArb: fc.Arbitrary<CallSnapshot> = fc
  .record({ phase: fc.constantFrom('queued' as const, 'ringing' as const, 'answered' as const, 'waiting' as const), ageMs: fc.nat({ max: 40_000 }), phaseMs: fc.nat({ max: 25_000 }) })
  .map((c) => ({ id: 'c', ...c, phaseMs: Math.min(c.phaseMs, c.ageMs) }));

const dialsArb: fc.Arbitrary<DialOutcome[]> = fc
  .array(
    fc.record({
      ringMs: fc.nat({ max: 25_000 }),
      result: fc.constantFrom('connected' as const, 'abandoned' as const, 'machine' as const, 'no-answer' as const, 'busy' as const, 'failed' as const),
      verdictLagMs: fc.integer({ min: 1000, max: 5000 }),
    }),
    { maxLength: 40 },
  )
  .map((list) => list.map((d, i) => ({ seq: i, dialedAt: T0 - 60_000 + i, endedAt: T0 - 30_000 + i, ...d })));

const stateArb = fc
  .record({
    agents: fc.array(agentArb, { maxLength: 40 }),
    calls: fc.array(callArb, { maxLength: 60 }),
    dials: dialsArb,
    live: fc.nat({ max: 5000 }),
    abandonedShare: fc.double({ min: 0, max: 0.08, noNaN: true }),
    callsPerSecond: fc.integer({ min: 1, max: 10 }),
    queueTimeMs: fc.nat({ max: 5000 }),
    ruleSet: fc.constantFrom('US' as const, 'UK' as const),
    minAgents: fc.integer({ min: 1, max: 12 }),
  })
  .map((r): PacingState => {
    const window = { live: r.live, abandoned: Math.floor(r.live * r.abandonedShare), machine: Math.floor(r.live / 2) };
    return {
      agents: r.agents.map((a, i) => ({ ...a, id: `a${i}` })),
      calls: r.calls.map((c, i) => ({ ...c, id: `c${i}` })),
      recent: { dials: r.dials, conversations: [] },
      abandonment: { last30d: window, last24h: window, today: window },
      limits: { callsPerSecond: r.callsPerSecond, recentDialTimes: [], queueTimeMs: r.queueTimeMs },
      campaign: {
        ruleSet: r.ruleSet,
        abandonTarget: 0.03,
        dailyAbandonTarget: 0.025,
        amdFalsePositiveRate: 0.02,
        minAgentsForPredictive: r.minAgents,
        dayStartedAt: T0 - 4 * H,
        dayEndsAt: T0 + 4 * H,
      },
    };
  });

describe('pacing properties (every policy, behind the guard)', () => {
  it('never dials with no agent available, and always dials a whole number within the per-second room', () => {
    fc.assert(
      fc.property(stateArb, fc.nat({ max: POLICIES.length - 1 }), (s, which) => {
        const policy = createPolicy(POLICIES[which]!);
        const d = policy.decide(s, T0, policy.initialMemory());
        expect(Number.isInteger(d.dial)).toBe(true);
        expect(d.dial).toBeGreaterThanOrEqual(0);
        expect(d.dial).toBeLessThanOrEqual(callsPerSecondRoom(s, T0));
        if (countFloor(s).available === 0) expect(d.dial).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  it('never exceeds the calls-per-second limit in any one-second window over a run of decisions', () => {
    fc.assert(
      fc.property(
        stateArb,
        fc.nat({ max: POLICIES.length - 1 }),
        fc.array(fc.integer({ min: 50, max: 1500 }), { minLength: 5, maxLength: 40 }),
        (base, which, gaps) => {
          const policy = createPolicy(POLICIES[which]!);
          let memory = policy.initialMemory();
          const placed: number[] = [];
          let now = T0;
          for (const gap of gaps) {
            now += gap;
            const s: PacingState = { ...base, limits: { ...base.limits, recentDialTimes: placed.filter((t) => t > now - 1000) } };
            const step = policy.decide(s, now, memory);
            memory = step.memory;
            for (let i = 0; i < step.dial; i++) placed.push(now);
          }
          for (const t of placed) {
            const inWindow = placed.filter((u) => u > t - 1000 && u <= t).length;
            expect(inWindow).toBeLessThanOrEqual(base.limits.callsPerSecond);
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('pasokh falls back to progressive once the abandonment budget is spent', () => {
    fc.assert(
      fc.property(stateArb, fc.integer({ min: 40, max: 5000 }), (s, live) => {
        // Drops at or over the daily cap: no budget left.
        const window = { live, abandoned: Math.ceil(live * 0.025), machine: 0 };
        const spent: PacingState = { ...s, abandonment: { last30d: window, last24h: window, today: window } };
        const policy = createPolicy({ name: 'pasokh' });
        const d = policy.decide(spent, T0, policy.initialMemory());
        const floor = countFloor(spent);
        expect(d.reason.startsWith('fallback:') || d.reason === 'no-agents').toBe(true);
        expect(d.dial).toBeLessThanOrEqual(Math.max(0, floor.ready - floor.inFlight));
        expect(d.mode === 'progressive' || d.mode === 'none').toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});

// Candidates with their true zones, checked against the clock independently of the rules module.
const POOL: { e164: string; truth: string[] }[] = [
  { e164: '+12125550101', truth: ['America/New_York'] },
  { e164: '+13125550102', truth: ['America/Chicago'] },
  { e164: '+13035550103', truth: ['America/Denver'] },
  { e164: '+16025550104', truth: ['America/Phoenix'] },
  { e164: '+12135550105', truth: ['America/Los_Angeles'] },
  { e164: '+18085550106', truth: ['Pacific/Honolulu'] },
  { e164: '+19075550107', truth: ['America/Anchorage'] },
  { e164: '+18505550108', truth: ['America/Chicago', 'America/New_York'] },
  { e164: '+14725550109', truth: ['America/New_York', 'Pacific/Honolulu', 'America/Los_Angeles'] },
  { e164: '+442079460110', truth: ['Europe/London'] },
  { e164: '+16045550111', truth: ['America/Vancouver'] },
];

function localHour(zone: string, t: number): number {
  const s = new Date(t).toLocaleString('en-US', { timeZone: zone, hour: 'numeric', minute: 'numeric', hourCycle: 'h23' });
  const [h, m] = s.split(':').map(Number);
  return h! + m! / 60;
}

const attemptArb: fc.Arbitrary<AttemptRecord> = fc.record({
  at: fc.integer({ min: -96 * H, max: 0 }),
  outcome: fc.constantFrom('connected' as const, 'abandoned' as const, 'machine' as const, 'no-answer' as const, 'busy' as const),
});

describe('selectNumbersToDial properties', () => {
  it('never a do-not-call number, never outside the window, never against a redial rule, never more than asked', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ which: fc.nat({ max: POOL.length - 1 }), dnc: fc.boolean(), attempts: fc.array(attemptArb, { maxLength: 3 }) }), { maxLength: 30 }),
        fc.integer({ min: 0, max: 7 * 24 * 60 }),
        fc.nat({ max: 20 }),
        fc.constantFrom(US_RULES, UK_RULES),
        (rows, minute, dial, ruleSet) => {
          const now = T0 + minute * 60_000;
          const candidates = rows.map((r, i): DialCandidate & { truth: string[] } => ({
            id: String(i),
            e164: POOL[r.which]!.e164,
            truth: POOL[r.which]!.truth,
            history: { doNotCall: r.dnc, attempts: r.attempts.map((a) => ({ ...a, at: now + a.at })) },
          }));
          const { selected, skipped } = selectNumbersToDial({ dial }, candidates, now, { ruleSet });
          expect(selected.length).toBeLessThanOrEqual(dial);
          expect(selected.length + skipped.length).toBeLessThanOrEqual(candidates.length);
          for (const c of selected) {
            expect(c.history.doNotCall).toBe(false);
            for (const zone of c.truth) {
              const h = localHour(zone, now);
              expect(h >= 8 && h < 21).toBe(true);
            }
            if (ruleSet.id === 'UK') {
              for (const a of c.history.attempts) {
                if (a.outcome === 'abandoned') expect(now - a.at).toBeGreaterThanOrEqual(72 * H);
                if (a.outcome === 'machine') expect(now - a.at).toBeGreaterThanOrEqual(24 * H);
              }
            }
          }
        },
      ),
      { numRuns: 400 },
    );
  });
});
