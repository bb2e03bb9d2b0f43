import { describe, expect, it } from 'vitest';
import { mayRedial, UK_RULES, US_RULES, type AttemptRecord } from '../../../src/dialer/rules/index.js';

const H = 3_600_000;
const t = Date.UTC(2024, 9, 15, 12);
const history = (attempts: AttemptRecord[], doNotCall = false) => ({ doNotCall, attempts });

describe('mayRedial', () => {
  it('never dials a do-not-call number, not even with an agent guaranteed', () => {
    expect(mayRedial(history([], true), t, US_RULES)).toEqual({ allowed: false, reason: 'do-not-call' });
    expect(mayRedial(history([], true), t, UK_RULES, { liveAgentGuaranteed: true }).allowed).toBe(false);
  });

  it('UK: no call within 72 h of an abandoned call', () => {
    const h = history([{ at: t, outcome: 'abandoned' }]);
    expect(mayRedial(h, t + 71 * H, UK_RULES)).toMatchObject({ allowed: false, reason: 'abandoned-within-72h', notBefore: t + 72 * H });
    expect(mayRedial(h, t + 72 * H, UK_RULES).allowed).toBe(true);
  });

  it('UK: no call within 24 h of a machine verdict', () => {
    const h = history([{ at: t, outcome: 'machine' }]);
    expect(mayRedial(h, t + 23 * H, UK_RULES)).toMatchObject({ allowed: false, reason: 'machine-within-24h', notBefore: t + 24 * H });
    expect(mayRedial(h, t + 24 * H, UK_RULES).allowed).toBe(true);
  });

  it('UK: a guaranteed live agent lifts both gaps', () => {
    const h = history([{ at: t, outcome: 'abandoned' }, { at: t + H, outcome: 'machine' }]);
    expect(mayRedial(h, t + 2 * H, UK_RULES, { liveAgentGuaranteed: true }).allowed).toBe(true);
  });

  it('reports the attempt that blocks longest', () => {
    const h = history([{ at: t, outcome: 'abandoned' }, { at: t + 60 * H, outcome: 'machine' }]);
    expect(mayRedial(h, t + 61 * H, UK_RULES)).toMatchObject({ notBefore: t + 84 * H, blockedBy: { outcome: 'machine' } });
  });

  it('US: no statutory redial gap; other outcomes never block', () => {
    const h = history([{ at: t, outcome: 'abandoned' }, { at: t, outcome: 'machine' }]);
    expect(mayRedial(h, t + 1, US_RULES).allowed).toBe(true);
    expect(mayRedial(history([{ at: t, outcome: 'no-answer' }, { at: t, outcome: 'busy' }]), t + 1, UK_RULES).allowed).toBe(true);
  });
});
