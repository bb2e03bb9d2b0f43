// Builders for pacing snapshots in tests.
import type { AgentSnapshot, CallSnapshot, PacingState } from '../../../src/dialer/pacing/index.js';

export const T0 = Date.UTC(2024, 9, 15, 14, 0, 0);

export interface StateOverrides {
  agents?: AgentSnapshot[];
  calls?: CallSnapshot[];
  live?: number;
  abandoned?: number;
  machine?: number;
  callsPerSecond?: number;
  recentDialTimes?: number[];
  queueTimeMs?: number;
  ruleSet?: 'US' | 'UK';
  minAgentsForPredictive?: number;
  now?: number;
}

export function agents(ready: number, talking = 0, wrapping = 0, paused = 0): AgentSnapshot[] {
  const list: AgentSnapshot[] = [];
  for (let i = 0; i < ready; i++) list.push({ id: `r${i}`, status: 'ready', sinceMs: 1000 });
  for (let i = 0; i < talking; i++) list.push({ id: `t${i}`, status: 'talking', sinceMs: 10_000 * (i + 1) });
  for (let i = 0; i < wrapping; i++) list.push({ id: `w${i}`, status: 'wrapping', sinceMs: 2000, remainingMs: 3000 * (i + 1) });
  for (let i = 0; i < paused; i++) list.push({ id: `p${i}`, status: 'paused', sinceMs: 1000 });
  return list;
}

export function ringing(count: number, ageMs = 3000): CallSnapshot[] {
  return Array.from({ length: count }, (_, i) => ({ id: `c${i}`, phase: 'ringing' as const, ageMs, phaseMs: ageMs }));
}

export function state(o: StateOverrides = {}): PacingState {
  const now = o.now ?? T0;
  const window = { live: o.live ?? 2000, abandoned: o.abandoned ?? 20, machine: o.machine ?? 1500 };
  return {
    agents: o.agents ?? agents(5, 15),
    calls: o.calls ?? [],
    recent: { dials: [], conversations: [] },
    abandonment: { last30d: window, last24h: window, today: window },
    limits: { callsPerSecond: o.callsPerSecond ?? 10, recentDialTimes: o.recentDialTimes ?? [], queueTimeMs: o.queueTimeMs ?? 0 },
    campaign: {
      ruleSet: o.ruleSet ?? 'US',
      abandonTarget: 0.03,
      dailyAbandonTarget: 0.025,
      amdFalsePositiveRate: 0.02,
      minAgentsForPredictive: o.minAgentsForPredictive ?? 10,
      dayStartedAt: now - 4 * 3_600_000,
      dayEndsAt: now + 4 * 3_600_000,
    },
  };
}
