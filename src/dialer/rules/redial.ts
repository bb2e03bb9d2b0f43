/**
 * May this number be called again now?
 *
 * - Both rule sets: a number on a do-not-call list (national, company, or an opt-out captured by the
 *   message or by SMS STOP) is never dialled, whatever else holds.
 * - UK: no call within 72 h of an abandoned call to the number, and none within 24 h of an AMD
 *   machine verdict on it — unless the new call has a live agent guaranteed (preview or a reserved
 *   progressive call). A call hung up because AMD took a person for a machine is, to the dialer, a
 *   machine verdict; it is covered by the 24-h rule.
 * - US: no statutory redial gap; the campaign's retry policy (minimum gaps, maximum attempts) is the
 *   runtime's business, not a rule.
 *
 * The verdict names the attempt that blocks and the earliest time the rule allows, as evidence.
 */
import type { RuleSet } from './types.js';

export type AttemptOutcome = 'connected' | 'abandoned' | 'machine' | 'no-answer' | 'busy' | 'failed';

export interface AttemptRecord {
  /** When the attempt was made (its answer time for an abandoned call, if the runtime has it). */
  at: number;
  outcome: AttemptOutcome;
}

export interface NumberHistory {
  /** On a national or company do-not-call list, or opted out. */
  doNotCall: boolean;
  attempts: readonly AttemptRecord[];
}

export type RedialReason = 'allowed' | 'do-not-call' | 'abandoned-within-72h' | 'machine-within-24h';

export interface RedialVerdict {
  allowed: boolean;
  reason: RedialReason;
  /** The earliest time the blocking rule lets a call through (absent for do-not-call: never). */
  notBefore?: number;
  /** The attempt that blocks. */
  blockedBy?: AttemptRecord;
}

export interface RedialOptions {
  /** The new call will have a live agent waiting before it is answered. */
  liveAgentGuaranteed?: boolean;
}

export function mayRedial(history: NumberHistory, now: number, ruleSet: RuleSet, options: RedialOptions = {}): RedialVerdict {
  if (history.doNotCall) return { allowed: false, reason: 'do-not-call' };
  if (options.liveAgentGuaranteed) return { allowed: true, reason: 'allowed' };
  let verdict: RedialVerdict = { allowed: true, reason: 'allowed' };
  for (const attempt of history.attempts) {
    let gap: number | null = null;
    let reason: RedialReason = 'allowed';
    if (attempt.outcome === 'abandoned') [gap, reason] = [ruleSet.redial.afterAbandonedMs, 'abandoned-within-72h'];
    else if (attempt.outcome === 'machine') [gap, reason] = [ruleSet.redial.afterMachineMs, 'machine-within-24h'];
    if (gap === null) continue;
    const until = attempt.at + gap;
    // The blocking attempt reported is the one that blocks longest.
    if (now < until && (verdict.allowed || until > (verdict.notBefore ?? 0))) verdict = { allowed: false, reason, notBefore: until, blockedBy: attempt };
  }
  return verdict;
}
