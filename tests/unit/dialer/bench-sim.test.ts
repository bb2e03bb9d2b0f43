// The simulation behind `npm run bench -- dialer`, on short days: it must be deterministic, agree
// with the closed forms for progressive and the oracle, and see no violation from any policy.
import { describe, expect, it } from 'vitest';
import { simulateOracle } from '../../../bench/dialer/oracle.js';
import type { Scenario } from '../../../bench/dialer/population.js';
import { summarize, withGap } from '../../../bench/dialer/report.js';
import { simulate, type RunResult } from '../../../bench/dialer/sim.js';
import { chart } from '../../../bench/dialer/svg.js';
import type { PolicyConfig } from '../../../src/dialer/pacing/index.js';

const scenario: Scenario = { id: 'test', agents: 20, p: 0.25, pAfterShock: 0.1, talkMeanS: 120, shocks: false, hours: 1.5, ruleSet: 'US', callsPerSecond: 4 };
const campaign = { abandonTarget: 0.03, dailyAbandonTarget: 0.025, minAgentsForPredictive: 10 };
const run = (policy: PolicyConfig, seed = 1, s = scenario): RunResult => simulate({ scenario: s, seed, policy, ...campaign });
const talk = (r: RunResult) => r.talkMs / 60_000 / (r.loggedMs / 3_600_000);
const violations = (r: RunResult) => Object.values(r.violations).reduce((a, b) => a + b, 0);

describe('dialer simulation', () => {
  it('is deterministic for a seed', () => {
    expect(run({ name: 'pasokh' }, 7)).toEqual(run({ name: 'pasokh' }, 7));
  });

  it('progressive abandons nobody and lands near 60·T / (T + W + D + M)', () => {
    const r = run({ name: 'progressive' });
    expect(r.abandoned).toBe(0);
    expect(violations(r)).toBe(0);
    expect(talk(r)).toBeGreaterThan(30);
    expect(talk(r)).toBeLessThan(39);
  });

  it('the oracle lands near 60·T / (T + W + M) and above every policy', () => {
    const oracle = simulateOracle(scenario, 1);
    expect(talk(oracle)).toBeGreaterThan(48);
    expect(talk(oracle)).toBeLessThan(54);
    for (const policy of [{ name: 'pasokh' }, { name: 'expected-value' }, { name: 'fixed-ratio', level: 1.5 }] as PolicyConfig[]) {
      expect(talk(run(policy))).toBeLessThan(talk(oracle));
    }
  });

  it('no policy breaks a per-call rule, even through breaks, a drop in answers and agents logging off', () => {
    const shocks: Scenario = { ...scenario, id: 'shocks', hours: 4.5, shocks: true, ruleSet: 'UK' };
    for (const policy of [{ name: 'pasokh' }, { name: 'fixed-ratio', level: 3 }] as PolicyConfig[]) {
      expect(run(policy, 2, shocks).violations).toEqual({ window: 0, dnc: 0, redial: 0, 'calls-per-second': 0, 'ring-time': 0, 'no-agents': 0 });
    }
  });

  it('reports lines with the gap closed, and draws them', () => {
    const lines = [summarize(scenario, 'progressive', '', [run({ name: 'progressive' })]), summarize(scenario, 'pasokh', '', [run({ name: 'pasokh' })]), summarize(scenario, 'oracle', '', [simulateOracle(scenario, 1)])];
    const [prog, , oracle] = lines;
    lines.forEach((l) => withGap(l, prog!.talk_min_per_agent_hour, oracle!.talk_min_per_agent_hour));
    expect(lines.map((l) => l.gap_closed)).toEqual([0, expect.any(Number), 1]);
    expect(lines[1]).toMatchObject({ bench: 'dialer', policy: 'pasokh', agents: 20, p: 0.25, violations: 0 });
    const svg = chart(lines);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/<circle cx=/g)?.length).toBe(6 + 3); // legend + one point per line
  });
});
