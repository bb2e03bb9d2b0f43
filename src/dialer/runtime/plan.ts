/**
 * The dialer runtime's decisions, as pure functions of their inputs (time included): which agents
 * the dialer may use, which contacts to dial on this tick and the evidence for each, what happens to
 * a contact after an attempt, and when a campaign must stop. The runtime (runtime.ts) reads the
 * database, calls these, and carries the answers out.
 */
import type { PacingDecision } from '../pacing/types.js';
import { mayRedial, type AttemptRecord, type RedialVerdict } from '../rules/redial.js';
import { MINUTE_MS, type RuleSet } from '../rules/types.js';
import { isInsideCallingWindow, localTimeOfDayMs, zoneOffsetMs } from '../rules/window.js';
import type { AttemptOutcomeColumn, CampaignWindow, DialMode, RetryPolicy, RetryRule } from '../campaigns/schema.js';

// ---- inbound first -------------------------------------------------------------------------

export interface SkillNeed {
  skill: string;
  minLevel: number;
}

export interface AgentView {
  id: string;
  /** Presence: only 'available' counts. */
  status: string;
  /** A console is connected (presence). */
  connected: boolean;
  capacity: number;
  used: number;
  /** In wrap-up until then (epoch ms), if at all. */
  wrapUpUntil?: number;
  skills: Readonly<Record<string, number>>;
}

export const meetsSkills = (skills: Readonly<Record<string, number>>, needs: readonly SkillNeed[]): boolean =>
  needs.every((n) => (skills[n.skill] ?? 0) >= n.minLevel);

/**
 * Inbound service levels come first: an agent is free for the dialer only when available, connected,
 * out of wrap-up, with nothing on their plate (full capacity free: an outbound call takes all of it),
 * with the campaign queue's skills — and when no inbound voice task is waiting that they could take
 * (routing will offer them that one instead).
 */
export function freeForDialer(agent: AgentView, now: number, campaignNeeds: readonly SkillNeed[], waitingInbound: readonly (readonly SkillNeed[])[]): boolean {
  if (agent.status !== 'available' || !agent.connected) return false;
  if (agent.used > 0) return false;
  if (agent.wrapUpUntil !== undefined && agent.wrapUpUntil > now) return false;
  if (!meetsSkills(agent.skills, campaignNeeds)) return false;
  return !waitingInbound.some((needs) => meetsSkills(agent.skills, needs));
}

// ---- the campaign's own window ------------------------------------------------------------

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

const minutesOf = (hhmm: string): number => {
  const m = /^(\d{1,2}):(\d{2})$/.exec(hhmm);
  return m ? Number(m[1]) * 60 + Number(m[2]) : NaN;
};

/** Inside the campaign's window ('HH:MM'–'HH:MM', optional weekdays) in every zone; malformed windows are never inside. */
export function insideCampaignWindow(zones: readonly string[], now: number, window: CampaignWindow): boolean {
  const start = minutesOf(window.start) * MINUTE_MS;
  const end = minutesOf(window.end) * MINUTE_MS;
  if (!Number.isFinite(start) || !Number.isFinite(end) || zones.length === 0) return false;
  for (const zone of zones) {
    const t = localTimeOfDayMs(zone, now);
    if (t < start || t >= end) return false;
    if (window.days && window.days.length > 0) {
      const day = DAYS[new Date(now + zoneOffsetMs(zone, now)).getUTCDay()]!;
      if (!window.days.includes(day)) return false;
    }
  }
  return true;
}

// ---- which contacts to dial now ------------------------------------------------------------

export interface PlanCandidate {
  id: string;
  phone: string;
  zones: readonly string[];
  attempts: number;
  /** On the company do-not-call list (looked up when the candidates were read). */
  doNotCall: boolean;
  history: readonly AttemptRecord[];
}

export interface PlanInput {
  now: number;
  mode: DialMode;
  ruleSet: RuleSet;
  window: CampaignWindow;
  maxAttempts: number;
  /** Agents free for the dialer now (see `freeForDialer`) and waiting in their conference. */
  freeAgents: readonly string[];
  /** Of those, agents already kept for a call in flight (progressive / preview). */
  reservedAgents: readonly string[];
  /** Agents working the campaign at all (free, talking or wrapping): none → nothing is dialled. */
  workingAgents: number;
  /** The pacing policy's answer (used in predictive mode). */
  decision: PacingDecision;
  /** Calls the account may still start this second. */
  callsPerSecondRoom: number;
  candidates: readonly PlanCandidate[];
}

export interface DialEvidence {
  at: string;
  mode: DialMode;
  pacing: { dial: number; reason: string; mode: PacingDecision['mode'] };
  window: { ruleSet: RuleSet['id']; zones: { zone: string; localTime: string }[]; campaign: CampaignWindow };
  redial: RedialVerdict;
  dnc: { checked: true; listed: false };
  attempt: number;
  reservedAgentId?: string;
}

export interface PlannedDial {
  contactId: string;
  phone: string;
  reservedAgentId?: string;
  evidence: DialEvidence;
}

export type PlanSkip = 'do-not-call' | 'max-attempts' | 'outside-window' | 'redial-rule';

export interface Plan {
  /** How many calls the tick wanted before the rules filtered numbers. */
  want: number;
  dials: PlannedDial[];
  skipped: { contactId: string; reason: PlanSkip; notBefore?: number }[];
}

const hhmm = (ms: number) => {
  const m = Math.floor(ms / MINUTE_MS);
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
};

/** How many calls this tick may start, before any number is looked at. */
export function dialsWanted(input: Pick<PlanInput, 'mode' | 'freeAgents' | 'reservedAgents' | 'workingAgents' | 'decision' | 'callsPerSecondRoom'>): number {
  // Nobody working the campaign: nothing, whatever the policy said. Predictive may dial ahead of
  // agents still talking; the other modes need one free agent per call.
  if (input.workingAgents <= 0) return 0;
  const unreserved = input.freeAgents.filter((a) => !input.reservedAgents.includes(a)).length;
  const byMode = input.mode === 'predictive' ? Math.max(0, Math.floor(input.decision.dial)) : unreserved;
  return Math.max(0, Math.min(byMode, Math.floor(input.callsPerSecondRoom)));
}

/**
 * The contacts to dial now, in the order given (the runtime orders them by due time), each with the
 * evidence that the call was lawful when placed: window verdict per zone (rule set and campaign),
 * redial verdict, do-not-call check, pacing decision. Progressive and preview calls each keep one
 * free agent; preview calls count as having a live agent guaranteed (UK redial gaps do not apply).
 */
export function planDials(input: PlanInput): Plan {
  const want = dialsWanted(input);
  const plan: Plan = { want, dials: [], skipped: [] };
  if (want === 0) return plan;
  const spare = input.freeAgents.filter((a) => !input.reservedAgents.includes(a));
  const guaranteed = input.mode === 'preview';
  const at = new Date(input.now).toISOString();
  for (const c of input.candidates) {
    if (plan.dials.length >= want) break;
    if (c.doNotCall) {
      plan.skipped.push({ contactId: c.id, reason: 'do-not-call' });
      continue;
    }
    if (c.attempts >= input.maxAttempts) {
      plan.skipped.push({ contactId: c.id, reason: 'max-attempts' });
      continue;
    }
    if (!isInsideCallingWindow(c.zones, input.now, input.ruleSet) || !insideCampaignWindow(c.zones, input.now, input.window)) {
      plan.skipped.push({ contactId: c.id, reason: 'outside-window' });
      continue;
    }
    const redial = mayRedial({ doNotCall: false, attempts: c.history }, input.now, input.ruleSet, { liveAgentGuaranteed: guaranteed });
    if (!redial.allowed) {
      plan.skipped.push({ contactId: c.id, reason: 'redial-rule', ...(redial.notBefore !== undefined ? { notBefore: redial.notBefore } : {}) });
      continue;
    }
    const reservedAgentId = input.mode === 'predictive' ? undefined : spare.shift();
    if (input.mode !== 'predictive' && reservedAgentId === undefined) break;
    plan.dials.push({
      contactId: c.id,
      phone: c.phone,
      ...(reservedAgentId ? { reservedAgentId } : {}),
      evidence: {
        at,
        mode: input.mode,
        pacing: { dial: input.decision.dial, reason: input.decision.reason, mode: input.decision.mode },
        window: { ruleSet: input.ruleSet.id, zones: c.zones.map((zone) => ({ zone, localTime: hhmm(localTimeOfDayMs(zone, input.now)) })), campaign: input.window },
        redial,
        dnc: { checked: true, listed: false },
        attempt: c.attempts + 1,
        ...(reservedAgentId ? { reservedAgentId } : {}),
      },
    });
  }
  return plan;
}

// ---- after an attempt ----------------------------------------------------------------------

const RETRY_KEY: Partial<Record<AttemptOutcomeColumn, keyof RetryPolicy>> = {
  'no-answer': 'noAnswer',
  busy: 'busy',
  machine: 'machine',
  abandoned: 'abandoned',
  failed: 'failed',
};

/** Defaults when the campaign names no rule for an outcome. */
export const DEFAULT_RETRY: Required<RetryPolicy> = {
  noAnswer: { gapMinutes: 60, maxAttempts: 3 },
  busy: { gapMinutes: 15, maxAttempts: 3 },
  machine: { gapMinutes: 240, maxAttempts: 2 },
  abandoned: { gapMinutes: 24 * 60, maxAttempts: 2 },
  failed: { gapMinutes: 60, maxAttempts: 2 },
};

export type ContactNext =
  | { status: 'done' | 'dnc' | 'exhausted'; reason: string }
  | { status: 'pending'; nextAttemptAt: number; reason: string };

/**
 * Where a contact stands after an attempt: done when a person talked to an agent, on the DNC list
 * after an opt-out, else another try after the outcome's gap — never sooner than the rule set's
 * redial gap (UK: 72 h after an abandoned call, 24 h after a machine) — until the outcome's or the
 * campaign's maximum attempts are used.
 */
export function afterAttempt(o: {
  outcome: AttemptOutcomeColumn;
  /** Attempts made so far, this one included. */
  attempts: number;
  /** Earlier attempts' outcomes with this one, oldest first. */
  outcomes: readonly AttemptOutcomeColumn[];
  endedAt: number;
  retry: RetryPolicy;
  maxAttempts: number;
  ruleSet: RuleSet;
}): ContactNext {
  if (o.outcome === 'connected') return { status: 'done', reason: 'connected' };
  if (o.outcome === 'opted-out') return { status: 'dnc', reason: 'opted out' };
  if (o.attempts >= o.maxAttempts) return { status: 'exhausted', reason: `campaign maximum of ${o.maxAttempts} attempts` };
  const key = RETRY_KEY[o.outcome];
  if (!key) return { status: 'pending', nextAttemptAt: o.endedAt, reason: o.outcome };
  const rule: RetryRule = o.retry[key] ?? DEFAULT_RETRY[key];
  const sameOutcome = o.outcomes.filter((x) => x === o.outcome).length;
  if (sameOutcome >= rule.maxAttempts) return { status: 'exhausted', reason: `${rule.maxAttempts} × ${o.outcome}` };
  let gap = Math.max(0, rule.gapMinutes) * MINUTE_MS;
  if (o.outcome === 'abandoned' && o.ruleSet.redial.afterAbandonedMs !== null) gap = Math.max(gap, o.ruleSet.redial.afterAbandonedMs);
  if (o.outcome === 'machine' && o.ruleSet.redial.afterMachineMs !== null) gap = Math.max(gap, o.ruleSet.redial.afterMachineMs);
  return { status: 'pending', nextAttemptAt: o.endedAt + gap, reason: `${o.outcome}: retry after ${Math.round(gap / MINUTE_MS)} min` };
}

// ---- call progress -------------------------------------------------------------------------

const STATUS_RANK = { placing: 0, queued: 1, ringing: 2, answered: 3, connected: 4, completed: 5 } as const;
export type AttemptStatus = keyof typeof STATUS_RANK;

/** Status callbacks arrive late and twice: a status only moves forward. */
export const movesForward = (from: AttemptStatus, to: AttemptStatus): boolean => STATUS_RANK[to] > STATUS_RANK[from];

/** Twilio's CallStatus → our attempt status, and the outcome for unanswered endings. */
export function fromCallStatus(callStatus: string): { status: AttemptStatus; outcome?: AttemptOutcomeColumn } | null {
  switch (callStatus) {
    case 'queued':
    case 'initiated':
      return { status: 'queued' };
    case 'ringing':
      return { status: 'ringing' };
    case 'in-progress':
    case 'answered':
      return { status: 'answered' };
    case 'completed':
      return { status: 'completed' };
    case 'busy':
      return { status: 'completed', outcome: 'busy' };
    case 'no-answer':
      return { status: 'completed', outcome: 'no-answer' };
    case 'failed':
      return { status: 'completed', outcome: 'failed' };
    case 'canceled':
      return { status: 'completed', outcome: 'cancelled' };
    default:
      return null;
  }
}

/** AMD's AnsweredBy → what the runtime does. `unknown` is treated as a person (Twilio's advice). */
export function amdVerdict(answeredBy: string): 'human' | 'machine' | 'fax' {
  if (answeredBy === 'human' || answeredBy === 'unknown') return 'human';
  if (answeredBy === 'fax') return 'fax';
  return 'machine';
}

// ---- the backstop --------------------------------------------------------------------------

export interface AbandonRates {
  rate30d: number;
  rate24h: number;
  live24h: number;
  live30d: number;
}

/**
 * Pacing keeps abandonment under the target; this is the backstop. A campaign is paused when one
 * more abandoned call would take its 30-day (FCC) or 24-hour (Ofcom, UK campaigns) rate over the
 * target. Until a few live answers are in, one abandoned call is a large fraction: the check starts
 * at `minLive` live answers (a single early drop does not stop a campaign).
 */
export function shouldPause(rates: AbandonRates & { abandoned30d: number; abandoned24h: number }, target: number, ruleSet: RuleSet['id'], minLive = 30): string | null {
  const next = (abandoned: number, live: number) => (abandoned + 1) / (live + 1);
  if (rates.live30d >= minLive && next(rates.abandoned30d, rates.live30d) > target)
    return `30-day abandonment ${(rates.rate30d * 100).toFixed(2)} % would pass the target ${(target * 100).toFixed(2)} % with one more abandoned call`;
  if (ruleSet === 'UK' && rates.live24h >= minLive && next(rates.abandoned24h, rates.live24h) > target)
    return `24-hour abandonment ${(rates.rate24h * 100).toFixed(2)} % would pass the target ${(target * 100).toFixed(2)} % with one more abandoned call`;
  return null;
}
