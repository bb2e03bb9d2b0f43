import { describe, expect, it } from 'vitest';
import { AbandonmentLedger, abandonmentRate, DAY_MS, HOUR_MS, UK_RULES, US_RULES } from '../../../src/dialer/rules/index.js';

const t = Date.UTC(2024, 9, 15, 12);

function fill(ledger: AbandonmentLedger, at: number, connected: number, abandoned: number, machine: number): void {
  ledger.record('connected', at, connected);
  ledger.record('abandoned', at, abandoned);
  ledger.record('machine', at, machine);
}

describe('abandonment counting', () => {
  it('FCC: abandoned over live answers in the last 30 days', () => {
    const ledger = new AbandonmentLedger();
    fill(ledger, t - 40 * DAY_MS, 100, 50, 0); // outside the window
    fill(ledger, t - 10 * DAY_MS, 970, 30, 400);
    const s = ledger.summary(t, US_RULES);
    expect(s.fcc30d).toMatchObject({ live: 1000, abandoned: 30, falsePositives: 0 });
    expect(s.fcc30d.rate).toBeCloseTo(0.03, 10);
    expect(s.rule).toMatchObject({ cap: 0.03, withinCap: true });
  });

  it('Ofcom: the last 24 h, with an estimate of people AMD hung up on', () => {
    const ledger = new AbandonmentLedger();
    fill(ledger, t - 2 * DAY_MS, 500, 100, 0); // outside 24 h
    fill(ledger, t - HOUR_MS, 980, 20, 400);
    const s = ledger.summary(t, UK_RULES, { amdFalsePositiveRate: 0.02 });
    const fp = (1000 * 0.02) / 0.98;
    expect(s.ofcom24h.falsePositives).toBeCloseTo(fp, 10);
    expect(s.ofcom24h.rate).toBeCloseTo((20 + fp) / (1000 + fp), 10);
    expect(s.rule.windowMs).toBe(DAY_MS);
    expect(s.rule.withinCap).toBe(false); // 2 % + 2 % of false positives
  });

  it('never estimates more false positives than machine verdicts', () => {
    expect(abandonmentRate({ live: 1000, abandoned: 0, machine: 3 }, true, 0.05).falsePositives).toBe(3);
    expect(abandonmentRate({ live: 0, abandoned: 0, machine: 0 }, true).rate).toBe(0);
  });

  it('accepts late records and finds the worst hour', () => {
    const ledger = new AbandonmentLedger();
    for (let m = 0; m < 180; m++) ledger.record('connected', t + m * 60_000, 2);
    ledger.record('abandoned', t + 90 * 60_000, 12); // a bad burst in the middle
    ledger.record('connected', t + 10 * 60_000, 5); // arrives late
    expect(ledger.counts(t, t + 180 * 60_000)).toEqual({ live: 360 + 12 + 5, abandoned: 12, machine: 0 });
    const worst = ledger.worstWindow(HOUR_MS, t, t + 180 * 60_000, false);
    expect(worst.abandoned).toBe(12);
    expect(worst.rate).toBeCloseTo(12 / (120 + 12), 10);
  });
});
