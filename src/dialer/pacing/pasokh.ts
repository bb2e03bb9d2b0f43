/**
 * Pasokh pacing: marginal overflow priced by an abandonment budget.
 *
 * The model. Look ahead over checkpoints t₁ < … < t_K (6, 9, 12, 16, 21 s, shifted by the provider's
 * QueueTime). At each checkpoint t:
 *
 *   F_t = Σ_agents Bernoulli(P(agent free by t + g))        (g = 0.8 s: how long an answered person
 *                                                          can wait — 2 s after the greeting minus
 *                                                          AMD's 1.2 s of listening)
 *   A_t = Σ_calls Bernoulli(P(call yields a person by t)) + Binomial(n, γ_t)
 *
 * F_t is a Poisson-binomial of agent-free events: ready agents are certain, a timed wrap-up is
 * certain once it ends, a talking agent is free with P(T + W ≤ e + t | T > e) under a lognormal talk
 * time T and a wrap-up W both estimated online (learn.ts). A_t is Poisson-binomial too: a call still
 * ringing at age a yields a person with the learned chance of an answer in (a, a + t − lag], an
 * answered call with the learned share of people among answers, each new call with γ_t.
 *
 * An agent taken by a call stays busy far past the horizon and a dropped person takes no agent, so
 * the people dropped over the horizon are max_t (A_t − F_t)⁺. Its expectation is estimated from the
 * exact expected overflows O_t = E[(A_t − F_t)⁺] by their upward variation, D = Σ_k (O_k − O_{k−1})⁺:
 * the largest O_t when overflow only builds up, more when it clears and builds again (two episodes).
 * In the simulation this estimate buys ~0.3 talk min/agent-hour over max_t O_t at equal abandonment.
 *
 * The decision. Start the n-th call while its marginal drops per marginal person,
 * (D(n) − D(n−1)) / γ_K, stay under a price λ, and D(n) under half the remaining budget. This is
 * the Lagrangian of "most talk for a given abandonment": drops are spent where they buy the most
 * (idle agents, calls landing as wrap-ups end) and not where they buy little.
 *
 * The budget. For each window — the last 30 days (FCC counting) and the last 24 h (for UK campaigns
 * Ofcom counting, the estimated AMD false positives on both sides) — the set point is 90 % of its cap;
 * the target drop rate is the set point plus the budget saved (or overspent) so far, spread over the
 * next two hours of expected answers; the tightest window wins. Every 30 s, λ moves multiplicatively
 * (gain 0.005) toward that target, measured against the drop rate of the last ~300 live answers;
 * while fewer than ten drops are expected today the evidence counts for less. Drops are rare, so λ
 * is meant to move slowly: its prior (0.015) is already within a factor ~1.7 of the right value across
 * floors and answer rates, and the model, not λ, follows shocks (answer rate, breaks). Near a cap,
 * λ is scaled down linearly as the headroom falls to one call.
 *
 * Fallbacks to progressive: fewer available agents than the campaign's minimum (a small floor's
 * variance makes prediction unsafe), or the budget spent — the drops still allowed,
 * min over windows of cap·live − abandoned, below one call. A cold campaign is therefore progressive
 * until enough people have answered to afford one drop. The guard (guard.ts) caps every decision by
 * calls per second and concurrency.
 */
import { callsPerSecondRoom, countFloor } from './guard.js';
import { agentFreeWithin, callPersonWithin } from './expected-value.js';
import { answerModel, ingest, initialLearned, workModel, type Learned } from './learn.js';
import { addBernoulli, clamp, poissonBinomialInto } from './math.js';
import { progressiveDecision } from './progressive.js';
import type { AbandonmentWindow, AgentSnapshot, CallSnapshot, PacingPolicy, PacingState, PacingStep } from './types.js';

export interface PasokhConfig {
  /** Share of each cap the controller aims at (default 0.9). */
  safety?: number;
  /** How long an answered person can wait for an agent after the AMD verdict (default 800 ms). */
  graceMs?: number;
  /** Checkpoints ahead, ms before QueueTime is added. */
  checkpointsMs?: readonly number[];
  initialPrice?: number;
  minPrice?: number;
  maxPrice?: number;
  /** Controller gain per 30-s step (default 0.005). */
  gain?: number;
  /** Live answers the recent drop rate averages over (default 300). */
  recentLive?: number;
  /** Hours over which budget saved (or overspent) is spread (default 2). */
  spendHours?: number;
  /** Below this many drops of headroom (plus one) the price is scaled down linearly (default 4). */
  softHeadroom?: number;
  /** Experiments: hold the price fixed and ignore the budget (no fallback when it is spent). */
  fixedPrice?: number;
}

export interface PasokhMemory {
  learned: Learned;
  /** λ: the most marginal drops per marginal person we pay for one more call. */
  price: number;
  nextControlAt: number;
  /** Budget spent: progressive until the headroom is back to two calls. */
  holding: boolean;
  /** Drops per live answer, exponentially averaged over the last ~`recentLive` answers. */
  recentRate: number;
}

const DEFAULT_CHECKPOINTS = [6, 9, 12, 16, 21].map((s) => s * 1000);
const CONTROL_MS = 30_000;
const HOUR_MS = 3_600_000;

export interface Budget {
  /** Drops still allowed before a cap is reached, in calls (tightest window). */
  headroom: number;
  /** The drop rate (abandoned / live, as the dialer counts) to aim at now. */
  targetRate: number;
}

/** Ofcom's estimate of people AMD hung up on, for a window's counts. */
function falsePositives(w: AbandonmentWindow, rate: number): number {
  const f = clamp(rate, 0, 0.5);
  return Math.min(w.machine, (w.live * f) / (1 - f));
}

/**
 * Where the campaign stands against its caps. For each window (30 days, FCC counting; 24 h, Ofcom
 * counting for UK campaigns): the drops still allowed under the cap, and the drop rate that would
 * bring the window to its set point (safety × cap) over the next `spendHours` — saved budget is
 * spent, overspending paid back. Future AMD false positives (UK) take their share first.
 */
export function abandonmentBudget(state: PacingState, now: number, safety: number, spendHours: number): Budget {
  const c = state.campaign;
  const uk = c.ruleSet === 'UK';
  const f = clamp(c.amdFalsePositiveRate, 0, 0.5);
  const fpPerLive = uk ? f / (1 - f) : 0;
  const fp24 = uk ? falsePositives(state.abandonment.last24h, f) : 0;
  const windows = [
    { cap: c.abandonTarget, live: state.abandonment.last30d.live, abandoned: state.abandonment.last30d.abandoned, fpPerLive: 0 },
    { cap: c.dailyAbandonTarget, live: state.abandonment.last24h.live + fp24, abandoned: state.abandonment.last24h.abandoned + fp24, fpPerLive },
  ];
  const today = state.abandonment.today;
  const hours = Math.max((now - c.dayStartedAt) / HOUR_MS, 0.25);
  const livePerHour = Math.max(today.live / hours, 20);
  let headroom = Infinity;
  let targetRate = Infinity;
  for (const w of windows) {
    const setPoint = safety * w.cap;
    headroom = Math.min(headroom, w.cap * w.live - w.abandoned);
    const spare = setPoint * w.live - w.abandoned;
    // Each future live answer brings fpPerLive estimated false positives, counted on both sides.
    const steady = setPoint * (1 + w.fpPerLive) - w.fpPerLive;
    targetRate = Math.min(targetRate, steady + spare / (spendHours * livePerHour));
  }
  return { headroom, targetRate: clamp(targetRate, 0, 2 * Math.min(c.abandonTarget, c.dailyAbandonTarget)) };
}

export function pasokhPolicy(config: PasokhConfig = {}): PacingPolicy<PasokhMemory> {
  const safety = config.safety ?? 0.9;
  const grace = config.graceMs ?? 800;
  const checkpoints = config.checkpointsMs ?? DEFAULT_CHECKPOINTS;
  const minPrice = config.minPrice ?? 0.002;
  const maxPrice = config.maxPrice ?? 0.08;
  const gain = config.gain ?? 0.005;
  const recentLive = config.recentLive ?? 300;
  const spendHours = config.spendHours ?? 2;
  const softHeadroom = config.softHeadroom ?? 4;
  return {
    name: 'pasokh',
    initialMemory: () => ({ learned: initialLearned(), price: config.initialPrice ?? 0.015, nextControlAt: 0, holding: false, recentRate: -1 }),
    decide(state: PacingState, now: number, prev: PasokhMemory): PacingStep<PasokhMemory> {
      const budget = abandonmentBudget(state, now, safety, spendHours);
      let { price, nextControlAt, holding, recentRate } = prev;
      if (recentRate < 0) recentRate = budget.targetRate;
      // The recent drop rate, from outcomes not read yet (read before `ingest` marks them seen).
      const dials = state.recent.dials;
      for (let i = dials.length - 1; i >= 0 && dials[i]!.seq > prev.learned.lastDialSeq; i--) {
        const r = dials[i]!.result;
        if (r === 'connected' || r === 'abandoned') recentRate += ((r === 'abandoned' ? 1 : 0) - recentRate) / recentLive;
      }
      const learned = ingest(prev.learned, state);
      const floor = countFloor(state);
      const predictiveAllowed = floor.available >= state.campaign.minAgentsForPredictive;
      if (now >= nextControlAt) {
        // The price only learns while predictive dialling is what produces the rates.
        if (nextControlAt !== 0 && predictiveAllowed && !holding) {
          // Drops are rare: until some ten are expected today, the evidence steers the price less.
          const scale = Math.max(budget.targetRate, 0.005);
          const evidence = clamp((state.abandonment.today.live * scale) / 10, 0, 1);
          price = clamp(price * Math.exp(gain * evidence * clamp((budget.targetRate - recentRate) / scale, -2, 2)), minPrice, maxPrice);
        }
        nextControlAt = nextControlAt === 0 ? now + CONTROL_MS : Math.max(nextControlAt + CONTROL_MS, now + 1);
      }
      let headroom = budget.headroom;
      if (config.fixedPrice !== undefined) [price, holding, headroom] = [config.fixedPrice, false, Infinity];
      else holding = headroom < 1;
      const memory: PasokhMemory = { learned, price, nextControlAt, holding, recentRate };

      if (!predictiveAllowed) return { ...progressiveDecision(state, 'fallback:few-agents'), memory };
      if (holding) return { ...progressiveDecision(state, 'fallback:budget-spent'), memory };
      let room = callsPerSecondRoom(state, now);
      if (state.limits.maxConcurrentCalls !== undefined) room = Math.min(room, Math.max(0, state.limits.maxConcurrentCalls - floor.inFlight));
      room = Math.min(room, 4 * floor.available + 4);
      if (room === 0) return { dial: 0, reason: 'cap:calls-per-second', mode: 'none', memory };

      // Close to a cap, pay less for each call: the price falls to zero as the headroom nears one call.
      const effectivePrice = price * clamp((headroom - 1) / softHeadroom, 0, 1);
      const dial = marginalDials(state, learned, effectivePrice, headroom / 2, room, checkpoints, grace);
      return { dial, reason: `predictive:price=${price.toFixed(4)}`, mode: dial > 0 ? 'predictive' : 'none', memory };
    },
  };
}

// Scratch space reused across decisions (its contents never outlive one call of `marginalDials`).
const scratch = {
  agents: [] as AgentSnapshot[],
  calls: [] as CallSnapshot[],
  timedWraps: [] as number[],
  profiles: new Float64Array(1024),
  row: new Float64Array(16),
  callProbs: new Float64Array(256),
  free: new Float64Array(129),
  arrivals: [] as { pmf: Float64Array<ArrayBuffer>; overflow: Float64Array<ArrayBuffer>; size: number; gamma: number }[],
  shift: { offset: 0 },
};

const grow = (buffer: Float64Array<ArrayBuffer>, needed: number): Float64Array<ArrayBuffer> => (buffer.length >= needed ? buffer : new Float64Array(needed * 2));

/** The most new calls (≤ room) whose marginal drops per marginal person stay under `price`. */
export function marginalDials(
  state: PacingState,
  learned: Learned,
  price: number,
  maxExpectedDrops: number,
  room: number,
  checkpoints: readonly number[],
  grace: number,
): number {
  const answers = answerModel(learned);
  const work = workModel(learned);
  const queue = state.limits.queueTimeMs;
  const K = checkpoints.length;
  // Agents and calls whose state is certain at every checkpoint are counted once, not convolved.
  let certainFree = 0;
  const timedWraps = scratch.timedWraps;
  const agents = scratch.agents;
  timedWraps.length = 0;
  agents.length = 0;
  for (const a of state.agents) {
    if (a.status === 'ready') certainFree++;
    else if (a.status === 'wrapping' && a.remainingMs !== undefined) timedWraps.push(a.remainingMs);
    else if (a.status !== 'paused') agents.push(a);
  }
  let certainPeople = 0;
  const calls = scratch.calls;
  calls.length = 0;
  for (const c of state.calls) {
    if (c.phase === 'waiting') certainPeople++;
    else calls.push(c);
  }
  const nA = agents.length;
  const nC = calls.length;
  const profiles = (scratch.profiles = grow(scratch.profiles, nA * K));
  const row = (scratch.row = grow(scratch.row, K));
  const callProbs = (scratch.callProbs = grow(scratch.callProbs, nC));
  const free = (scratch.free = grow(scratch.free, nA + 1));
  const horizons = new Array<number>(K);
  for (let k = 0; k < K; k++) horizons[k] = checkpoints[k]! + queue + grace;
  for (let i = 0; i < nA; i++) {
    const a = agents[i]!;
    if (a.status === 'talking') work.talkerFreeProfile(a.sinceMs, horizons, row);
    else for (let k = 0; k < K; k++) row[k] = agentFreeWithin(a, horizons[k]!, work);
    for (let k = 0; k < K; k++) profiles[k * nA + i] = row[k]!;
  }
  while (scratch.arrivals.length < K) scratch.arrivals.push({ pmf: new Float64Array(64), overflow: new Float64Array(64), size: 0, gamma: 0 });
  const arrivals = scratch.arrivals;
  const shift = scratch.shift;
  for (let k = 0; k < K; k++) {
    const t = checkpoints[k]! + queue;
    let sure = certainFree;
    for (const r of timedWraps) if (r <= t + grace) sure++;
    for (let j = 0; j < nC; j++) callProbs[j] = callPersonWithin(calls[j]!, t, answers, queue);
    const freeSize = poissonBinomialInto(nA > 0 ? profiles.subarray(k * nA, (k + 1) * nA) : profiles, nA, free, shift);
    const freeOffset = shift.offset + sure;
    const arrival = arrivals[k]!;
    const span = nC + room + 2;
    arrival.pmf = grow(arrival.pmf, span + 1);
    arrival.overflow = grow(arrival.overflow, span);
    arrival.size = poissonBinomialInto(callProbs, nC, arrival.pmf, shift);
    const arrivalOffset = shift.offset + certainPeople;
    arrival.gamma = answers.personWithin(0, t - queue - answers.verdictLagMs);
    // overflow[i] = E[(arrivalOffset + i − F)⁺] for every count the arrivals can reach:
    // g(x) = E[(x − F)⁺] grows by P(F ≤ x) from x to x + 1.
    const reach = arrival.size + room + 1;
    const overflow = arrival.overflow;
    let cdf = 0;
    let g = 0;
    const lastX = arrivalOffset + reach - 1;
    for (let x = Math.min(freeOffset, arrivalOffset); x <= lastX; x++) {
      if (x >= arrivalOffset) overflow[x - arrivalOffset] = g;
      const idx = x - freeOffset;
      if (idx >= 0 && idx < freeSize) cdf += free[idx]!;
      g += cdf;
    }
  }
  // D = Σ_k (O_k − O_{k−1})⁺ over the expected overflows O_k: the max when they only grow, more when
  // an overflow clears and builds again (two separate episodes of drops).
  const expectedDrops = (): number => {
    let ascent = 0;
    let previous = 0;
    for (let k = 0; k < K; k++) {
      const a = arrivals[k]!;
      let e = 0;
      for (let i = 0; i < a.size; i++) e += a.pmf[i]! * a.overflow[i]!;
      if (e > previous) ascent += e - previous;
      previous = e;
    }
    return ascent;
  };
  const personPerCall = Math.max(arrivals[K - 1]!.gamma, 1e-3);
  let before = expectedDrops();
  let dial = 0;
  while (dial < room) {
    for (let k = 0; k < K; k++) {
      const a = arrivals[k]!;
      a.size = addBernoulli(a.pmf, a.size, a.gamma);
    }
    const after = expectedDrops();
    if ((after - before) / personPerCall > price || after > maxExpectedDrops) break;
    before = after;
    dial++;
  }
  return dial;
}
