/**
 * What a policy learns online from finished dials and conversations, as plain data.
 *
 * - The answer profile: over recent dials (exponential forgetting, ~`DIAL_MEMORY` dials), a
 *   histogram by ring time of the calls that turned out to be people, and of the calls that stopped
 *   ringing (any way). From it: the live answer rate p̂, and for a call still ringing at age a the
 *   chance that a person answers within the next x seconds, P = (H(a+x) − H(a)) / R̄(a), where H is
 *   the cumulative people-answer histogram and R̄(a) the mass of calls that ring at least a.
 * - AMD timing: mean time from answer to the human verdict, and the share of answered calls that are
 *   people (for calls picked up and still being listened to).
 * - Talk time: a lognormal fitted by exponentially weighted log-moments; wrap-up: mean and variance.
 *
 * Every `ingest` returns a new object; the arrays inside are copied before they change.
 */
import { clamp, lognormalFromMean, lognormalSurvival } from './math.js';
import type { PacingState } from './types.js';

export const BIN_MS = 1000;
export const BINS = 64;
const DIAL_MEMORY = 400;
const CONVERSATION_MEMORY = 200;

export interface Learned {
  lastDialSeq: number;
  lastConversationSeq: number;
  /** Decayed counts per ring-time bin (1 s). */
  peopleByRing: number[];
  ringEndByRing: number[];

  /** Decayed counts of answered calls and of those that were people. */
  answered: number;
  people: number;
  /** Answer → AMD human verdict, ms (EWMA). */
  verdictLagMs: number;
  /** Lognormal talk-time fit (seconds), with the weight of evidence behind it. */
  talkMu: number;
  talkSigma: number;
  talkWeight: number;
  /** Wrap-up mean and variance (seconds²). */
  wrapMean: number;
  wrapVar: number;
  wrapWeight: number;
}

/** A neutral prior worth ~20 dials and ~5 conversations: it says little and is soon outweighed. */
export function initialLearned(): Learned {
  const peopleByRing = new Array<number>(BINS).fill(0);
  const ringEndByRing = new Array<number>(BINS).fill(0);
  // Prior: 20 dials ending evenly over 2–25 s, 3 of them people answering over 4–16 s.
  for (let b = 2; b < 26; b++) ringEndByRing[b] = 20 / 24;
  for (let b = 4; b < 16; b++) peopleByRing[b] = 3 / 12;

  const talk = lognormalFromMean(120, 1);
  return {
    lastDialSeq: -1,
    lastConversationSeq: -1,
    peopleByRing,
    ringEndByRing,
    answered: 6,
    people: 3,
    verdictLagMs: 2500,
    talkMu: talk.mu,
    talkSigma: talk.sigma,
    talkWeight: 5,
    wrapMean: 20,
    wrapVar: 36,
    wrapWeight: 5,
  };
}

/** Reads the outcomes newer than the ones already seen. */
export function ingest(prev: Learned, state: PacingState): Learned {
  const dials = state.recent.dials;
  const conversations = state.recent.conversations;
  const lastDial = dials.length > 0 ? dials[dials.length - 1]!.seq : -1;
  const lastConv = conversations.length > 0 ? conversations[conversations.length - 1]!.seq : -1;
  if (lastDial <= prev.lastDialSeq && lastConv <= prev.lastConversationSeq) return prev;
  const next: Learned = { ...prev };
  if (lastDial > prev.lastDialSeq) {
    let first = dials.length;
    while (first > 0 && dials[first - 1]!.seq > prev.lastDialSeq) first--;
    const people = prev.peopleByRing.slice();
    const ends = prev.ringEndByRing.slice();
    const keep = 1 - 1 / DIAL_MEMORY;
    for (let i = first; i < dials.length; i++) {
      const d = dials[i]!;
      const bin = Math.min(BINS - 1, Math.max(0, Math.floor(d.ringMs / BIN_MS)));
      for (let b = 0; b < BINS; b++) {
        people[b]! *= keep;
        ends[b]! *= keep;
      }
      ends[bin]! += 1;
      const isPerson = d.result === 'connected' || d.result === 'abandoned';
      if (isPerson) {
        people[bin]! += 1;
        if (d.verdictLagMs !== undefined) next.verdictLagMs += (d.verdictLagMs - next.verdictLagMs) / 50;
      }
      if (isPerson || d.result === 'machine') {
        next.answered = next.answered * keep + 1;
        if (isPerson) next.people = next.people * keep + 1;
        else next.people *= keep;
      }
    }
    next.peopleByRing = people;
    next.ringEndByRing = ends;
    next.lastDialSeq = lastDial;
  }
  if (lastConv > prev.lastConversationSeq) {
    let first = conversations.length;
    while (first > 0 && conversations[first - 1]!.seq > prev.lastConversationSeq) first--;
    let { talkMu, talkSigma, talkWeight, wrapMean, wrapVar, wrapWeight } = next;
    let talkM2 = talkSigma * talkSigma + talkMu * talkMu;
    for (let i = first; i < conversations.length; i++) {
      const c = conversations[i]!;
      const x = Math.log(Math.max(c.talkMs, 1000) / 1000);
      talkWeight = Math.min(talkWeight + 1, CONVERSATION_MEMORY);
      const a = 1 / talkWeight;
      talkMu += a * (x - talkMu);
      talkM2 += a * (x * x - talkM2);
      const w = c.wrapMs / 1000;
      wrapWeight = Math.min(wrapWeight + 1, CONVERSATION_MEMORY);
      const bw = 1 / wrapWeight;
      const d = w - wrapMean;
      wrapMean += bw * d;
      wrapVar = (1 - bw) * (wrapVar + bw * d * d);
    }
    talkSigma = clamp(Math.sqrt(Math.max(talkM2 - talkMu * talkMu, 0)), 0.2, 2);
    Object.assign(next, { talkMu, talkSigma, talkWeight, wrapMean, wrapVar, wrapWeight, lastConversationSeq: lastConv });
  }
  return next;
}

/** Prefix sums of a histogram: prefix[b] = Σ hist[0..b). */
function prefixSums(hist: readonly number[]): Float64Array {
  const prefix = new Float64Array(BINS + 1);
  for (let b = 0; b < BINS; b++) prefix[b + 1] = prefix[b]! + hist[b]!;
  return prefix;
}

/** Mass below `ringMs` (linear within a bin). */
function cumulative(hist: readonly number[], prefix: Float64Array, ringMs: number): number {
  if (ringMs <= 0) return 0;
  const x = ringMs / BIN_MS;
  const whole = Math.floor(x);
  if (whole >= BINS) return prefix[BINS]!;
  return prefix[whole]! + hist[whole]! * (x - whole);
}

/** Precomputed views of `Learned` for one decision. */
export interface AnswerModel {
  /** Live answer rate per dial. */
  pLive: number;
  /** Share of answered calls that are people. */
  pPersonGivenAnswered: number;
  verdictLagMs: number;
  /** P(a person answers in (ageMs, ageMs + withinMs] | still ringing at ageMs). */
  personWithin(ageMs: number, withinMs: number): number;
  /** P(a person eventually answers | still ringing at ageMs). */
  personEventually(ageMs: number): number;
  /** Mean ring time before a person answers. */
  meanPersonRingMs: number;
}

// Views are memoised per `Learned` value: it never changes once built, and most decisions see the
// same one as the decision before (no outcome arrived in between).
const answerViews = new WeakMap<Learned, AnswerModel>();
const workViews = new WeakMap<Learned, WorkModel>();

export function answerModel(l: Learned): AnswerModel {
  let view = answerViews.get(l);
  if (!view) answerViews.set(l, (view = buildAnswerModel(l)));
  return view;
}

export function workModel(l: Learned): WorkModel {
  let view = workViews.get(l);
  if (!view) workViews.set(l, (view = buildWorkModel(l)));
  return view;
}

function buildAnswerModel(l: Learned): AnswerModel {
  const endsPrefix = prefixSums(l.ringEndByRing);
  const peoplePrefix = prefixSums(l.peopleByRing);
  const total = endsPrefix[BINS]!;
  const people = peoplePrefix[BINS]!;
  let weighted = 0;
  for (let b = 0; b < BINS; b++) weighted += l.peopleByRing[b]! * (b + 0.5) * BIN_MS;
  const ringingAt = (age: number) => total - cumulative(l.ringEndByRing, endsPrefix, age);
  return {
    pLive: total > 0 ? people / total : 0,
    pPersonGivenAnswered: l.answered > 0 ? clamp(l.people / l.answered, 0, 1) : 0.5,
    verdictLagMs: l.verdictLagMs,
    meanPersonRingMs: people > 0 ? weighted / people : 10_000,
    personWithin(age, within) {
      const still = ringingAt(age);
      if (still <= 1e-9 || within <= 0) return 0;
      return clamp((cumulative(l.peopleByRing, peoplePrefix, age + within) - cumulative(l.peopleByRing, peoplePrefix, age)) / still, 0, 1);
    },
    personEventually(age) {
      const still = ringingAt(age);
      if (still <= 1e-9) return 0;
      return clamp((people - cumulative(l.peopleByRing, peoplePrefix, age)) / still, 0, 1);
    },
  };
}

/** Talk and wrap-up view: the chance an agent is free within `withinMs`. */
export interface WorkModel {
  meanTalkMs: number;
  meanWrapMs: number;
  /** P(talk ends and wrap-up too within `withinMs` | talking for `elapsedMs`). */
  talkerFreeWithin(elapsedMs: number, withinMs: number): number;
  /** `talkerFreeWithin` at several horizons at once, into `out`. */
  talkerFreeProfile(elapsedMs: number, withinsMs: readonly number[], out: Float64Array): void;
  /** P(wrap-up ends within `withinMs` | wrapping for `elapsedMs`), when its end is not known. */
  wrapperFreeWithin(elapsedMs: number, withinMs: number): number;
}

function buildWorkModel(l: Learned): WorkModel {
  const { talkMu: mu, talkSigma: sigma } = l;
  // Wrap-up as three points (its mean ± √3 sd, Simpson weights): exact for a uniform wrap-up.
  const sd = Math.sqrt(Math.max(l.wrapVar, 0));
  const w0 = Math.max(0, l.wrapMean - Math.sqrt(3) * sd);
  const w1 = l.wrapMean;
  const w2 = l.wrapMean + Math.sqrt(3) * sd;
  // P(T + W ≤ e + within | T > e), with S(e) = se already known.
  const freeGiven = (e: number, se: number, within: number): number => {
    if (se <= 1e-12) return 1;
    let p = (1 / 6) * (1 - lognormalSurvival(e + within - w0, mu, sigma) / se);
    if (within > w1) p += (4 / 6) * (1 - lognormalSurvival(e + within - w1, mu, sigma) / se);
    if (within > w2) p += (1 / 6) * (1 - lognormalSurvival(e + within - w2, mu, sigma) / se);
    return clamp(p, 0, 1);
  };
  return {
    meanTalkMs: Math.exp(mu + (sigma * sigma) / 2) * 1000,
    meanWrapMs: l.wrapMean * 1000,
    talkerFreeWithin(elapsedMs, withinMs) {
      const within = withinMs / 1000;
      if (within <= w0) return 0;
      const e = elapsedMs / 1000;
      return freeGiven(e, lognormalSurvival(e, mu, sigma), within);
    },
    talkerFreeProfile(elapsedMs, withinsMs, out) {
      const e = elapsedMs / 1000;
      let se = -1;
      for (let k = 0; k < withinsMs.length; k++) {
        const within = withinsMs[k]! / 1000;
        if (within <= w0) {
          out[k] = 0;
          continue;
        }
        if (se < 0) se = lognormalSurvival(e, mu, sigma);
        out[k] = freeGiven(e, se, within);
      }
    },
    wrapperFreeWithin(elapsedMs, withinMs) {
      const e = elapsedMs / 1000;
      const t = e + withinMs / 1000;
      // Uniform over [mean − √3 sd, mean + √3 sd].
      if (w2 <= w0) return t >= l.wrapMean ? 1 : 0;
      const cdf = (x: number) => clamp((x - w0) / (w2 - w0), 0, 1);
      const left = 1 - cdf(e);
      if (left <= 1e-9) return 1;
      return clamp((cdf(t) - cdf(e)) / left, 0, 1);
    },
  };
}
