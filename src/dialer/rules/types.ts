/**
 * Compliance rule sets for outbound campaigns. A campaign picks one; the pure functions in this
 * folder apply it and return verdicts that carry their evidence (zones and local times, the attempt
 * that blocks a redial, the counts behind a rate). Times are epoch milliseconds supplied by the
 * caller: nothing here reads a clock or does I/O.
 *
 * US: FCC 47 CFR 64.1200 and FTC TSR 310.4 — at most 3 % of live-answered calls abandoned per
 * campaign over each 30-day period, connect within 2 s of the completed greeting, ring at least 15 s,
 * call only 08:00–21:00 in the callee's local time, honour do-not-call lists.
 *
 * UK: Ofcom's persistent-misuse policy — at most 3 % abandoned per campaign per 24 hours, counting a
 * reasoned estimate of answering-machine false positives; information message within 2 s; ring at
 * least 15 s; no repeat call within 72 h of an abandoned call, nor within 24 h of a machine verdict,
 * unless a live agent is guaranteed. Ofcom itself sets no calling hours; the 08:00–21:00 window is
 * applied to UK campaigns as good practice, so both rule sets share it.
 */
export type RuleSetId = 'US' | 'UK';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

export interface RuleSet {
  id: RuleSetId;
  /** Calls may start at or after `startMinute` and before `endMinute` (minutes after local midnight). */
  callingWindow: { startMinute: number; endMinute: number };
  abandonment: {
    /** Highest lawful abandoned fraction of live-answered calls over `windowMs`. */
    cap: number;
    windowMs: number;
    /** Ofcom: an estimate of live callees that AMD wrongly classed as machines counts as abandoned. */
    countAmdFalsePositives: boolean;
  };
  redial: {
    /** No new call to a number within this long after an abandoned call to it (null: no such rule). */
    afterAbandonedMs: number | null;
    /** No new call within this long after an AMD machine verdict on it (null: no such rule). */
    afterMachineMs: number | null;
  };
  /** A call must ring at least this long before the dialer gives up. */
  minRingMs: number;
  /** A live answer must reach an agent within this long of the completed greeting, or it is abandoned. */
  connectWithinMs: number;
  /** The recorded message on an abandoned call must start within this long. */
  messageWithinMs: number;
}

export const US_RULES: RuleSet = Object.freeze({
  id: 'US',
  callingWindow: { startMinute: 8 * 60, endMinute: 21 * 60 },
  abandonment: { cap: 0.03, windowMs: 30 * DAY_MS, countAmdFalsePositives: false },
  redial: { afterAbandonedMs: null, afterMachineMs: null },
  minRingMs: 15_000,
  connectWithinMs: 2_000,
  messageWithinMs: 2_000,
}) as RuleSet;

export const UK_RULES: RuleSet = Object.freeze({
  id: 'UK',
  callingWindow: { startMinute: 8 * 60, endMinute: 21 * 60 },
  abandonment: { cap: 0.03, windowMs: DAY_MS, countAmdFalsePositives: true },
  redial: { afterAbandonedMs: 72 * HOUR_MS, afterMachineMs: 24 * HOUR_MS },
  minRingMs: 15_000,
  connectWithinMs: 2_000,
  messageWithinMs: 2_000,
}) as RuleSet;

export function ruleSetFor(id: RuleSetId): RuleSet {
  return id === 'US' ? US_RULES : UK_RULES;
}
