// The campaign runtime: on the routing leader, a tick per second asks the pacing model how many
// numbers to dial per running campaign and places the calls; Twilio's webhooks then carry each call
// through answer, AMD verdict, bridge to a waiting agent (or the message), and its end.
import { sql } from 'kysely';
import { audit } from '../../audit.js';
import type { DialerCampaignStatsDto } from '../../contracts/index.js';
import type { Db } from '../../db/index.js';
import type { HubEvents } from '../../events.js';
import type { Ingest } from '../../ingest/ingest.js';
import { resolveCustomer } from '../../ingest/ingest.js';
import type { Logger } from '../../logger.js';
import type { TwilioClient } from '../../channels/sms/twilio-client.js';
import { dialTarget } from '../../channels/voice/store.js';
import { addNote, formatDuration } from '../../channels/voice/timeline.js';
import { KeyedLock, twilioError } from '../../channels/voice/util.js';
import { loadAgents } from '../../routing/runtime/store.js';
import { callsPerSecondRoom, createPolicy, Pacer, type PolicyConfig } from '../pacing/index.js';
import type { AgentSnapshot, CallSnapshot, DialOutcome, ConversationOutcome, PacingState } from '../pacing/types.js';
import { abandonmentRate, DEFAULT_AMD_FALSE_POSITIVE_RATE } from '../rules/abandonment.js';
import { DAY_MS, ruleSetFor } from '../rules/types.js';
import type { AttemptOutcomeColumn, AttemptStatus } from '../campaigns/schema.js';
import { afterAttempt, amdVerdict, freeForDialer, fromCallStatus, meetsSkills, movesForward, planDials, shouldPause, type AgentView, type Plan } from './plan.js';
import * as store from './store.js';
import type { Campaign } from './store.js';
import { abandonTwiml, bridgeTwiml, DIALER_PATHS, holdTwiml, hangupTwiml, optedOutTwiml, standbyConference, voicemailTwiml, type DialerUrls } from './twiml.js';

/** What the runtime needs of routing (RoutingRuntime in the hub). */
export interface DialerRouting {
  assignDirect(conversationId: string, agentId: string): Promise<{ ok: true } | { ok: false; code: string; message: string }>;
  closeConversation(conversationId: string): Promise<boolean>;
}

export interface DialerDeps {
  db: Db;
  log: Logger;
  events: HubEvents;
  ingest: Ingest;
  routing: DialerRouting;
  presence: { connectedAgents(only?: string[]): Promise<Set<string>> };
  client: TwilioClient | null;
  urls: DialerUrls;
  /** Calls the Twilio account may start per second (Twilio's default: 1). */
  callsPerSecond: number;
  /** Automatic ticks (ms); 0 = only `tick()` (tests drive time). */
  tickMs: number;
  /** Live stats for supervisors (throttled by the caller). */
  onStats?: (campaigns: DialerCampaignStatsDto[]) => void;
  now?: () => number;
}

export interface TickReport {
  at: number;
  campaigns: { id: string; want: number; placed: string[]; skipped: Plan['skipped']; reason: string }[];
}

const CALL_EVENTS = ['initiated', 'ringing', 'answered', 'completed'];
/** The 2-second limit, less what Twilio needs to act on our update. */
const CONNECT_BUDGET_MS = 1500;
const MIN_AGENTS_FOR_PREDICTIVE = 10;

const OUTCOME_TEXT: Record<AttemptOutcomeColumn, string> = {
  connected: 'connected',
  abandoned: 'abandoned, message played',
  machine: 'answering machine',
  'no-answer': 'no answer',
  busy: 'busy',
  failed: 'failed',
  'opted-out': 'opted out',
  cancelled: 'cancelled',
};

export class DialerRuntime {
  private readonly pacers = new Map<string, Pacer>();
  private readonly lock = new KeyedLock();
  private chain: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private active = false;
  private statsTimer: NodeJS.Timeout | undefined;
  private readonly now: () => number;

  constructor(private readonly d: DialerDeps) {
    this.now = d.now ?? Date.now;
  }

  get isActive(): boolean {
    return this.active;
  }

  /** This process leads: tick on a timer (unless ticks are driven by hand). */
  activate(): Promise<void> {
    if (this.active) return Promise.resolve();
    this.active = true;
    void this.recoverUnplaced().catch((err: unknown) => this.d.log.error({ err }, 'dialer: recovering unplaced attempts failed'));
    if (this.d.tickMs > 0) {
      this.timer = setInterval(() => void this.tick().catch((err: unknown) => this.d.log.error({ err }, 'dialer tick failed')), this.d.tickMs);
      this.timer.unref();
    }
    this.d.log.info('dialer active');
    return Promise.resolve();
  }

  /**
   * A leader that died between storing an attempt and Twilio's answer to calls.create leaves the
   * attempt 'placing' with no CallSid and its contact 'dialing' for ever. Any real call has reported
   * back (at least 'initiated') long before `olderThanMs`, so such attempts were never placed:
   * they are cancelled and their contacts are due again, the attempt not counted.
   */
  async recoverUnplaced(now = this.now(), olderThanMs = 2 * 60_000): Promise<number> {
    const stale = await this.d.db
      .updateTable('dialer_attempts')
      .set({ outcome: 'cancelled', status: 'completed', ended_at: new Date(now), updated_at: new Date(now) })
      .where('status', '=', 'placing')
      .where('call_sid', 'is', null)
      .where('outcome', 'is', null)
      .where('placed_at', '<', new Date(now - olderThanMs))
      .returning('contact_id')
      .execute();
    if (stale.length === 0) return 0;
    await this.d.db
      .updateTable('dialer_contacts')
      .set((eb) => ({ status: 'pending', attempts: sql<number>`greatest(${eb.ref('attempts')} - 1, 0)`, next_attempt_at: new Date(now), updated_at: new Date(now) }))
      .where('id', 'in', stale.map((r) => r.contact_id))
      .where('status', '=', 'dialing')
      .execute();
    this.d.log.warn({ count: stale.length }, 'dialer: attempts never placed (a leader stopped mid-dial) cancelled; their contacts are due again');
    return stale.length;
  }

  async deactivate(): Promise<void> {
    if (!this.active) return;
    this.active = false;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.chain.catch(() => undefined);
    this.pacers.clear();
  }

  async stop(): Promise<void> {
    if (this.statsTimer) clearTimeout(this.statsTimer);
    await this.deactivate();
  }

  private twilio(): TwilioClient {
    if (!this.d.client) throw new Error('TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN must be set to place calls');
    return this.d.client;
  }

  /** One step of every running campaign; ticks never overlap. `now` is an input so tests can drive time. */
  tick(now = this.now()): Promise<TickReport> {
    const run = this.chain.then(() => this.runTick(now));
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async runTick(now: number): Promise<TickReport> {
    const report: TickReport = { at: now, campaigns: [] };
    const campaigns = await store.runningCampaigns(this.d.db);
    const agents = await loadAgents(this.d.db);
    const connected = await this.d.presence.connectedAgents();
    const views: AgentView[] = agents.map((a) => ({
      id: a.id,
      status: a.status,
      connected: connected.has(a.id),
      capacity: a.capacity,
      used: a.used,
      ...(a.wrapUpUntil ? { wrapUpUntil: a.wrapUpUntil.getTime() } : {}),
      skills: a.skills,
    }));
    await this.reconcileLegs(campaigns, views, now);
    if (campaigns.length === 0) return report;
    const legs = await store.legs(this.d.db);
    const waiting = await store.waitingInboundVoice(this.d.db);
    const recent = await store.recentDialTimes(this.d.db, new Date(now));
    for (const c of campaigns) {
      try {
        report.campaigns.push(await this.tickCampaign(c, views, legs, waiting, recent, now));
      } catch (err) {
        this.d.log.error({ err, campaignId: c.id }, 'dialer: campaign tick failed');
      }
    }
    return report;
  }

  private async tickCampaign(
    c: Campaign,
    views: AgentView[],
    legs: Awaited<ReturnType<typeof store.legs>>,
    waiting: store.SkillNeedList,
    recentDials: number[],
    now: number,
  ): Promise<TickReport['campaigns'][number]> {
    const ruleSet = ruleSetFor(c.ruleSet);
    const legOf = new Map(legs.filter((l) => l.status !== 'ended').map((l) => [l.agent_id, l]));
    const skilled = views.filter((a) => a.status === 'available' && a.connected && meetsSkills(a.skills, c.needs));
    const free = skilled.filter((a) => freeForDialer(a, now, c.needs, waiting) && legOf.get(a.id)?.status === 'ready' && !legOf.get(a.id)?.attempt_id).map((a) => a.id);
    const reserved = legs.filter((l) => l.reserved_for !== null).map((l) => l.agent_id);
    const talking = skilled.filter((a) => legOf.get(a.id)?.attempt_id);
    const working = free.length + talking.length;

    const flying = await store.inFlight(this.d.db, c.id);
    const state = await this.pacingState(c, free, talking.map((a) => a.id), flying, recentDials, now);
    const decision = this.pacer(c).decide(state, now);
    const room = callsPerSecondRoom(state, now);
    const wantBefore = Math.max(decision.dial, free.length);
    const candidates = await store.dueContacts(this.d.db, c.id, new Date(now), Math.max(20, wantBefore * 5));
    const plan = planDials({
      now,
      mode: c.mode,
      ruleSet,
      window: c.window,
      maxAttempts: c.maxAttempts,
      freeAgents: free,
      reservedAgents: reserved,
      workingAgents: working,
      decision,
      callsPerSecondRoom: room,
      candidates: candidates.map((k) => ({ id: k.id, phone: k.phone, zones: k.zones, attempts: k.attempts, doNotCall: k.doNotCall, history: k.history })),
    });
    // Numbers skipped for good: on the DNC list, out of attempts.
    for (const s of plan.skipped) {
      if (s.reason === 'do-not-call') await this.d.db.updateTable('dialer_contacts').set({ status: 'dnc', updated_at: new Date(now) }).where('id', '=', s.contactId).execute();
      else if (s.reason === 'max-attempts') await this.d.db.updateTable('dialer_contacts').set({ status: 'exhausted', updated_at: new Date(now) }).where('id', '=', s.contactId).execute();
      else if (s.reason === 'redial-rule' && s.notBefore !== undefined)
        await this.d.db.updateTable('dialer_contacts').set({ next_attempt_at: new Date(s.notBefore) }).where('id', '=', s.contactId).execute();
    }
    const placed: string[] = [];
    for (const dial of plan.dials) {
      const id = await this.place(c, dial, now);
      if (id) {
        placed.push(id);
        recentDials.push(now);
      }
    }
    return { id: c.id, want: plan.want, placed, skipped: plan.skipped, reason: decision.reason };
  }

  private pacer(c: Campaign): Pacer {
    const key = `${c.id}:${c.mode}:${c.pacing}`;
    let p = this.pacers.get(key);
    if (!p) {
      const names = ['fixed-ratio', 'vicidial-adapt', 'expected-value', 'pasokh'];
      const config: PolicyConfig = c.mode !== 'predictive' ? { name: 'progressive' } : names.includes(c.pacing) ? ({ name: c.pacing } as PolicyConfig) : { name: 'pasokh' };
      p = new Pacer(createPolicy(config));
      this.pacers.set(key, p);
    }
    return p;
  }

  private async pacingState(
    c: Campaign,
    free: string[],
    talking: string[],
    flying: Awaited<ReturnType<typeof store.inFlight>>,
    recentDials: number[],
    now: number,
  ): Promise<PacingState> {
    const agents: AgentSnapshot[] = [...free.map((id) => ({ id, status: 'ready' as const, sinceMs: 0 })), ...talking.map((id) => ({ id, status: 'talking' as const, sinceMs: 0 }))];
    const calls: CallSnapshot[] = flying.map((f) => {
      const ev = (typeof f.evidence === 'string' ? JSON.parse(f.evidence) : f.evidence) as { reservedAgentId?: string };
      const phase: CallSnapshot['phase'] = f.status === 'ringing' ? 'ringing' : f.status === 'answered' ? 'answered' : 'queued';
      return {
        id: f.id,
        phase,
        ageMs: Math.max(0, now - f.placed_at.getTime()),
        phaseMs: Math.max(0, now - f.updated_at.getTime()),
        ...(ev.reservedAgentId ? { reservedAgentId: ev.reservedAgentId } : {}),
      };
    });
    const ended = await store.recentEnded(this.d.db, c.id);
    const dials: DialOutcome[] = [];
    const conversations: ConversationOutcome[] = [];
    let seq = 0;
    for (const e of ended) {
      if (!e.ended_at || !e.outcome || e.outcome === 'opted-out' || e.outcome === 'cancelled') continue;
      seq = Math.max(seq + 1, e.ended_at.getTime());
      const ringEnd = (e.answered_at ?? e.ended_at).getTime();
      dials.push({
        seq,
        dialedAt: e.placed_at.getTime(),
        ringMs: Math.max(0, ringEnd - e.placed_at.getTime() - (e.queue_time_ms ?? 0)),
        result: e.outcome,
        ...(e.amd_ms !== null ? { verdictLagMs: e.amd_ms } : {}),
        endedAt: e.ended_at.getTime(),
      });
      if (e.outcome === 'connected' && e.connected_at) conversations.push({ seq, talkMs: e.ended_at.getTime() - e.connected_at.getTime(), wrapMs: c.wrapUpMs, endedAt: e.ended_at.getTime() });
    }
    const to = new Date(now);
    const since = (ms: number) => new Date(Math.max(now - ms, c.createdAt.getTime()));
    const dayStart = new Date(now - (now % DAY_MS));
    return {
      agents,
      calls,
      recent: { dials, conversations },
      abandonment: {
        last30d: await store.abandonmentCounts(this.d.db, c.id, since(30 * DAY_MS), to),
        last24h: await store.abandonmentCounts(this.d.db, c.id, since(DAY_MS), to),
        today: await store.abandonmentCounts(this.d.db, c.id, dayStart, to),
      },
      limits: { callsPerSecond: this.d.callsPerSecond, recentDialTimes: recentDials, queueTimeMs: await store.latestQueueTimeMs(this.d.db, c.id) },
      campaign: {
        ruleSet: c.ruleSet,
        abandonTarget: c.abandonTarget,
        dailyAbandonTarget: c.abandonTarget,
        amdFalsePositiveRate: DEFAULT_AMD_FALSE_POSITIVE_RATE,
        minAgentsForPredictive: MIN_AGENTS_FOR_PREDICTIVE,
        dayStartedAt: dayStart.getTime(),
        dayEndsAt: dayStart.getTime() + DAY_MS,
      },
    };
  }

  /** Places one planned call: DNC checked again, the attempt stored, then calls.create. */
  private async place(c: Campaign, dial: Plan['dials'][number], now: number): Promise<string | null> {
    if (await store.onDncList(this.d.db, dial.phone)) {
      await this.d.db.updateTable('dialer_contacts').set({ status: 'dnc', updated_at: new Date(now) }).where('id', '=', dial.contactId).execute();
      return null;
    }
    const attempt = await this.d.db.transaction().execute(async (tx) => {
      const contact = await tx
        .updateTable('dialer_contacts')
        .set((eb) => ({ status: 'dialing', attempts: eb('attempts', '+', 1), updated_at: new Date(now) }))
        .where('id', '=', dial.contactId)
        .where('status', '=', 'pending')
        .returning('id')
        .executeTakeFirst();
      if (!contact) return null;
      return tx
        .insertInto('dialer_attempts')
        .values({ campaign_id: c.id, contact_id: dial.contactId, placed_at: new Date(now), evidence: JSON.stringify(dial.evidence) })
        .returning('id')
        .executeTakeFirstOrThrow();
    });
    if (!attempt) return null;
    if (dial.reservedAgentId && !(await store.reserveAgent(this.d.db, dial.reservedAgentId, attempt.id))) {
      // The agent was taken between read and write: give the contact back, nothing dialled.
      await this.d.db.deleteFrom('dialer_attempts').where('id', '=', attempt.id).execute();
      await this.d.db.updateTable('dialer_contacts').set((eb) => ({ status: 'pending', attempts: eb('attempts', '-', 1) })).where('id', '=', dial.contactId).execute();
      return null;
    }
    const urls = this.d.urls;
    const q = { attempt: attempt.id };
    try {
      const call = await this.twilio().calls.create({
        to: dial.phone,
        from: c.callerId,
        url: urls.to(DIALER_PATHS.answer, q),
        method: 'POST',
        statusCallback: urls.to(DIALER_PATHS.status, q),
        statusCallbackMethod: 'POST',
        statusCallbackEvent: CALL_EVENTS,
        machineDetection: c.machine.action === 'drop' ? 'DetectMessageEnd' : 'Enable',
        machineDetectionTimeout: 30,
        asyncAmd: 'true',
        asyncAmdStatusCallback: urls.to(DIALER_PATHS.amd, q),
        asyncAmdStatusCallbackMethod: 'POST',
        timeout: c.ringSeconds,
      });
      await this.d.db
        .updateTable('dialer_attempts')
        .set({ call_sid: call.sid, status: sql<AttemptStatus>`case when status = 'placing' then 'queued' else status end`, updated_at: sql<Date>`now()` })
        .where('id', '=', attempt.id)
        .execute();
      this.d.log.info({ attemptId: attempt.id, campaignId: c.id, callSid: call.sid }, 'dialer: call placed');
    } catch (err) {
      const reason = twilioError(err).text;
      this.d.log.error({ attemptId: attempt.id, reason }, 'dialer: calls.create failed');
      await store.addEvidence(this.d.db, attempt.id, { placeError: reason });
      await this.finish(attempt.id, 'failed');
      return null;
    }
    this.statsChanged();
    return attempt.id;
  }

  // ---- standby legs ------------------------------------------------------------------------

  /** Agents who can work a running campaign wait on a leg in their own conference; others' legs end. */
  private async reconcileLegs(campaigns: Campaign[], views: AgentView[], now: number): Promise<void> {
    const legs = await store.legs(this.d.db);
    const byAgent = new Map(legs.map((l) => [l.agent_id, l]));
    const eligible = new Map<string, Campaign>();
    for (const a of views) {
      // Work from elsewhere (an inbound call or chat routed to them) ends standby: their device
      // must not ring twice. A call the dialer bridged keeps it (attempt_id below).
      if (a.status !== 'available' || !a.connected || a.used > 0) continue;
      const c = campaigns.find((x) => meetsSkills(a.skills, x.needs));
      if (c) eligible.set(a.id, c);
    }
    for (const l of legs) {
      if (l.status === 'ended' || eligible.has(l.agent_id) || l.attempt_id) continue;
      await this.endLeg(l.agent_id, l.call_sid);
    }
    if (!this.d.client) return;
    for (const [agentId, c] of eligible) {
      const leg = byAgent.get(agentId);
      if (leg && leg.status !== 'ended') continue;
      const view = views.find((v) => v.id === agentId)!;
      if (view.used > 0 || (view.wrapUpUntil ?? 0) > now) continue;
      await this.ringAgent(agentId, c);
    }
  }

  private async ringAgent(agentId: string, c: Campaign): Promise<void> {
    const conference = standbyConference(agentId);
    // The row first: the leg's callbacks may arrive before Twilio's answer to the create.
    await this.d.db
      .insertInto('dialer_agent_legs')
      .values({ agent_id: agentId, conference, call_sid: null, attempt_id: null, reserved_for: null })
      .onConflict((oc) => oc.column('agent_id').doUpdateSet({ status: 'ringing', call_sid: null, attempt_id: null, reserved_for: null, updated_at: sql<Date>`now()` }))
      .execute();
    try {
      const to = await dialTarget(this.d.db, agentId);
      const p = await this.twilio()
        .conferences(conference)
        .participants.create({
          from: c.callerId,
          to,
          label: 'dialer-agent',
          beep: 'false',
          earlyMedia: true,
          startConferenceOnEnter: true,
          endConferenceOnExit: false,
          timeout: 20,
          statusCallback: this.d.urls.to(DIALER_PATHS.agentStatus, { agent: agentId }),
          statusCallbackMethod: 'POST',
          statusCallbackEvent: CALL_EVENTS,
        });
      await this.d.db.updateTable('dialer_agent_legs').set({ call_sid: p.callSid }).where('agent_id', '=', agentId).where('call_sid', 'is', null).execute();
      this.d.log.info({ agentId, legSid: p.callSid }, 'dialer: standby leg ringing');
    } catch (err) {
      this.d.log.warn({ agentId, reason: twilioError(err).text }, 'dialer: could not ring the agent for standby');
      await this.d.db.updateTable('dialer_agent_legs').set({ status: 'ended' }).where('agent_id', '=', agentId).execute();
    }
  }

  private async endLeg(agentId: string, callSid: string | null): Promise<void> {
    await this.d.db.updateTable('dialer_agent_legs').set({ status: 'ended', reserved_for: null, updated_at: sql<Date>`now()` }).where('agent_id', '=', agentId).execute();
    if (callSid && this.d.client) {
      await this.d.client
        .calls(callSid)
        .update({ status: 'completed' })
        .catch((err: unknown) => this.d.log.debug({ agentId, reason: twilioError(err).text }, 'dialer: standby leg already gone'));
    }
  }

  /** Status of an agent's standby leg. */
  async agentLegStatus(agentId: string, callSid: string, callStatus: string): Promise<void> {
    const leg = await this.d.db.selectFrom('dialer_agent_legs').selectAll().where('agent_id', '=', agentId).executeTakeFirst();
    if (!leg || (leg.call_sid !== null && leg.call_sid !== callSid)) return;
    if (callStatus === 'in-progress' || callStatus === 'answered') {
      await this.d.db.updateTable('dialer_agent_legs').set({ status: 'ready', call_sid: callSid, updated_at: sql<Date>`now()` }).where('agent_id', '=', agentId).where('status', '=', 'ringing').execute();
      return;
    }
    if (!['completed', 'busy', 'no-answer', 'failed', 'canceled'].includes(callStatus)) return;
    await this.d.db.updateTable('dialer_agent_legs').set({ status: 'ended', reserved_for: null, updated_at: sql<Date>`now()` }).where('agent_id', '=', agentId).execute();
    // The agent hung up while talking: the customer's call ends too.
    if (leg.attempt_id) {
      const a = await store.attempt(this.d.db, leg.attempt_id);
      if (a?.call_sid && !a.ended_at && this.d.client) await this.d.client.calls(a.call_sid).update({ status: 'completed' }).catch(() => undefined);
    }
  }

  // ---- the customer's call -----------------------------------------------------------------

  /** The answer webhook (TwiML): hold silently while AMD listens; a key or AMD's silence means a person. */
  answered(attemptId: string, via: 'answer' | 'key' | 'late'): Promise<string> {
    return this.lock.run(attemptId, async () => {
      const a = await store.attempt(this.d.db, attemptId);
      if (!a) return hangupTwiml();
      if (a.outcome === 'connected' && a.agent_id) return bridgeTwiml(a.agent_id);
      if (a.outcome) return hangupTwiml();
      await this.progress(a, 'answered');
      if (via === 'answer') return holdTwiml(this.d.urls, attemptId);
      // A key pressed during the hold, or no verdict in time: a person is there.
      await this.d.db.updateTable('dialer_attempts').set({ answered_by: via === 'key' ? 'keypress' : 'amd-timeout' }).where('id', '=', attemptId).where('answered_by', 'is', null).execute();
      return this.person(a, 'twiml');
    });
  }

  /** asyncAmdStatusCallback: a person is bridged (or gets the message), a machine gets the voicemail drop or a hang-up. */
  amd(attemptId: string, answeredBy: string, detectionMs: number | null): Promise<void> {
    return this.lock.run(attemptId, async () => {
      const a = await store.attempt(this.d.db, attemptId);
      if (!a || a.answered_by || a.outcome) return; // a repeat, or the call already decided
      await this.d.db.updateTable('dialer_attempts').set({ answered_by: answeredBy, amd_ms: detectionMs, updated_at: sql<Date>`now()` }).where('id', '=', attemptId).execute();
      const verdict = amdVerdict(answeredBy);
      if (verdict === 'human') {
        const twiml = await this.person(a, 'rest');
        if (a.call_sid) await this.update(a.call_sid, twiml);
        return;
      }
      const c = await store.campaign(this.d.db, a.campaign_id);
      await this.d.db.updateTable('dialer_attempts').set({ outcome: 'machine', updated_at: sql<Date>`now()` }).where('id', '=', attemptId).execute();
      await store.addEvidence(this.d.db, attemptId, { amd: { answeredBy, detectionMs, action: c?.machine.action === 'drop' && verdict === 'machine' ? 'voicemail' : 'hangup' } });
      if (!a.call_sid || !this.d.client) return;
      if (c?.machine.action === 'drop' && verdict === 'machine' && answeredBy !== 'machine_start') await this.update(a.call_sid, voicemailTwiml(c.machine));
      else await this.d.client.calls(a.call_sid).update({ status: 'completed' }).catch(() => undefined);
      this.statsChanged();
    });
  }

  private async update(callSid: string, twiml: string): Promise<void> {
    await this.twilio()
      .calls(callSid)
      .update({ twiml })
      .catch((err: unknown) => this.d.log.warn({ callSid, reason: twilioError(err).text }, 'dialer: could not update the call'));
  }

  /**
   * A person answered: take a waiting agent within the 2-s limit (the reserved one first), open the
   * conversation on the campaign's queue, assign it through routing's capacity, bridge. No agent in
   * time → the information message with the opt-out key, and the call counts as abandoned.
   */
  private async person(a: store.AttemptRow, via: 'rest' | 'twiml'): Promise<string> {
    const verdictAt = this.now();
    const c = await store.campaign(this.d.db, a.campaign_id);
    if (!c) return hangupTwiml();
    const reservedFor = typeof a.evidence['reservedAgentId'] === 'string' ? a.evidence['reservedAgentId'] : null;
    let agentId: string | null = null;
    let conversationId: string | null = null;
    for (;;) {
      const taken = await this.takeAgent(c, a, reservedFor);
      if (taken) {
        [agentId, conversationId] = taken;
        break;
      }
      if (this.now() - verdictAt >= CONNECT_BUDGET_MS - 200) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const connectedAt = this.now();
    if (agentId && conversationId) {
      await this.d.db
        .updateTable('dialer_attempts')
        .set({ status: 'connected', outcome: 'connected', agent_id: agentId, conversation_id: conversationId, connected_at: new Date(connectedAt), updated_at: sql<Date>`now()` })
        .where('id', '=', a.id)
        .execute();
      await store.addEvidence(this.d.db, a.id, { verdict: { at: new Date(verdictAt).toISOString(), via, connectMs: connectedAt - verdictAt, agentId } });
      this.d.log.info({ attemptId: a.id, agentId, connectMs: connectedAt - verdictAt }, 'dialer: person connected');
      this.statsChanged();
      return bridgeTwiml(agentId);
    }
    await this.d.db.updateTable('dialer_attempts').set({ outcome: 'abandoned', updated_at: sql<Date>`now()` }).where('id', '=', a.id).execute();
    await store.addEvidence(this.d.db, a.id, { verdict: { at: new Date(verdictAt).toISOString(), via, abandonedAfterMs: connectedAt - verdictAt, message: true } });
    await store.releaseAgent(this.d.db, a.id);
    this.d.log.warn({ attemptId: a.id, campaignId: c.id }, 'dialer: no agent within 2 s: message played, call abandoned');
    this.statsChanged();
    return abandonTwiml(this.d.urls, a.id, c.message, c.callerId);
  }

  private async takeAgent(c: Campaign, a: store.AttemptRow, reservedFor: string | null): Promise<[string, string] | null> {
    const legs = (await store.legs(this.d.db)).filter((l) => l.status === 'ready' && !l.attempt_id && (l.reserved_for === null || l.reserved_for === a.id));
    if (legs.length === 0) return null;
    const agents = await loadAgents(
      this.d.db,
      legs.map((l) => l.agent_id),
    );
    const now = this.now();
    const ok = agents.filter((x) => x.status === 'available' && x.used === 0 && (!x.wrapUpUntil || x.wrapUpUntil.getTime() <= now) && meetsSkills(x.skills, c.needs)).map((x) => x.id);
    // The reserved agent first, then whoever has waited longest.
    const order = legs
      .filter((l) => ok.includes(l.agent_id))
      .sort((x, y) => (x.agent_id === reservedFor ? -1 : y.agent_id === reservedFor ? 1 : x.updated_at.getTime() - y.updated_at.getTime()))
      .map((l) => l.agent_id);
    for (const agentId of order) {
      if (!(await store.claimAgent(this.d.db, agentId, a.id))) continue;
      try {
        const name = await this.userName(agentId);
        const ingested = await this.d.ingest.ingest({
          channel: 'voice',
          externalId: `dialer:${a.call_sid ?? a.id}`,
          identities: [{ kind: 'phone', value: a.phone }],
          customerName: a.contact_name,
          body: `Outbound call (campaign ${c.name}) to ${a.phone}: connected to ${name}`,
          queueName: c.queueName,
          metadata: { dialer: true, campaignId: c.id, attemptId: a.id, callSid: a.call_sid },
          conversationMeta: { voiceCallerNumber: a.phone, voiceBusinessNumber: c.callerId },
        });
        const assigned = await this.d.routing.assignDirect(ingested.conversationId, agentId);
        if (assigned.ok) return [agentId, ingested.conversationId];
        this.d.log.info({ agentId, code: assigned.code }, 'dialer: agent could not take the call; trying the next');
      } catch (err) {
        this.d.log.warn({ err, agentId }, 'dialer: taking the agent failed');
      }
      await this.d.db.updateTable('dialer_agent_legs').set({ attempt_id: null }).where('agent_id', '=', agentId).where('attempt_id', '=', a.id).execute();
    }
    return null;
  }

  private async userName(id: string): Promise<string> {
    return (await this.d.db.selectFrom('users').select('name').where('id', '=', id).executeTakeFirst())?.name ?? 'an agent';
  }

  /** "Press 9" during the message: the number goes on the company DNC list. */
  optOut(attemptId: string, digits: string): Promise<string> {
    return this.lock.run(attemptId, async () => {
      const a = await store.attempt(this.d.db, attemptId);
      if (!a || digits.trim() !== '9') return hangupTwiml();
      await this.d.db
        .insertInto('dialer_dnc')
        .values({ phone: a.phone, source: 'keypress', reason: `pressed 9 during the message (attempt ${a.id})`, added_by: null })
        .onConflict((oc) => oc.column('phone').doNothing())
        .execute();
      await this.d.db.updateTable('dialer_contacts').set({ status: 'dnc', updated_at: sql<Date>`now()` }).where('phone', '=', a.phone).where('status', 'in', ['pending', 'dialing']).execute();
      await store.addEvidence(this.d.db, a.id, { optOut: { at: new Date(this.now()).toISOString(), digits: '9' } });
      this.d.log.info({ attemptId }, 'dialer: callee opted out');
      return optedOutTwiml();
    });
  }

  /** Status callback of the customer's call: forward only; the end settles the attempt. */
  status(attemptId: string, callSid: string, callStatus: string, queueTimeMs: number | null, durationS: number | null): Promise<void> {
    return this.lock.run(attemptId, async () => {
      const a = await store.attempt(this.d.db, attemptId);
      if (!a) return;
      if (queueTimeMs !== null && a.queue_time_ms === null) await this.d.db.updateTable('dialer_attempts').set({ queue_time_ms: queueTimeMs }).where('id', '=', a.id).execute();
      if (!a.call_sid) await this.d.db.updateTable('dialer_attempts').set({ call_sid: callSid }).where('id', '=', a.id).where('call_sid', 'is', null).execute();
      const mapped = fromCallStatus(callStatus);
      if (!mapped) return;
      if (mapped.status !== 'completed') {
        await this.progress(a, mapped.status);
        return;
      }
      if (a.ended_at) return;
      const outcome: AttemptOutcomeColumn = a.outcome ?? mapped.outcome ?? (a.answered_at ? 'no-answer' : 'no-answer');
      await this.finish(a.id, outcome, durationS);
    });
  }

  private async progress(a: store.AttemptRow, to: AttemptStatus): Promise<void> {
    if (!movesForward(a.status, to)) return;
    await this.d.db
      .updateTable('dialer_attempts')
      .set({ status: to, ...(to === 'answered' && !a.answered_at ? { answered_at: sql<Date>`now()` } : {}), updated_at: sql<Date>`now()` })
      .where('id', '=', a.id)
      .execute();
    a.status = to;
  }

  /** The call is over: outcome stored, contact rescheduled or closed, agent freed, timeline written. */
  private async finish(attemptId: string, outcome: AttemptOutcomeColumn, durationS: number | null = null): Promise<void> {
    const endedAt = this.now();
    await this.d.db
      .updateTable('dialer_attempts')
      .set({ status: 'completed', outcome, ended_at: new Date(endedAt), updated_at: sql<Date>`now()` })
      .where('id', '=', attemptId)
      .where('ended_at', 'is', null)
      .execute();
    const a = await store.attempt(this.d.db, attemptId);
    if (!a) return;
    const c = await store.campaign(this.d.db, a.campaign_id);
    // Capacity back (and wrap-up) before the leg is free again, so standby is never mistaken for other work.
    if (outcome === 'connected' && a.conversation_id) await this.d.routing.closeConversation(a.conversation_id);
    await store.releaseAgent(this.d.db, a.id);
    if (c) {
      const contact = await this.d.db.selectFrom('dialer_contacts').select(['attempts', 'status']).where('id', '=', a.contact_id).executeTakeFirstOrThrow();
      const outcomes = (await this.d.db.selectFrom('dialer_attempts').select('outcome').where('contact_id', '=', a.contact_id).where('outcome', 'is not', null).orderBy('placed_at').execute()).map(
        (r) => r.outcome!,
      );
      const optedOut = a.evidence['optOut'] !== undefined || contact.status === 'dnc';
      const next = optedOut
        ? ({ status: 'dnc', reason: 'opted out' } as const)
        : afterAttempt({ outcome, attempts: contact.attempts, outcomes, endedAt, retry: c.retry, maxAttempts: c.maxAttempts, ruleSet: ruleSetFor(c.ruleSet) });
      await this.d.db
        .updateTable('dialer_contacts')
        .set({ status: next.status, last_outcome: outcome, ...(next.status === 'pending' ? { next_attempt_at: new Date(next.nextAttemptAt) } : {}), updated_at: sql<Date>`now()` })
        .where('id', '=', a.contact_id)
        .execute();
      await store.addEvidence(this.d.db, a.id, { next });
      await this.timeline(c, a, outcome, durationS, optedOut && outcome === 'abandoned');
    }
    this.statsChanged();
    if (c) await this.backstop(c);
  }

  /** Every attempt lands on the customer's timeline: connected calls on their conversation, others on the latest voice conversation. */
  private async timeline(c: Campaign, a: store.AttemptRow, outcome: AttemptOutcomeColumn, durationS: number | null, optedOut: boolean): Promise<void> {
    try {
      const key = `dialer:${a.id}:end`;
      if (outcome === 'connected' && a.conversation_id) {
        await addNote(this.d.db, this.d.events, { conversationId: a.conversation_id, body: `Call ended${durationS !== null ? ` (${formatDuration(durationS)})` : ''}.`, metadata: { dialer: true, attemptId: a.id }, key });
        return;
      }
      const conversationId = await this.d.db.transaction().execute(async (tx) => {
        const customerId = await resolveCustomer(tx, [{ kind: 'phone', value: a.phone }], a.contact_name);
        const latest = await tx.selectFrom('conversations').select('id').where('customer_id', '=', customerId).where('channel', '=', 'voice').orderBy('updated_at', 'desc').limit(1).executeTakeFirst();
        if (latest) return latest.id;
        const created = await tx
          .insertInto('conversations')
          .values({ customer_id: customerId, channel: 'voice', queue_id: c.queueId, status: 'closed', assigned_agent_id: null, closed_at: new Date() })
          .returning('id')
          .executeTakeFirstOrThrow();
        return created.id;
      });
      const text = `Outbound call (campaign ${c.name}) to ${a.phone}: ${OUTCOME_TEXT[outcome]}${outcome === 'machine' ? (a.evidence['amd'] as { action?: string } | undefined)?.action === 'voicemail' ? ', voicemail left' : ', hung up' : ''}${optedOut ? '; the callee pressed 9 and is on the do-not-call list' : ''}.`;
      await addNote(this.d.db, this.d.events, { conversationId, body: text, metadata: { dialer: true, campaignId: c.id, attemptId: a.id, outcome }, key });
      if (!a.conversation_id) await this.d.db.updateTable('dialer_attempts').set({ conversation_id: conversationId }).where('id', '=', a.id).execute();
    } catch (err) {
      this.d.log.warn({ err, attemptId: a.id }, 'dialer: timeline note failed');
    }
  }

  // ---- stats and the backstop ---------------------------------------------------------------

  async stats(campaignId: string, now = this.now()): Promise<DialerCampaignStatsDto | null> {
    const c = await store.campaign(this.d.db, campaignId);
    return c ? this.statsFor(c, now) : null;
  }

  private async statsFor(c: Campaign, now: number): Promise<DialerCampaignStatsDto> {
    const to = new Date(now);
    const since = (ms: number) => new Date(Math.max(now - ms, c.createdAt.getTime()));
    const d30 = abandonmentRate(await store.abandonmentCounts(this.d.db, c.id, since(30 * DAY_MS), to), false);
    const d24 = abandonmentRate(await store.abandonmentCounts(this.d.db, c.id, since(DAY_MS), to), c.ruleSet === 'UK');
    const t = await store.outcomeTotals(this.d.db, c.id);
    const paused = c.status === 'paused' ? await this.d.db.selectFrom('audit_log').select('data').where('action', '=', 'dialer.campaign.auto-paused').where('subject_id', '=', c.id).orderBy('at', 'desc').limit(1).executeTakeFirst() : undefined;
    const reason = paused ? ((typeof paused.data === 'string' ? JSON.parse(paused.data) : paused.data) as { reason?: string }).reason ?? null : null;
    const rate = (r: typeof d30) => ({ rate: r.rate, live: r.live, abandoned: r.abandoned, machine: r.machine, falsePositives: r.falsePositives });
    return {
      campaignId: c.id,
      name: c.name,
      status: c.status,
      mode: c.mode,
      ruleSet: c.ruleSet,
      target: c.abandonTarget,
      abandon30d: rate(d30),
      abandon24h: rate(d24),
      attempts: t.attempts,
      connected: t.connected,
      abandoned: t.abandoned,
      machines: t.machines,
      noAnswer: t.noAnswer,
      inFlight: t.inFlight,
      pausedReason: reason,
    };
  }

  /** Live stats for every running or paused campaign. */
  async allStats(now = this.now()): Promise<DialerCampaignStatsDto[]> {
    const out: DialerCampaignStatsDto[] = [];
    for (const c of await store.allCampaigns(this.d.db)) out.push(await this.statsFor(c, now));
    return out;
  }

  private statsChanged(): void {
    if (!this.d.onStats || this.statsTimer) return;
    this.statsTimer = setTimeout(() => {
      this.statsTimer = undefined;
      void this.allStats()
        .then((s) => this.d.onStats?.(s))
        .catch((err: unknown) => this.d.log.warn({ err }, 'dialer: stats push failed'));
    }, 500);
    this.statsTimer.unref();
  }

  /** Pacing keeps abandonment under the target; if it would not, the campaign stops and says why. */
  private async backstop(c: Campaign): Promise<void> {
    if (c.status !== 'running') return;
    const s = await this.statsFor(c, this.now());
    const reason = shouldPause(
      {
        rate30d: s.abandon30d.rate,
        rate24h: s.abandon24h.rate,
        live30d: s.abandon30d.live,
        live24h: s.abandon24h.live + s.abandon24h.falsePositives,
        abandoned30d: s.abandon30d.abandoned,
        abandoned24h: s.abandon24h.abandoned + s.abandon24h.falsePositives,
      },
      c.abandonTarget,
      c.ruleSet,
    );
    if (!reason) return;
    const paused = await this.d.db.updateTable('dialer_campaigns').set({ status: 'paused', updated_at: sql<Date>`now()` }).where('id', '=', c.id).where('status', '=', 'running').returning('id').executeTakeFirst();
    if (!paused) return;
    await audit(this.d.db, { actorUserId: null, action: 'dialer.campaign.auto-paused', subjectType: 'dialer_campaign', subjectId: c.id, data: { reason, abandon30d: s.abandon30d, abandon24h: s.abandon24h } });
    this.d.log.warn({ campaignId: c.id, reason }, 'dialer: campaign paused by the abandonment backstop');
  }
}
