import { describe, expect, it } from 'vitest';
import {
  createPolicy,
  expectedValuePolicy,
  fixedRatioPolicy,
  initialLearned,
  lognormalFromMean,
  normalCdf,
  Pacer,
  pasokhPolicy,
  poissonBinomial,
  progressivePolicy,
  vicidialAdaptPolicy,
  type PacingState,
  type VicidialMemory,
} from '../../../src/dialer/pacing/index.js';
import { agents, ringing, state, T0 } from './state.js';

describe('numeric helpers', () => {
  it('Poisson-binomial matches brute force and sums to one', () => {
    const probs = [0.1, 0.5, 0.9, 1, 0, 0.3];
    const { offset, pmf } = poissonBinomial(probs);
    const brute = new Array(probs.length + 1).fill(0);
    for (let mask = 0; mask < 1 << probs.length; mask++) {
      let p = 1;
      let k = 0;
      probs.forEach((q, i) => {
        const on = (mask >> i) & 1;
        p *= on ? q : 1 - q;
        k += on;
      });
      brute[k] += p;
    }
    for (let k = 0; k < brute.length; k++) expect(pmf[k - offset] ?? 0).toBeCloseTo(brute[k], 12);
    expect(pmf.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });

  it('normal CDF and lognormal moments', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
    const { mu, sigma } = lognormalFromMean(120, 1);
    expect(Math.exp(mu + (sigma * sigma) / 2)).toBeCloseTo(120, 9);
  });
});

describe('progressive', () => {
  it('keeps one call in flight per ready agent', () => {
    const p = progressivePolicy();
    expect(p.decide(state({ agents: agents(4, 6), calls: ringing(1) }), T0, null)).toMatchObject({ dial: 3, mode: 'progressive' });
    expect(p.decide(state({ agents: agents(2, 6), calls: ringing(3) }), T0, null).dial).toBe(0);
  });
});

describe('fixed ratio', () => {
  it('dials round(level × (ready + in call)) − calls in progress, every 2.5 s', () => {
    const p = fixedRatioPolicy({ level: 2 });
    const s = state({ agents: agents(3, 7, 2), calls: ringing(5) });
    // goal = round(2 × 10) = 20; in progress = 5 ringing + 7 with agents.
    const first = p.decide(s, T0, p.initialMemory());
    expect(first.dial).toBe(8);
    expect(p.decide(s, T0 + 1000, first.memory)).toMatchObject({ dial: 0, reason: 'between-loops' });
    expect(p.decide(s, T0 + 2500, first.memory).dial).toBe(8);
  });

  it('counts ready agents only with the available-only tally', () => {
    const p = fixedRatioPolicy({ level: 2, availableOnly: true });
    expect(p.decide(state({ agents: agents(3, 7), calls: [] }), T0, p.initialMemory()).dial).toBe(0); // 6 − (0 + 7)
  });
});

describe('VICIdial-style adaptive', () => {
  const run = (mode: 'ADAPT_HARD_LIMIT' | 'ADAPT_AVERAGE' | 'ADAPT_TAPERED', s: PacingState, seconds: number) => {
    const p = vicidialAdaptPolicy({ mode });
    let m: VicidialMemory = p.initialMemory();
    for (let i = 0; i <= seconds; i++) m = p.decide(s, T0 + i * 1000, m).memory;
    return m;
  };

  it('climbs to the maximum level within ~30 s when every agent waits (the start-up overshoot)', () => {
    const idle = state({ agents: agents(20), live: 0, abandoned: 0 });
    expect(run('ADAPT_TAPERED', idle, 31).level).toBe(3);
  });

  it('HARD_LIMIT drops to 1.0 once today’s drop % is over the limit; AVERAGE halves each cycle', () => {
    const over = state({ agents: agents(20), live: 100, abandoned: 10 });
    expect(run('ADAPT_HARD_LIMIT', over, 200).level).toBe(1);
    const avg = run('ADAPT_AVERAGE', over, 200);
    expect(avg.level).toBeLessThan(1.5);
  });
});

describe('expected value', () => {
  it('dials for the agents about to be free, less the people already on their way', () => {
    const p = expectedValuePolicy();
    const none = p.decide(state({ agents: agents(0, 20) }), T0, p.initialMemory());
    const some = p.decide(state({ agents: agents(5, 15) }), T0, p.initialMemory());
    const busy = p.decide(state({ agents: agents(5, 15), calls: ringing(60) }), T0, p.initialMemory());
    expect(some.dial).toBeGreaterThan(none.dial);
    expect(busy.dial).toBeLessThan(some.dial);
  });
});

describe('pasokh', () => {
  const p = createPolicy({ name: 'pasokh' });

  it('falls back to progressive below the minimum floor', () => {
    const d = p.decide(state({ agents: agents(4, 5) }), T0, p.initialMemory());
    expect(d).toMatchObject({ dial: 4, reason: 'fallback:few-agents', mode: 'progressive' });
  });

  it('falls back to progressive when the abandonment budget is spent', () => {
    // 2.5 % of 2000 live answers is 50: 50 abandoned leaves no drop to spend.
    const d = p.decide(state({ agents: agents(6, 14), live: 2000, abandoned: 50 }), T0, p.initialMemory());
    expect(d).toMatchObject({ dial: 6, reason: 'fallback:budget-spent', mode: 'progressive' });
  });

  it('a cold campaign starts progressive: one drop would already break the cap', () => {
    expect(p.decide(state({ agents: agents(6, 14), live: 0, abandoned: 0 }), T0, p.initialMemory()).reason).toBe('fallback:budget-spent');
  });

  it('counts Ofcom’s estimated AMD false positives against a UK campaign’s daily budget', () => {
    // 1 % dropped is well inside 2.5 %, but 3 % of live callees taken for machines is not.
    const uk = pasokhPolicy().decide({ ...state({ agents: agents(6, 14), ruleSet: 'UK', live: 2000, abandoned: 20 }), campaign: { ...state().campaign, ruleSet: 'UK', amdFalsePositiveRate: 0.03 } }, T0, pasokhPolicy().initialMemory());
    expect(uk.reason).toBe('fallback:budget-spent');
  });

  it('dials ahead for idle agents, and less when calls are already ringing for them', () => {
    const idle = p.decide(state({ agents: agents(8, 12) }), T0, p.initialMemory());
    expect(idle.mode).toBe('predictive');
    expect(idle.dial).toBeGreaterThan(8);
    const covered = p.decide(state({ agents: agents(8, 12), calls: ringing(60) }), T0, p.initialMemory());
    expect(covered.dial).toBeLessThan(idle.dial);
  });

  it('stops at the calls-per-second limit, counting the last second’s calls', () => {
    const d = p.decide(state({ agents: agents(20, 0), callsPerSecond: 3, recentDialTimes: [T0 - 1500, T0 - 500] }), T0, p.initialMemory());
    expect(d.dial).toBe(2);
  });

  it('is deterministic and its memory is plain data', () => {
    const a = new Pacer(createPolicy({ name: 'pasokh' }));
    const b = new Pacer(createPolicy({ name: 'pasokh' }));
    const s = state({ agents: agents(8, 12), calls: ringing(10) });
    for (let i = 0; i < 40; i++) expect(a.decide(s, T0 + i * 1000)).toEqual(b.decide(s, T0 + i * 1000));
    const memory = a.snapshot();
    expect(JSON.parse(JSON.stringify(memory))).toEqual(memory);
    expect(initialLearned()).toEqual(JSON.parse(JSON.stringify(initialLearned())));
  });
});
