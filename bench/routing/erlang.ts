/**
 * routing-erlang: the simulator + engine on a single-skill M/M/N queue against Erlang C.
 *
 * The anchors' worked example: 360 calls per 30 min (λ = 0.2/s), AHT 240 s (exponential), N = 55,
 * threshold 15 s; Poisson arrivals, no abandonment, accept delay 0, no wrap-up. A queue this loaded
 * (ρ = 0.87) forgets its past slowly, so one run of a few hours scatters by several SL points; the
 * benchmark runs independent replications (fixed seeds, one warm-up hour discarded from each) in
 * parallel and pools them, and prints the 95 % confidence half-widths next to the numbers.
 */
import { erlangC } from '../../src/domain/erlang.js';
import { RoutingEngine } from '../../src/routing/engine/index.js';
import type { QueueConfig } from '../../src/routing/engine/index.js';
import { generateArrivals, simulate } from '../../src/routing/sim/index.js';
import { emit, log } from '../lib/out.js';
import { runJobs } from '../lib/parallel.js';
import { ci95 } from '../lib/stats.js';

export const EXAMPLE = { callsPerInterval: 360, intervalSeconds: 1800, ahtSeconds: 240, agents: 55, thresholdSeconds: 15 };

export interface ReplicationArg {
  seed: number;
  hours: number;
  warmupHours: number;
}

export interface ReplicationOut {
  arrivals: number;
  answered: number;
  within: number;
  waitSeconds: number;
  busySeconds: number;
  staffedSeconds: number;
  ms: number;
}

/** One replication (runs in a child process). */
export function erlangReplication(arg: ReplicationArg): ReplicationOut {
  const started = performance.now();
  const ratePerHour = (EXAMPLE.callsPerInterval / EXAMPLE.intervalSeconds) * 3600;
  const queue: QueueConfig = {
    id: 'voice',
    channel: 'voice',
    requirement: null,
    priority: 0,
    serviceLevel: { targetFraction: 0.8, thresholdSeconds: EXAMPLE.thresholdSeconds },
    strategy: 'longest-idle',
    escalation: [],
    predictiveEscalation: false,
    agingPerMinute: 0,
    stickyWaitSeconds: 0,
    wrapUpSeconds: 0,
  };
  const arrivals = generateArrivals({
    seed: arg.seed,
    durationSeconds: (arg.hours + arg.warmupHours) * 3600,
    streams: [{ queueId: 'voice', channel: 'voice', ratePerHour, handle: { kind: 'exponential', mean: EXAMPLE.ahtSeconds } }],
  });
  const r = simulate({
    engine: new RoutingEngine(),
    queues: [queue],
    agents: Array.from({ length: EXAMPLE.agents }, (_, i) => ({ id: `agent-${String(i + 1).padStart(3, '0')}`, skills: {} })),
    arrivals,
    acceptDelay: 0,
    patience: null,
    warmupSeconds: arg.warmupHours * 3600,
    horizonSeconds: (arg.hours + arg.warmupHours) * 3600,
    // No escalation, sticky budget or wrap-up here: no engine timers, so no periodic tick is needed.
    tickSeconds: 3600,
    seed: arg.seed,
  });
  const busy = r.perAgent.reduce((s, a) => s + a.busySeconds, 0);
  const staffed = r.perAgent.reduce((s, a) => s + a.staffedSeconds, 0);
  return {
    arrivals: r.arrivals,
    answered: r.answered,
    within: r.answeredWithinThreshold,
    waitSeconds: r.asaSeconds * r.answered,
    busySeconds: busy,
    staffedSeconds: staffed,
    ms: performance.now() - started,
  };
}

export async function runErlangBench(opts: { replications?: number; hours?: number; seed?: number } = {}): Promise<void> {
  const replications = opts.replications ?? 10;
  const hours = opts.hours ?? 300;
  const seed = opts.seed ?? 20_240_601;
  const started = performance.now();
  log(`routing-erlang: ${replications} replications × ${hours} simulated hours (+1 h warm-up each), M/M/${EXAMPLE.agents}`);
  const outs = await runJobs<ReplicationOut>(
    Array.from({ length: replications }, (_, i) => ({
      module: new URL('./erlang.ts', import.meta.url).href,
      fn: 'erlangReplication',
      arg: { seed: seed + i, hours, warmupHours: 1 } satisfies ReplicationArg,
    })),
  );
  const sum = (f: (o: ReplicationOut) => number) => outs.reduce((s, o) => s + f(o), 0);
  const answered = sum((o) => o.answered);
  const sl = sum((o) => o.within) / answered;
  const asa = sum((o) => o.waitSeconds) / answered;
  const occupancy = sum((o) => o.busySeconds) / sum((o) => o.staffedSeconds);
  const e = erlangC(EXAMPLE);
  const slCi = ci95(outs.map((o) => o.within / o.answered));
  const asaCi = ci95(outs.map((o) => o.waitSeconds / o.answered));
  const slOk = Math.abs(sl - e.serviceLevel) <= 0.015;
  const asaOk = Math.abs(asa - e.asaSeconds) <= 0.1 * e.asaSeconds;
  log(`routing-erlang: ${answered} calls simulated in ${((performance.now() - started) / 1000).toFixed(1)} s wall (${(sum((o) => o.ms) / 1000).toFixed(1)} s of CPU in workers)`);
  emit({
    bench: 'routing-erlang',
    sl,
    erlang_sl: e.serviceLevel,
    asa_s: asa,
    erlang_asa_s: e.asaSeconds,
    occupancy,
    erlang_occupancy: e.occupancy,
    erlang_p_wait: e.pWait,
    sl_ci95: slCi,
    asa_ci95_s: asaCi,
    sl_error_points: (sl - e.serviceLevel) * 100,
    asa_error: (asa - e.asaSeconds) / e.asaSeconds,
    within_target: slOk && asaOk,
    sl_definition: 'answered within 15 s / answered',
    lambda_per_s: EXAMPLE.callsPerInterval / EXAMPLE.intervalSeconds,
    aht_s: EXAMPLE.ahtSeconds,
    agents: EXAMPLE.agents,
    threshold_s: EXAMPLE.thresholdSeconds,
    calls: answered,
    simulated_hours: replications * hours,
    replications,
    seed,
    accept_delay_s: 0,
    abandonment: false,
  });
}
