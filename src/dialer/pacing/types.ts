/**
 * The pacing contract: how many numbers to dial now.
 *
 * A policy is a pure function of a snapshot of the floor (`PacingState`), the time, and its own
 * memory: `decide(state, now, memory)` returns how many calls to start, why, and the memory to pass
 * next time. Memory is plain data (JSON-serialisable numbers and arrays, never mutated in place), so
 * the runtime can persist it and a standby can resume from it. Nothing here reads a clock, draws a
 * random number or does I/O.
 *
 * What the contract leaves to the caller:
 * - which numbers (calling windows, do-not-call, redial rules: `selectNumbersToDial`);
 * - actually placing the calls, reserving agents for progressive calls, connecting answers;
 * - counting abandonment (the rules' `AbandonmentLedger` fills `state.abandonment`);
 * - calling `decide` often enough: the policies are written for a tick of about one second.
 */
import type { RuleSetId } from '../rules/types.js';

export type PolicyName = 'progressive' | 'fixed-ratio' | 'vicidial-adapt' | 'expected-value' | 'pasokh';

/** An agent taking this campaign's calls. Agents logged off are simply absent. */
export type AgentSnapshot =
  | { id: string; status: 'ready'; /** Time since the agent became ready. */ sinceMs: number }
  | { id: string; status: 'talking'; /** Elapsed talk time. */ sinceMs: number }
  | {
      id: string;
      status: 'wrapping';
      /** Elapsed wrap-up time. */
      sinceMs: number;
      /** Wrap-up left when the campaign times it (auto-ready after a fixed wrap); absent otherwise. */
      remainingMs?: number;
    }
  /** Logged in but not taking calls (break, training, a manual call). */
  | { id: string; status: 'paused'; sinceMs: number };

/** A call this campaign started that has no agent yet and has not ended. */
export interface CallSnapshot {
  id: string;
  /**
   * queued: waiting in the provider's calls-per-second queue; ringing: placed, not answered;
   * answered: picked up, answering-machine detection still listening; waiting: a person, waiting
   * for an agent (inside the 2-s limit).
   */
  phase: 'queued' | 'ringing' | 'answered' | 'waiting';
  /** Time since the dial was requested. */
  ageMs: number;
  /** Time in the current phase. */
  phaseMs: number;
  /** Set for progressive / preview calls: the agent kept free for this call. */
  reservedAgentId?: string;
}

/** One finished dial attempt (everything the policy may learn from). */
export interface DialOutcome {
  /** Strictly increasing across outcomes: policies remember the last one they read. */
  seq: number;
  dialedAt: number;
  /** Time from the start of ringing to the end of ringing (answer, busy, failure, timeout). */
  ringMs: number;
  /** What the dialer saw. `connected` and `abandoned` are AMD human verdicts. */
  result: 'connected' | 'abandoned' | 'machine' | 'no-answer' | 'busy' | 'failed';
  /** Answer to AMD verdict, for answered calls. */
  verdictLagMs?: number;
  endedAt: number;
}

/** One finished conversation with a person (an agent's talk and wrap-up). */
export interface ConversationOutcome {
  seq: number;
  talkMs: number;
  wrapMs: number;
  endedAt: number;
}

export interface AbandonmentWindow {
  /** Live-answered calls (AMD human verdicts), connected or not. */
  live: number;
  abandoned: number;
  /** AMD machine verdicts. */
  machine: number;
}

export interface PacingState {
  agents: readonly AgentSnapshot[];
  calls: readonly CallSnapshot[];
  /** Recent history, oldest first, each list ordered by `seq`. A few hundred entries are plenty. */
  recent: { dials: readonly DialOutcome[]; conversations: readonly ConversationOutcome[] };
  abandonment: {
    /** The campaign's last 30 days (the whole campaign when younger). */
    last30d: AbandonmentWindow;
    /** The last 24 hours. */
    last24h: AbandonmentWindow;
    /** Since local midnight in the campaign's zone (VICIdial-style "today"). */
    today: AbandonmentWindow;
  };
  limits: {
    /** Calls the account may start per second (Twilio's default is 1). */
    callsPerSecond: number;
    /** When this campaign's last calls were requested (at least the last second's worth). */
    recentDialTimes: readonly number[];
    /** Twilio's `QueueTime` of the latest calls: how long a new call waits before it rings. */
    queueTimeMs: number;
    /** Cap on calls in progress at once (trunk or account concurrency); absent: no cap. */
    maxConcurrentCalls?: number;
  };
  campaign: {
    ruleSet: RuleSetId;
    /** Highest abandoned fraction over the 30-day window (FCC counting). */
    abandonTarget: number;
    /** Highest abandoned fraction over any 24 h (Ofcom counting for UK campaigns). */
    dailyAbandonTarget: number;
    /** Share of live callees AMD takes for machines (Ofcom's reasoned estimate). */
    amdFalsePositiveRate: number;
    /** Fewer available agents than this: progressive only. */
    minAgentsForPredictive: number;
    /** The calling day's start and end (for taper schedules and "today"). */
    dayStartedAt: number;
    dayEndsAt: number;
  };
}

export interface PacingDecision {
  /** Calls to start now (an integer ≥ 0). */
  dial: number;
  /** Short machine-readable reason, e.g. "predictive", "fallback:budget-spent", "cap:calls-per-second". */
  reason: string;
  /** Progressive calls must each have a ready agent reserved for them by the runtime. */
  mode: 'predictive' | 'progressive' | 'none';
}

export interface PacingStep<M> extends PacingDecision {
  memory: M;
}

export interface PacingPolicy<M = unknown> {
  readonly name: PolicyName;
  initialMemory(): M;
  decide(state: PacingState, now: number, memory: M): PacingStep<M>;
}
