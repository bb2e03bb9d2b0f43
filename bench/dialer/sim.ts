/**
 * The discrete-event simulation of one campaign day for one policy (and the oracle).
 *
 * Every second the policy sees a `PacingState` built from the simulated floor and says how many
 * calls to start; `selectNumbersToDial` picks them from the list (retries first, then fresh leads)
 * under the campaign's rule set; the provider queue spaces calls by the calls-per-second limit and
 * reports QueueTime. A person whose AMD verdict finds no agent free within 0.8 s (2 s after the end
 * of the greeting, AMD having listened 1.2 s of it) is abandoned and hears the message. A machine AMD
 * takes for a person costs an agent 8 s; a person AMD takes for a machine is hung up on (Ofcom counts
 * those as abandoned; the bench knows the true number).
 *
 * An independent checker (it does not use the rules module) looks at every call placed: callee's
 * true local time inside 08:00–21:00, not on the do-not-call list, UK redial gaps, the calls-per-second
 * limit in every one-second window, ring time at least 15 s, at least one agent logged in.
 */
import { createPolicy, Pacer, selectNumbersToDial, type AgentSnapshot, type CallSnapshot, type ConversationOutcome, type DialCandidate, type DialOutcome, type PacingState, type PolicyConfig } from '../../src/dialer/pacing/index.js';
import { AbandonmentLedger, ruleSetFor, type AttemptRecord, type RuleSet } from '../../src/dialer/rules/index.js';
import { EventHeap } from './heap.js';
import { DAY_START_MS, dayParams, drawAttempt, leadList, MACHINE_HANDLING_MS, trueOutcome, type AttemptDraw, type DayParams, type Lead, type Scenario, type TrueOutcome } from './population.js';

const HOUR = 3_600_000;
const TICK_MS = 1000;
const GRACE_MS = 800; // AMD verdict at greeting + 1.2 s; the person must reach an agent by greeting + 2 s
const RETRY_GAP_MS = HOUR;
const MAX_ATTEMPTS = 3;
const BREAK_MS = 30 * 60_000;

export type ViolationKind = 'window' | 'dnc' | 'redial' | 'calls-per-second' | 'ring-time' | 'no-agents';

export interface RunResult {
  policy: string;
  variant: string;
  scenario: string;
  seed: number;
  day: DayParams;
  talkMs: number;
  loggedMs: number;
  busyMs: number;
  live: number;
  abandoned: number;
  machineVerdicts: number;
  /** People AMD hung up on (true count). */
  falsePositives: number;
  connects: number;
  dials: number;
  leadsUsed: number;
  peakCps: number;
  waitsMs: number[];
  worst1h: number;
  violations: Record<ViolationKind, number>;
  /** Abandoned / live in the 30 minutes after each shock (shock scenarios). */
  shockAbandon: number;
  /** Seconds spent in progressive fallback (pasokh) — from decision reasons. */
  fallbackSeconds: number;
  decisions: number;
}

type AgentStatus = 'ready' | 'talking' | 'machine' | 'wrapping' | 'break' | 'off';

interface SimAgent {
  id: string;
  status: AgentStatus;
  since: number;
  wrapEnd: number;
  readySince: number;
  pendingBreak: boolean;
  pendingLogoff: boolean;
  /** Talk of the conversation now in wrap-up (for the conversation record). */
  lastTalkMs: number;
  /** The wrap-up the current conversation will take (drawn with the callee). */
  nextWrapMs: number;
  snap: { id: string; status: AgentSnapshot['status']; sinceMs: number; remainingMs?: number };
}

interface SimCall {
  id: number;
  lead: Lead;
  attempt: number;
  draw: AttemptDraw;
  truth: TrueOutcome;
  requestedAt: number;
  ringStart: number;
  /** Answer time (person or machine pickup), Infinity when it never answers. */
  pickupAt: number;
  /** AMD verdict time (answered calls) or end of ringing. */
  resolveAt: number;
  /** AMD says person (true people minus false positives, plus false-negative machines). */
  amdPerson: boolean;
  waiting: boolean;
  done: boolean;
  snap: { id: string; phase: CallSnapshot['phase']; ageMs: number; phaseMs: number };
}

type SimEvent =
  | { t: number; seq: number; type: 'tick' }
  | { t: number; seq: number; type: 'resolve'; call: SimCall }
  | { t: number; seq: number; type: 'grace'; call: SimCall }
  | { t: number; seq: number; type: 'agent'; agent: SimAgent; expect: AgentStatus; since: number }
  | { t: number; seq: number; type: 'shock'; what: 'break' | 'p-drop' | 'logoff'; agent?: SimAgent }
  | { t: number; seq: number; type: 'break-end'; agent: SimAgent };

interface Retry {
  lead: Lead;
  attempts: AttemptRecord[];
}

/** Minutes since local midnight in a zone (the checker's own clock, not the rules module's). */
const offsets = new Map<string, Map<number, number>>();
export function localMinutes(zone: string, t: number): number {
  const bucket = Math.floor(t / 900_000);
  let byBucket = offsets.get(zone);
  if (!byBucket) offsets.set(zone, (byBucket = new Map()));
  let offset = byBucket.get(bucket);
  if (offset === undefined) {
    const d = new Date(bucket * 900_000);
    const s = d.toLocaleString('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
    const m = /(\d+)\/(\d+)\/(\d+),? (\d+):(\d+)/.exec(s);
    if (!m) throw new Error(`cannot read local time: ${s}`);
    offset = Date.UTC(Number(m[3]), Number(m[1]) - 1, Number(m[2]), Number(m[4]), Number(m[5])) - bucket * 900_000;
    byBucket.set(bucket, offset);
  }
  const local = (t + offset) / 60_000;
  return ((local % 1440) + 1440) % 1440;
}

export interface SimOptions {
  scenario: Scenario;
  seed: number;
  policy: PolicyConfig;
  variant?: string;
  /** Campaign targets: 30-day (FCC counting) and worst 24 h. */
  abandonTarget: number;
  dailyAbandonTarget: number;
  minAgentsForPredictive: number;
  /** The dialer's reasoned estimate of people AMD takes for machines (default 0.03, the top of the range). */
  amdFalsePositiveEstimate?: number;
  /** Report the floor every `trace` ms (debugging). */
  trace?: number;
  onTrace?: (row: Record<string, unknown>) => void;
}

export function simulate(options: SimOptions): RunResult {
  const { scenario, seed } = options;
  const day = dayParams(seed);
  const rules: RuleSet = ruleSetFor(scenario.ruleSet);
  const leads = leadList(seed);
  const start = DAY_START_MS;
  const end = start + scenario.hours * HOUR;
  const pacer = new Pacer(createPolicy(options.policy));
  const heap = new EventHeap<SimEvent>();
  const ledger = new AbandonmentLedger();
  let p = scenario.p;

  const agents: SimAgent[] = [];
  for (let i = 0; i < scenario.agents; i++) {
    agents.push({ id: `a${i}`, status: 'ready', since: start, wrapEnd: 0, readySince: start, pendingBreak: false, pendingLogoff: false, lastTalkMs: 0, nextWrapMs: 0, snap: { id: `a${i}`, status: 'ready', sinceMs: 0 } });
  }
  const inFlight = new Set<SimCall>();
  const waitingQueue: SimCall[] = [];
  const recentDials: DialOutcome[] = [];
  const recentConversations: ConversationOutcome[] = [];
  const recentDialTimes: number[] = [];
  // Leads to try again, by due time; and leads that were outside their calling window, by zone set
  // (one window check per group and five minutes, as a runtime would query its list).
  const later = new EventHeap<{ t: number; seq: number; retry: Retry }>();
  const outside = new Map<string, { nextCheck: number; queue: Retry[] }>();
  const history = new Map<number, AttemptRecord[]>();
  const checkerHistory = new Map<number, { abandonedAt: number; machineAt: number }>();
  let nextLead = 0;
  let nextCallId = 0;
  let dialSeq = 0;
  let conversationSeq = 0;
  let providerNextSlot = start;
  let lastQueueTime = 0;

  const result: RunResult = {
    policy: options.policy.name,
    variant: options.variant ?? '',
    scenario: scenario.id,
    seed,
    day,
    talkMs: 0,
    loggedMs: 0,
    busyMs: 0,
    live: 0,
    abandoned: 0,
    machineVerdicts: 0,
    falsePositives: 0,
    connects: 0,
    dials: 0,
    leadsUsed: 0,
    peakCps: 0,
    waitsMs: [],
    worst1h: 0,
    violations: { window: 0, dnc: 0, redial: 0, 'calls-per-second': 0, 'ring-time': 0, 'no-agents': 0 },
    shockAbandon: 0,
    fallbackSeconds: 0,
    decisions: 0,
  };
  const shockWindows: [number, number][] = [];
  let shockLive = 0;
  let shockAbandoned = 0;
  const inShockWindow = (t: number) => shockWindows.some(([a, b]) => t >= a && t < b);

  const clip = (a: number, b: number) => Math.max(0, Math.min(b, end) - Math.max(a, start));

  function setStatus(agent: SimAgent, status: AgentStatus, now: number): void {
    const spent = clip(agent.since, now);
    if (agent.status !== 'break' && agent.status !== 'off') result.loggedMs += spent;
    if (agent.status === 'talking') result.talkMs += spent;
    if (agent.status === 'talking' || agent.status === 'machine' || agent.status === 'wrapping') result.busyMs += spent;
    agent.status = status;
    agent.since = now;
  }

  function becomeFree(agent: SimAgent, now: number): void {
    if (agent.pendingLogoff) {
      setStatus(agent, 'off', now);
      return;
    }
    if (agent.pendingBreak) {
      agent.pendingBreak = false;
      setStatus(agent, 'break', now);
      heap.push({ t: now + BREAK_MS, type: 'break-end', agent });
      return;
    }
    setStatus(agent, 'ready', now);
    agent.readySince = now;
    // A person still inside the 2-s limit takes the agent at once.
    while (waitingQueue.length > 0) {
      const call = waitingQueue.shift()!;
      if (call.done) continue;
      connect(call, agent, now);
      return;
    }
  }

  function recordDial(call: SimCall, kind: DialOutcome['result'], now: number): void {
    const ringEnd = Math.min(call.pickupAt, call.resolveAt);
    const outcome: DialOutcome = { seq: dialSeq++, dialedAt: call.requestedAt, ringMs: Math.max(0, ringEnd - call.ringStart), result: kind, endedAt: now };
    if (kind === 'connected' || kind === 'abandoned' || kind === 'machine') outcome.verdictLagMs = call.resolveAt - call.pickupAt;
    recentDials.push(outcome);
    if (recentDials.length > 1000) recentDials.splice(0, 500);
  }

  function connect(call: SimCall, agent: SimAgent, now: number): void {
    call.done = true;
    call.waiting = false;
    inFlight.delete(call);
    if (now < end) result.waitsMs.push(now - agent.readySince);
    result.connects++;
    ledger.record('connected', now);
    recordDial(call, 'connected', now);
    if (call.truth === 'person') {
      setStatus(agent, 'talking', now);
      agent.nextWrapMs = call.draw.wrapMs;
      heap.push({ t: now + call.draw.talkMs, type: 'agent', agent, expect: 'talking', since: now });
    } else {
      setStatus(agent, 'machine', now);
      heap.push({ t: now + MACHINE_HANDLING_MS, type: 'agent', agent, expect: 'machine', since: now });
    }
  }

  function scheduleRetry(call: SimCall, outcome: AttemptRecord['outcome'], now: number): void {
    const attempts = history.get(call.lead.index) ?? [];
    attempts.push({ at: now, outcome });
    history.set(call.lead.index, attempts);
    if (call.attempt + 1 >= MAX_ATTEMPTS || outcome === 'connected') return;
    later.push({ t: now + RETRY_GAP_MS, retry: { lead: call.lead, attempts } });
  }

  function resolve(call: SimCall, now: number): void {
    if (call.done) return;
    if (call.pickupAt === Infinity) {
      call.done = true;
      inFlight.delete(call);
      const busy = call.truth === 'busy';
      recordDial(call, busy ? 'busy' : 'no-answer', now);
      scheduleRetry(call, busy ? 'busy' : 'no-answer', now);
      return;
    }
    if (!call.amdPerson) {
      call.done = true;
      inFlight.delete(call);
      result.machineVerdicts++;
      if (call.truth === 'person') result.falsePositives++;
      ledger.record('machine', now);
      recordDial(call, 'machine', now);
      checkerMark(call.lead.index, 'machine', now);
      scheduleRetry(call, 'machine', now);
      return;
    }
    result.live++;
    if (inShockWindow(now)) shockLive++;
    let best: SimAgent | undefined;
    for (const a of agents) if (a.status === 'ready' && (!best || a.readySince < best.readySince)) best = a;
    if (best) {
      connect(call, best, now);
      return;
    }
    call.waiting = true;
    waitingQueue.push(call);
    heap.push({ t: now + GRACE_MS, type: 'grace', call });
  }

  function abandon(call: SimCall, now: number): void {
    if (call.done) return;
    call.done = true;
    call.waiting = false;
    inFlight.delete(call);
    result.abandoned++;
    if (inShockWindow(now)) shockAbandoned++;
    ledger.record('abandoned', now);
    recordDial(call, 'abandoned', now);
    checkerMark(call.lead.index, 'abandoned', now);
    scheduleRetry(call, 'abandoned', now);
  }

  function checkerMark(lead: number, kind: 'abandoned' | 'machine', now: number): void {
    const h = checkerHistory.get(lead) ?? { abandonedAt: -Infinity, machineAt: -Infinity };
    if (kind === 'abandoned') h.abandonedAt = now;
    else h.machineAt = now;
    checkerHistory.set(lead, h);
  }

  function check(call: SimCall, now: number, available: number): void {
    const v = result.violations;
    const minutes = localMinutes(call.lead.zone, now);
    if (minutes < rules.callingWindow.startMinute || minutes >= rules.callingWindow.endMinute) v.window++;
    if (call.lead.dnc) v.dnc++;
    if (rules.id === 'UK') {
      const h = checkerHistory.get(call.lead.index);
      if (h && (now - h.abandonedAt < 72 * HOUR || now - h.machineAt < 24 * HOUR)) v.redial++;
    }
    if (call.draw.ringTimeoutMs < rules.minRingMs) v['ring-time']++;
    if (available === 0) v['no-agents']++;
    while (recentDialTimes.length > 0 && recentDialTimes[0]! <= now - 1000) recentDialTimes.shift();
    recentDialTimes.push(now);
    if (recentDialTimes.length > scenario.callsPerSecond) v['calls-per-second']++;
    result.peakCps = Math.max(result.peakCps, recentDialTimes.length);
  }

  function place(lead: Lead, attempt: number, now: number, available: number): void {
    const draw = drawAttempt(seed, lead.index, attempt, scenario, day);
    const truth = trueOutcome(draw, p);
    const ringStart = Math.max(now, providerNextSlot);
    providerNextSlot = ringStart + 1000 / scenario.callsPerSecond;
    lastQueueTime = ringStart - now;
    let pickupAt = Infinity;
    let resolveAt: number;
    let amdPerson = false;
    if (truth === 'person') {
      pickupAt = ringStart + draw.personPickupMs;
      resolveAt = pickupAt + draw.greetingMs + 1200;
      amdPerson = draw.amdU >= day.amdFalsePositive;
    } else if (truth === 'machine') {
      pickupAt = ringStart + draw.machinePickupMs;
      resolveAt = pickupAt + draw.machineRecognitionMs;
      amdPerson = draw.amdU < day.amdFalseNegative;
      if (amdPerson) resolveAt = pickupAt + draw.greetingMs + 1200;
    } else if (truth === 'busy') resolveAt = ringStart + draw.busyMs;
    else resolveAt = ringStart + draw.ringTimeoutMs;
    const id = nextCallId++;
    const call: SimCall = { id, lead, attempt, draw, truth, requestedAt: now, ringStart, pickupAt, resolveAt, amdPerson, waiting: false, done: false, snap: { id: String(id), phase: 'queued', ageMs: 0, phaseMs: 0 } };
    inFlight.add(call);
    result.dials++;
    if (attempt === 0) result.leadsUsed++;
    check(call, now, available);
    heap.push({ t: resolveAt, type: 'resolve', call });
  }

  function candidateFor(r: Retry): DialCandidate & { retry: Retry } {
    return { id: String(r.lead.index), e164: r.lead.e164, zones: r.lead.zones, history: { doNotCall: r.lead.dnc, attempts: r.attempts }, retry: r };
  }

  // Candidates fetched but not reached by the last selection go first next time.
  const spare: Retry[] = [];
  function dialNumbers(want: number, now: number, available: number): void {
    let remaining = want;
    for (let round = 0; round < 8 && remaining > 0; round++) {
      const batch: (DialCandidate & { retry: Retry })[] = [];
      // Leads due again first (oldest first), then leads whose window may have opened, then fresh ones.
      while (batch.length < remaining + 2 && spare.length > 0) batch.push(candidateFor(spare.pop()!));
      while (batch.length < remaining + 2 && later.size > 0 && later.peek()!.t <= now) batch.push(candidateFor(later.pop()!.retry));
      for (const group of outside.values()) {
        if (group.nextCheck > now || batch.length >= remaining + 2) continue;
        while (batch.length < remaining + 2 && group.queue.length > 0) batch.push(candidateFor(group.queue.shift()!));
      }
      while (batch.length < remaining + 2) batch.push(candidateFor({ lead: leads.get(nextLead++), attempts: [] }));
      const selection = selectNumbersToDial({ dial: remaining }, batch, now, { ruleSet: rules });
      for (const c of selection.selected) {
        place(c.retry.lead, c.retry.attempts.length, now, available);
        remaining--;
      }
      for (const s of selection.skipped) {
        if (s.reason === 'outside-window') {
          const key = s.candidate.retry.lead.zones.join(' ');
          let group = outside.get(key);
          if (!group) outside.set(key, (group = { nextCheck: 0, queue: [] }));
          group.queue.unshift(s.candidate.retry);
          group.nextCheck = now + 5 * 60_000;
        } else if (s.notBefore !== undefined && s.notBefore < end) later.push({ t: s.notBefore, retry: s.candidate.retry });
      }
      // The selection walks the batch in order: whatever it did not reach is the batch's tail.
      const reached = selection.selected.length + selection.skipped.length;
      for (let i = batch.length - 1; i >= reached; i--) spare.push(batch[i]!.retry);
    }
  }

  // The snapshots handed to the policy are rebuilt in place every tick (no policy keeps them).
  const agentSnaps: AgentSnapshot[] = [];
  const callSnaps: CallSnapshot[] = [];
  function buildState(now: number): PacingState {
    agentSnaps.length = 0;
    for (const a of agents) {
      if (a.status === 'off') continue;
      const snap = a.snap;
      snap.sinceMs = now - a.since;
      snap.remainingMs = undefined;
      if (a.status === 'wrapping') {
        snap.status = 'wrapping';
        snap.remainingMs = Math.max(0, a.wrapEnd - now);
      } else snap.status = a.status === 'machine' ? 'talking' : a.status === 'break' ? 'paused' : a.status;
      agentSnaps.push(snap as AgentSnapshot);
    }
    callSnaps.length = 0;
    for (const c of inFlight) {
      const snap = c.snap;
      let since: number;
      if (c.waiting) [snap.phase, since] = ['waiting', c.resolveAt];
      else if (now < c.ringStart) [snap.phase, since] = ['queued', c.requestedAt];
      else if (now < c.pickupAt) [snap.phase, since] = ['ringing', c.ringStart];
      else [snap.phase, since] = ['answered', c.pickupAt];
      snap.ageMs = now - c.requestedAt;
      snap.phaseMs = now - since;
      callSnaps.push(snap);
    }
    const window = { live: result.live, abandoned: result.abandoned, machine: result.machineVerdicts };
    while (recentDialTimes.length > 0 && recentDialTimes[0]! <= now - 1000) recentDialTimes.shift();
    return {
      agents: agentSnaps,
      calls: callSnaps,
      recent: { dials: recentDials, conversations: recentConversations },
      abandonment: { last30d: window, last24h: window, today: window },
      limits: { callsPerSecond: scenario.callsPerSecond, recentDialTimes, queueTimeMs: lastQueueTime },
      campaign: {
        ruleSet: scenario.ruleSet,
        abandonTarget: options.abandonTarget,
        dailyAbandonTarget: options.dailyAbandonTarget,
        amdFalsePositiveRate: options.amdFalsePositiveEstimate ?? 0.03,
        minAgentsForPredictive: options.minAgentsForPredictive,
        dayStartedAt: start,
        dayEndsAt: end,
      },
    };
  }

  // Schedule the day.
  heap.push({ t: start, type: 'tick' });
  if (scenario.shocks) {
    heap.push({ t: start + 2 * HOUR, type: 'shock', what: 'break' });
    heap.push({ t: start + 4 * HOUR, type: 'shock', what: 'p-drop' });
    shockWindows.push([start + 2 * HOUR, start + 2.5 * HOUR], [start + 4 * HOUR, start + 4.5 * HOUR]);
    const from = end - 0.5 * HOUR;
    agents.forEach((agent, i) => heap.push({ t: from + (i * 0.5 * HOUR) / agents.length, type: 'shock', what: 'logoff', agent }));
  }

  for (let e = heap.pop(); e; e = heap.pop()) {
    const now = e.t;
    switch (e.type) {
      case 'tick': {
        if (now + TICK_MS < end) heap.push({ t: now + TICK_MS, type: 'tick' });
        const state = buildState(now);
        const decision = pacer.decide(state, now);
        result.decisions++;
        if (decision.reason.startsWith('fallback')) result.fallbackSeconds++;
        if (options.trace && (now - start) % options.trace === 0) {
          const busy = agents.filter((a) => a.status !== 'ready' && a.status !== 'off' && a.status !== 'break').length;
          options.onTrace?.({ t: (now - start) / 1000, reason: decision.reason, live: result.live, abandoned: result.abandoned, busy, inFlight: inFlight.size, memory: pacer.snapshot() });
        }
        if (decision.dial > 0) {
          let available = 0;
          for (const a of agents) if (a.status !== 'break' && a.status !== 'off') available++;
          dialNumbers(decision.dial, now, available);
        }
        break;
      }
      case 'resolve':
        resolve(e.call, now);
        break;
      case 'grace':
        abandon(e.call, now);
        break;
      case 'agent': {
        const a = e.agent;
        if (a.status !== e.expect || a.since !== e.since) break;
        if (a.status === 'talking') {
          const talk = now - a.since;
          setStatus(a, 'wrapping', now);
          a.lastTalkMs = talk;
          a.wrapEnd = now + a.nextWrapMs;
          heap.push({ t: a.wrapEnd, type: 'agent', agent: a, expect: 'wrapping', since: now });
        } else if (a.status === 'wrapping') {
          recentConversations.push({ seq: conversationSeq++, talkMs: a.lastTalkMs, wrapMs: now - a.since, endedAt: now });
          if (recentConversations.length > 600) recentConversations.splice(0, 300);
          becomeFree(a, now);
        } else if (a.status === 'machine') becomeFree(a, now);
        break;
      }
      case 'shock':
        if (e.what === 'p-drop') p = scenario.pAfterShock;
        else if (e.what === 'break') {
          for (let i = 0; i < Math.floor(agents.length / 2); i++) {
            const a = agents[i]!;
            if (a.status === 'ready') {
              setStatus(a, 'break', now);
              heap.push({ t: now + BREAK_MS, type: 'break-end', agent: a });
            } else if (a.status !== 'off' && a.status !== 'break') a.pendingBreak = true;
          }
        } else if (e.agent) {
          const a = e.agent;
          a.pendingLogoff = true;
          if (a.status === 'ready' || a.status === 'break') setStatus(a, 'off', now);
        }
        break;
      case 'break-end':
        if (e.agent.status === 'break') becomeFree(e.agent, now);
        break;
    }
  }
  for (const a of agents) setStatus(a, 'off', end);
  result.worst1h = ledger.worstWindow(HOUR, start, end, false, { minLive: 20 }).rate;
  result.shockAbandon = shockLive > 0 ? shockAbandoned / shockLive : 0;
  return result;

}
