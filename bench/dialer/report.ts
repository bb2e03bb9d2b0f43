/**
 * From the runs of one policy on one scenario (one run per seed = one campaign day) to the JSON line.
 *
 * - talk_min_per_agent_hour, occupancy, dials_per_agent_hour: pooled over the days, per logged-in
 *   agent-hour (breaks and time after logging off excluded).
 * - abandon_30d: FCC counting (abandoned / AMD-human answers) pooled over all the days — one campaign
 *   shorter than 30 days.
 * - abandon_worst_24h: the worst single day, counted the rule set's way (US: as abandon_30d; UK:
 *   Ofcom, with AMD false positives added to both sides). abandon_worst_24h_ofcom is always the Ofcom
 *   count, with the true number of people AMD hung up on.
 * - violations: every hard-rule breach the independent checker saw on a placed call, plus one per
 *   rate cap exceeded (30-day FCC; per-day Ofcom for UK campaigns).
 * - gap_closed = (policy − progressive) / (oracle − progressive) on talk minutes per agent-hour.
 */
import type { Scenario } from './population.js';
import type { RunResult, ViolationKind } from './sim.js';

export interface Line {
  bench: 'dialer';
  policy: string;
  scenario: string;
  agents: number;
  p: number;
  p_after_shock?: number;
  talk_mean_s: number;
  shocks: boolean;
  rules: 'US' | 'UK';
  talk_min_per_agent_hour: number;
  occupancy: number;
  abandon_30d: number;
  abandon_worst_24h: number;
  violations: number;
  gap_closed: number | null;
  [extra: string]: unknown;
}

export const round = (x: number, digits = 4): number => Math.round(x * 10 ** digits) / 10 ** digits;

export function dayRate(run: RunResult, rules: 'US' | 'UK'): number {
  if (rules === 'US') return run.live > 0 ? run.abandoned / run.live : 0;
  return ofcomRate(run);
}

export function ofcomRate(run: RunResult): number {
  const d = run.live + run.falsePositives;
  return d > 0 ? (run.abandoned + run.falsePositives) / d : 0;
}

export function pooled(runs: RunResult[], key: (r: RunResult) => number): number {
  return runs.reduce((a, r) => a + key(r), 0);
}

export function talkRate(runs: RunResult[]): number {
  const logged = pooled(runs, (r) => r.loggedMs);
  return logged > 0 ? pooled(runs, (r) => r.talkMs) / 60_000 / (logged / 3_600_000) : 0;
}

export function abandon30d(runs: RunResult[]): number {
  const live = pooled(runs, (r) => r.live);
  return live > 0 ? pooled(runs, (r) => r.abandoned) / live : 0;
}

export function worstDay(runs: RunResult[], rules: 'US' | 'UK'): number {
  return Math.max(0, ...runs.map((r) => dayRate(r, rules)));
}

/** Whether the runs meet the campaign's caps (the bench's targets). */
export function meetsCaps(runs: RunResult[], rules: 'US' | 'UK', abandonTarget: number, dailyTarget: number): boolean {
  return abandon30d(runs) <= abandonTarget && worstDay(runs, rules) <= dailyTarget;
}

function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

export function summarize(scenario: Scenario, policy: string, variant: string, runs: RunResult[]): Line {
  const logged = pooled(runs, (r) => r.loggedMs);
  const byKind: Record<ViolationKind, number> = { window: 0, dnc: 0, redial: 0, 'calls-per-second': 0, 'ring-time': 0, 'no-agents': 0 };
  for (const r of runs) for (const [k, v] of Object.entries(r.violations)) byKind[k as ViolationKind] += v;
  const ab30 = abandon30d(runs);
  const rateViolations = (ab30 > 0.03 ? 1 : 0) + (scenario.ruleSet === 'UK' ? runs.filter((r) => ofcomRate(r) > 0.03).length : 0);
  const perCall = Object.values(byKind).reduce((a, b) => a + b, 0);
  const waits = runs.flatMap((r) => r.waitsMs).sort((a, b) => a - b);
  const connects = pooled(runs, (r) => r.connects);
  const decisions = pooled(runs, (r) => r.decisions);
  const line: Line = {
    bench: 'dialer',
    policy,
    scenario: scenario.id,
    agents: scenario.agents,
    p: scenario.p,
    ...(scenario.shocks ? { p_after_shock: scenario.pAfterShock } : {}),
    talk_mean_s: scenario.talkMeanS,
    shocks: scenario.shocks,
    rules: scenario.ruleSet,
    talk_min_per_agent_hour: round(talkRate(runs), 2),
    occupancy: round(logged > 0 ? pooled(runs, (r) => r.busyMs) / logged : 0),
    abandon_30d: round(ab30),
    abandon_worst_24h: round(worstDay(runs, scenario.ruleSet)),
    violations: perCall + rateViolations,
    gap_closed: null,
    abandon_worst_24h_ofcom: round(Math.max(0, ...runs.map(ofcomRate))),
    abandon_worst_1h: round(Math.max(0, ...runs.map((r) => r.worst1h))),
    violations_by_kind: { ...byKind, 'abandon-rate': rateViolations },
    wait_between_calls_mean_s: round(waits.length > 0 ? waits.reduce((a, b) => a + b, 0) / waits.length / 1000 : 0, 2),
    wait_between_calls_p90_s: round(percentile(waits, 0.9) / 1000, 2),
    dials_per_agent_hour: round(logged > 0 ? pooled(runs, (r) => r.dials) / (logged / 3_600_000) : 0, 1),
    peak_cps: Math.max(0, ...runs.map((r) => r.peakCps)),
    cps_limit: scenario.callsPerSecond,
    leads_per_connect: round(connects > 0 ? pooled(runs, (r) => r.leadsUsed) / connects : 0, 2),
    live_answers: pooled(runs, (r) => r.live),
    seeds: runs.length,
    hours_per_day: scenario.hours,
  };
  if (variant) line['variant'] = variant;
  if (policy === 'pasokh') line['progressive_fallback_share'] = round(decisions > 0 ? pooled(runs, (r) => r.fallbackSeconds) / decisions : 0);
  if (scenario.shocks) line['abandon_30m_after_shocks'] = round(pooled(runs, (r) => r.shockAbandon) / Math.max(1, runs.length));
  return line;
}

export function withGap(line: Line, progressive: number, oracle: number): Line {
  const span = oracle - progressive;
  line.gap_closed = line.policy === 'progressive' ? 0 : line.policy === 'oracle' ? 1 : span > 0 ? round((line.talk_min_per_agent_hour - progressive) / span, 3) : null;
  return line;
}
