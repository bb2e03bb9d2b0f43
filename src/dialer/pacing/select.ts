/**
 * From a pacing decision to the numbers to dial: the first `decision.dial` candidates, in the order
 * given, that pass every rule — not on a do-not-call list, no redial rule against them, and inside
 * the calling window in every zone the callee may be in. Everything skipped comes back with its
 * reason, for the campaign's evidence and for rescheduling.
 */
import { mayRedial, type NumberHistory, type RedialReason } from '../rules/redial.js';
import { resolveTimeZones } from '../rules/timezones.js';
import type { RuleSet } from '../rules/types.js';
import { isInsideCallingWindow } from '../rules/window.js';
import type { PacingDecision } from './types.js';

export interface DialCandidate {
  id: string;
  e164: string;
  /** An explicit IANA zone from the contact list, when it has one. */
  timeZone?: string;
  history: NumberHistory;
  /** Zones resolved at import (`resolveTimeZones`), to skip parsing the number on every decision. */
  zones?: readonly string[];
}

export interface SelectionRules {
  ruleSet: RuleSet;
  /** The calls will have a live agent waiting (preview campaigns); default false. */
  liveAgentGuaranteed?: boolean;
  /** The window closes this long before its end (default 60 s). */
  endMarginMs?: number;
}

export type SkipReason = Exclude<RedialReason, 'allowed'> | 'outside-window' | 'unknown-time-zone';

export interface Selection<C extends DialCandidate> {
  selected: C[];
  skipped: { candidate: C; reason: SkipReason; notBefore?: number }[];
}

export function selectNumbersToDial<C extends DialCandidate>(
  decision: Pick<PacingDecision, 'dial'>,
  candidates: readonly C[],
  now: number,
  rules: SelectionRules,
): Selection<C> {
  const want = Number.isFinite(decision.dial) ? Math.max(0, Math.floor(decision.dial)) : 0;
  const selection: Selection<C> = { selected: [], skipped: [] };
  if (want === 0) return selection;
  for (const candidate of candidates) {
    if (selection.selected.length >= want) break;
    const redial = mayRedial(candidate.history, now, rules.ruleSet, { liveAgentGuaranteed: rules.liveAgentGuaranteed ?? false });
    if (!redial.allowed) {
      selection.skipped.push({ candidate, reason: redial.reason as SkipReason, ...(redial.notBefore !== undefined ? { notBefore: redial.notBefore } : {}) });
      continue;
    }
    const zones = candidate.zones ?? resolveTimeZones(candidate.e164, candidate.timeZone).zones;
    if (zones.length === 0) {
      selection.skipped.push({ candidate, reason: 'unknown-time-zone' });
      continue;
    }
    if (!isInsideCallingWindow(zones, now, rules.ruleSet, rules.endMarginMs)) {
      selection.skipped.push({ candidate, reason: 'outside-window' });
      continue;
    }
    selection.selected.push(candidate);
  }
  return selection;
}
