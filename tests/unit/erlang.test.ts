import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { agentsForServiceLevel, erlangB, erlangC, erlangCProbability } from '../../src/domain/erlang.js';

/** The textbook sum form, fine for small N: the reference the recursion is checked against. */
function pWaitBySums(a: number, n: number): number {
  let term = 1; // A^k / k!
  let sum = 0;
  for (let k = 0; k < n; k++) {
    sum += term;
    term = (term * a) / (k + 1);
  }
  const top = term * (n / (n - a)); // A^N/N! · N/(N−A)
  return top / (sum + top);
}

describe('Erlang C', () => {
  it('reproduces the worked example: 360 calls / 30 min, AHT 240 s, 55 agents, 15 s', () => {
    const r = erlangC({ callsPerInterval: 360, intervalSeconds: 1800, ahtSeconds: 240, agents: 55, thresholdSeconds: 15 });
    expect(r.trafficErlangs).toBeCloseTo(48, 9);
    expect(Math.abs(r.occupancy - 0.873)).toBeLessThanOrEqual(0.002);
    expect(Math.abs(r.pWait - 0.239)).toBeLessThanOrEqual(0.002);
    expect(Math.abs(r.asaSeconds - 8.2)).toBeLessThanOrEqual(0.1);
    expect(Math.abs(r.serviceLevel - 0.846)).toBeLessThanOrEqual(0.002);
  });

  it('takes the arrival rate per second as well', () => {
    const a = erlangC({ arrivalsPerSecond: 0.2, ahtSeconds: 240, agents: 55, thresholdSeconds: 15 });
    const b = erlangC({ callsPerInterval: 360, intervalSeconds: 1800, ahtSeconds: 240, agents: 55, thresholdSeconds: 15 });
    expect(a).toEqual(b);
  });

  it('agrees with the sum form where that one is still representable', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 120 }), fc.double({ min: 0.01, max: 0.99, noNaN: true }), (n, rho) => {
        const a = rho * n;
        expect(erlangCProbability(a, n)).toBeCloseTo(pWaitBySums(a, n), 9);
      }),
    );
  });

  it('stays finite and in range for hundreds and thousands of agents', () => {
    for (const n of [200, 500, 1000, 5000]) {
      const r = erlangC({ arrivalsPerSecond: (0.95 * n) / 300, ahtSeconds: 300, agents: n, thresholdSeconds: 20 });
      for (const v of [r.pWait, r.serviceLevel, r.asaSeconds, r.occupancy]) expect(Number.isFinite(v)).toBe(true);
      expect(r.pWait).toBeGreaterThan(0);
      expect(r.pWait).toBeLessThan(1);
      expect(r.serviceLevel).toBeGreaterThan(0);
      expect(r.serviceLevel).toBeLessThanOrEqual(1);
    }
    expect(erlangB(1000, 1000)).toBeGreaterThan(0);
  });

  it('reports an unstable queue (N ≤ A) as never served in time', () => {
    const r = erlangC({ arrivalsPerSecond: 1, ahtSeconds: 60, agents: 60, thresholdSeconds: 20 });
    expect(r).toMatchObject({ occupancy: 1, pWait: 1, serviceLevel: 0 });
    expect(r.asaSeconds).toBe(Number.POSITIVE_INFINITY);
  });

  it('no traffic: everyone answered at once', () => {
    expect(erlangC({ arrivalsPerSecond: 0, ahtSeconds: 60, agents: 3, thresholdSeconds: 20 })).toEqual({
      trafficErlangs: 0,
      occupancy: 0,
      pWait: 0,
      asaSeconds: 0,
      serviceLevel: 1,
    });
  });

  it('rejects nonsense input', () => {
    expect(() => erlangC({ arrivalsPerSecond: -1, ahtSeconds: 60, agents: 3, thresholdSeconds: 20 })).toThrow(/arrival rate/);
    expect(() => erlangC({ arrivalsPerSecond: 1, ahtSeconds: 0, agents: 3, thresholdSeconds: 20 })).toThrow(/ahtSeconds/);
    expect(() => erlangC({ arrivalsPerSecond: 1, ahtSeconds: 60, agents: Number.NaN, thresholdSeconds: 20 })).toThrow(/agents/);
  });

  it('more agents: SL rises and ASA falls (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.5, max: 300, noNaN: true }),
        fc.double({ min: 10, max: 900, noNaN: true }),
        fc.double({ min: 0, max: 120, noNaN: true }),
        fc.integer({ min: 1, max: 40 }),
        (erlangs, aht, t, extra) => {
          const n = Math.floor(erlangs) + extra;
          const base = { arrivalsPerSecond: erlangs / aht, ahtSeconds: aht, thresholdSeconds: t };
          const r1 = erlangC({ ...base, agents: n });
          const r2 = erlangC({ ...base, agents: n + 1 });
          expect(r2.serviceLevel).toBeGreaterThanOrEqual(r1.serviceLevel - 1e-12);
          expect(r2.asaSeconds).toBeLessThanOrEqual(r1.asaSeconds + 1e-12);
          expect(r2.pWait).toBeLessThanOrEqual(r1.pWait + 1e-12);
          expect(r2.occupancy).toBeLessThan(r1.occupancy + 1e-12);
        },
      ),
    );
  });

  it('a longer threshold never lowers SL (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.double({ min: 0.05, max: 0.99, noNaN: true }), fc.double({ min: 0, max: 60, noNaN: true }), (n, rho, t) => {
        const base = { arrivalsPerSecond: (rho * n) / 180, ahtSeconds: 180, agents: n };
        expect(erlangC({ ...base, thresholdSeconds: t + 5 }).serviceLevel).toBeGreaterThanOrEqual(erlangC({ ...base, thresholdSeconds: t }).serviceLevel - 1e-12);
      }),
    );
  });

  it('sizes a queue: the worked example needs 55 agents for 84 % in 15 s, 54 is not enough', () => {
    const n = agentsForServiceLevel({ callsPerInterval: 360, intervalSeconds: 1800, ahtSeconds: 240, thresholdSeconds: 15, targetFraction: 0.84 });
    expect(n).toBe(55);
  });
});
