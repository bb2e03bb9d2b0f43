/**
 * Erlang C (M/M/N with an infinite queue and no abandonment): the reference a single-skill queue is
 * checked against. Pure math, no I/O.
 *
 * Traffic A = λ·AHT (erlangs), N agents. P_wait (the Erlang C probability that an arrival waits) is
 * computed from Erlang B by the usual recursion B(0) = 1, B(k) = A·B(k−1) / (k + A·B(k−1)), then
 * C = N·B / (N − A·(1 − B)). Every step stays in [0, 1], so it is exact and stable for N in the
 * hundreds or thousands, where A^N/N! would overflow.
 *
 *   SL(t) = 1 − P_wait · e^(−(N−A)·t/AHT)   (answered within t / answered: nobody abandons in M/M/N)
 *   ASA   = P_wait · AHT / (N − A)
 *   occupancy = A / N
 *
 * With N ≤ A the queue grows without bound: P_wait = 1, SL = 0, ASA = ∞, occupancy = 1.
 */

/** The arrival rate: per second, or as a count over an interval (360 calls per 1800 s). */
export type ArrivalRate = { arrivalsPerSecond: number } | { callsPerInterval: number; intervalSeconds: number };

export type ErlangInput = {
  ahtSeconds: number;
  agents: number;
  /** Service-level threshold t (seconds). */
  thresholdSeconds: number;
} & ArrivalRate;

export interface ErlangResult {
  /** A = λ·AHT. */
  trafficErlangs: number;
  /** A / N (1 when the queue is unstable). */
  occupancy: number;
  /** Probability an arrival has to wait (Erlang C). */
  pWait: number;
  /** Average speed of answer, seconds (∞ when unstable). */
  asaSeconds: number;
  /** Fraction answered within the threshold (as a fraction: 0.846, not 84.6). */
  serviceLevel: number;
}

/** Erlang B blocking probability for N servers and A erlangs, by the stable recursion. */
export function erlangB(trafficErlangs: number, agents: number): number {
  const n = Math.floor(agents);
  if (!(trafficErlangs > 0)) return 0;
  let b = 1;
  for (let k = 1; k <= n; k++) b = (trafficErlangs * b) / (k + trafficErlangs * b);
  return b;
}

/** Erlang C waiting probability (1 when N ≤ A). */
export function erlangCProbability(trafficErlangs: number, agents: number): number {
  const a = trafficErlangs;
  const n = Math.floor(agents);
  if (!(a > 0)) return 0;
  if (n <= a) return 1;
  const b = erlangB(a, n);
  return (n * b) / (n - a * (1 - b));
}

function arrivalRate(input: ArrivalRate): number {
  if ('arrivalsPerSecond' in input) return input.arrivalsPerSecond;
  return input.callsPerInterval / input.intervalSeconds;
}

export function erlangC(input: ErlangInput): ErlangResult {
  const lambda = arrivalRate(input);
  const aht = input.ahtSeconds;
  const n = Math.floor(input.agents);
  const t = input.thresholdSeconds;
  for (const [name, v] of [
    ['arrival rate', lambda],
    ['ahtSeconds', aht],
    ['agents', n],
    ['thresholdSeconds', t],
  ] as const) {
    if (!Number.isFinite(v) || v < 0) throw new RangeError(`erlangC: ${name} must be a finite number ≥ 0, got ${String(v)}`);
  }
  if (!(aht > 0)) throw new RangeError('erlangC: ahtSeconds must be > 0');
  const a = lambda * aht;
  if (a === 0) return { trafficErlangs: 0, occupancy: 0, pWait: 0, asaSeconds: 0, serviceLevel: 1 };
  if (n <= a) return { trafficErlangs: a, occupancy: 1, pWait: 1, asaSeconds: Number.POSITIVE_INFINITY, serviceLevel: 0 };
  const pWait = erlangCProbability(a, n);
  return {
    trafficErlangs: a,
    occupancy: a / n,
    pWait,
    asaSeconds: (pWait * aht) / (n - a),
    serviceLevel: 1 - pWait * Math.exp((-(n - a) * t) / aht),
  };
}

/** The fewest agents that reach a target service level (fraction) at threshold t; a sizing helper. */
export function agentsForServiceLevel(
  input: ArrivalRate & { ahtSeconds: number; thresholdSeconds: number; targetFraction: number },
  maxAgents = 100_000,
): number | null {
  const a = arrivalRate(input) * input.ahtSeconds;
  for (let n = Math.max(1, Math.floor(a) + 1); n <= maxAgents; n++) {
    if (erlangC({ ...input, agents: n }).serviceLevel >= input.targetFraction) return n;
  }
  return null;
}
