// The hub's side of a call after the IVR: it rings the agent's leg into a
// conference named for the task, brings the caller in (or calls them back),
// and carries out transfers, hold, supervisor monitoring and hang-ups through
// Twilio's REST API. Twilio's status callbacks close the loop.
import { sql, type UpdateObject } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { HubEventMap } from '../../events.js';
import { AppError } from '../../errors.js';
import type { TwilioClient } from '../sms/twilio-client.js';
import type { VoiceDeps } from './deps.js';
import type { Language } from './flow.js';
import { phrase } from './prompts.js';
import type { MonitorMode } from './schema.js';
import {
  callForConversation,
  dialTarget,
  getCall,
  insertLeg,
  liveLegs,
  liveTask,
  loadFlow,
  queueSettingsById,
  queueSettingsByName,
  recordError,
  type CallRow,
  type LegRow,
} from './store.js';
import { addNote, formatDuration } from './timeline.js';
import { conferenceTwiml, enqueueTwiml, hangupTwiml } from './twiml.js';
import { twilioError } from './util.js';

type TaskAssigned = HubEventMap['task.assigned'][0];

/** Seconds an agent's leg rings before Twilio gives up (no-answer → the call goes back in line). */
export const AGENT_RING_SECONDS = 20;
/** Seconds a customer's phone rings when the hub calls them back. */
export const CALLBACK_RING_SECONDS = 30;

export const conferenceName = (taskId: string) => `pasokh-task-${taskId}`;

const STATUS_EVENTS = ['initiated', 'ringing', 'answered', 'completed'];

export class VoiceControl {
  constructor(private readonly d: VoiceDeps) {}

  /** Status callbacks of legs name their call: the handler then waits for the call's lock, behind the code that recorded the leg. */
  private legStatusUrl(call: CallRow): string {
    return this.d.urls.to('/webhooks/twilio/voice/status', { call: call.call_sid });
  }

  private twilio(): TwilioClient {
    if (!this.d.client) throw new AppError(503, 'twilio_not_configured', 'TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN must be set to place and control calls');
    return this.d.client;
  }

  private async note(call: CallRow, body: string, metadata?: Record<string, unknown>, key?: string): Promise<void> {
    if (!call.conversation_id) return;
    try {
      await addNote(this.d.db, this.d.events, { conversationId: call.conversation_id, body, metadata: { callSid: call.call_sid, ...metadata }, ...(key ? { key } : {}) });
    } catch (err) {
      this.d.log.warn({ err, callSid: call.call_sid }, 'voice timeline note failed');
    }
  }

  private async userName(id: string | null): Promise<string> {
    if (!id) return 'the agent';
    const u = await this.d.db.selectFrom('users').select('name').where('id', '=', id).executeTakeFirst();
    return u?.name ?? 'the agent';
  }

  private async patch(callSid: string, values: UpdateObject<Database, 'voice_calls'>): Promise<CallRow> {
    return this.d.db
      .updateTable('voice_calls')
      .set({ ...values, updated_at: sql<Date>`now()` })
      .where('call_sid', '=', callSid)
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /** The CallSid a voice conversation is about: the newest call linked to it, else the call its first message came from. */
  async callSidFor(conversationId: string): Promise<string | null> {
    const call = await callForConversation(this.d.db, conversationId);
    if (call) return call.call_sid;
    const msg = await this.d.db
      .selectFrom('messages')
      .select('external_id')
      .where('conversation_id', '=', conversationId)
      .where('channel', '=', 'voice')
      .where('sender', '=', 'customer')
      .where('external_id', 'is not', null)
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst();
    return msg?.external_id ? msg.external_id.split(':')[0]! : null;
  }

  /** Runs `work` on the conversation's call under the call's lock. */
  async withConversationCall<T>(conversationId: string, work: (call: CallRow) => Promise<T>): Promise<T> {
    const sid = await this.callSidFor(conversationId);
    if (!sid) throw new AppError(404, 'no_call', 'this conversation has no phone call');
    return this.d.lock.run(sid, async () => {
      const call = await getCall(this.d.db, sid);
      if (!call) throw new AppError(404, 'no_call', 'this conversation has no phone call');
      return work(call);
    });
  }

  private async holdMusicFor(call: CallRow): Promise<string | undefined> {
    const settings = await queueSettingsByName(this.d.db, call.queue_name);
    if (settings?.holdMusicUrl) return settings.holdMusicUrl;
    const { flow } = await loadFlow(this.d.db, call.to_number);
    return flow.holdMusicUrl;
  }

  // ---- an agent takes the call ------------------------------------------------------------

  /** `task.assigned` for a voice task: ring the agent into the task's conference. */
  async taskAssigned(e: TaskAssigned): Promise<void> {
    if (e.channel !== 'voice') return;
    const sid = await this.callSidFor(e.conversationId);
    if (!sid) {
      this.d.log.warn({ conversationId: e.conversationId, taskId: e.taskId }, 'voice task assigned, but no call is known for its conversation');
      return;
    }
    await this.d.lock.run(sid, async () => {
      const call = await getCall(this.d.db, sid);
      if (!call) return;
      switch (call.state) {
        case 'voicemail':
          return; // nothing to connect: the voicemail is on the timeline for the agent
        case 'ivr':
          this.d.log.warn({ callSid: sid, conversationId: e.conversationId }, 'voice task assigned while the call is still in the IVR: ignored');
          return;
        case 'ended':
          await this.note(call, 'The caller had already hung up when the call was accepted.', undefined, `${sid}:gone-before-accept:${e.taskId}`);
          await this.d.routing.closeConversation(e.conversationId);
          return;
      }
      if (call.transfer && call.transfer.toAgentId === e.agentId) {
        await this.promoteConsult(call);
        return;
      }
      if (call.state === 'connected') {
        // Reassigned or cold-transferred while talking: the caller holds while the new agent's phone rings.
        await this.setHold(call, true).catch((err: unknown) => this.d.log.warn({ err, callSid: sid }, 'could not hold the caller during a transfer'));
        if (call.agent_leg_sid) await this.releaseLeg(call.agent_leg_sid);
        await this.note(call, `Transferring the call to ${await this.userName(e.agentId)}.`);
      }
      await this.dialAgent(call, e.agentId, e.taskId);
    });
  }

  private async dialAgent(call: CallRow, agentId: string, taskId: string): Promise<void> {
    const conference = call.conference_name ?? conferenceName(taskId);
    const task = await this.d.db.selectFrom('routing_tasks').select('queue_id').where('id', '=', taskId).executeTakeFirst();
    const settings = task ? await queueSettingsById(this.d.db, task.queue_id) : null;
    const to = await dialTarget(this.d.db, agentId);
    // A browser shows who is calling; a phone needs a caller id the business owns.
    const from = to.startsWith('client:') ? (call.caller_number ?? call.from_number) : call.to_number;
    const record = settings?.recordCalls === true && call.conversation_id !== null;
    try {
      const p = await this.twilio()
        .conferences(conference)
        .participants.create({
          from,
          to,
          label: 'agent',
          beep: 'false',
          earlyMedia: true,
          startConferenceOnEnter: true,
          endConferenceOnExit: false,
          timeout: AGENT_RING_SECONDS,
          statusCallback: this.legStatusUrl(call),
          statusCallbackMethod: 'POST',
          statusCallbackEvent: STATUS_EVENTS,
          conferenceStatusCallback: this.d.urls.to('/webhooks/twilio/voice/conference'),
          conferenceStatusCallbackMethod: 'POST',
          conferenceStatusCallbackEvent: ['start', 'end', 'join', 'leave'],
          ...(record
            ? {
                conferenceRecord: 'record-from-start',
                conferenceRecordingStatusCallback: this.d.urls.to('/webhooks/twilio/voice/recording', { kind: 'call', conversation: call.conversation_id! }),
                conferenceRecordingStatusCallbackMethod: 'POST',
                conferenceRecordingStatusCallbackEvent: ['completed'],
              }
            : {}),
        });
      await insertLeg(this.d.db, { callSid: p.callSid, parent: call.call_sid, role: 'agent', userId: agentId, conference });
      await this.patch(call.call_sid, {
        conference_name: conference,
        conference_sid: p.conferenceSid ?? call.conference_sid,
        agent_id: agentId,
        agent_leg_sid: p.callSid,
        state: call.state === 'connected' ? 'connected' : 'bridging',
      });
      this.d.log.info({ callSid: call.call_sid, legSid: p.callSid, agentId, conference, to: to.startsWith('client:') ? 'browser' : 'phone' }, 'ringing the agent');
    } catch (err) {
      if (err instanceof AppError) throw err;
      const t = twilioError(err);
      this.d.log.error({ callSid: call.call_sid, agentId, reason: t.text }, 'could not ring the agent');
      await recordError(this.d.db, call.call_sid, 'dial-agent', t.text).catch(() => undefined);
      await this.note(call, `Could not ring ${await this.userName(agentId)}: ${t.text}. The call goes back in line.`);
      await this.backToQueue(call, `agent leg could not be placed: ${t.text}`);
    }
  }

  /** The agent's leg failed or was not answered: the task goes back in line at its place, and a caller in the conference back to the queue. */
  private async backToQueue(call: CallRow, reason: string): Promise<void> {
    const callerInConference = call.state === 'connected' && call.customer_leg_sid !== null;
    const state = callerInConference || !call.callback_requested_at ? 'queued' : 'callback';
    const updated = await this.patch(call.call_sid, { state, agent_id: null, agent_leg_sid: null, on_hold: false });
    if (callerInConference) {
      const { flow } = await loadFlow(this.d.db, call.to_number);
      await this.twilio()
        .calls(call.customer_leg_sid!)
        .update({ twiml: enqueueTwiml(this.d.urls, phrase('transferring', call.language as Language, flow), call.queue_name ?? 'voice') })
        .catch((err: unknown) => this.d.log.warn({ callSid: call.call_sid, reason: twilioError(err).text }, 'could not move the caller back to the queue'));
    }
    if (updated.conversation_id) await this.d.routing.requeue(updated.conversation_id, reason);
  }

  /** Status of a leg the hub placed (already known to be news). */
  async legStatus(leg: LegRow, status: string, duration: number | null): Promise<void> {
    const call = await getCall(this.d.db, leg.parent_call_sid);
    if (!call) return;
    const answered = status === 'in-progress' || status === 'answered';
    const final = ['completed', 'busy', 'no-answer', 'failed', 'canceled'].includes(status);
    const fresh = { ...leg, answered_at: leg.answered_at ?? (answered ? new Date() : null) };
    switch (leg.role) {
      case 'agent':
        if (answered) await this.agentAnswered(call, fresh);
        else if (final) await this.agentLegEnded(call, fresh, status);
        return;
      case 'consult':
        if (answered && call.transfer?.legSid === leg.call_sid) {
          await this.note(call, `${await this.userName(call.agent_id)} is consulting ${await this.userName(leg.user_id)} (warm transfer); the caller is on hold.`, undefined, `${leg.call_sid}:answered`);
        } else if (final && !leg.released && call.transfer?.legSid === leg.call_sid) {
          await this.patch(call.call_sid, { transfer: null });
          await this.setHold(call, false).catch(() => undefined);
          await this.note(call, `Warm transfer to ${await this.userName(leg.user_id)} ended without a handover (${leg.answered_at ? 'left the call' : status}); the caller is back with ${await this.userName(call.agent_id)}.`);
        }
        return;
      case 'customer':
        if (answered) {
          await this.patch(call.call_sid, { state: 'connected', connected_at: new Date() });
          await this.note(call, `The customer answered the call back; connected to ${await this.userName(call.agent_id)}.`, undefined, `${leg.call_sid}:answered`);
        } else if (final && !leg.released) {
          await this.note(
            call,
            leg.answered_at ? `Call ended${duration !== null ? ` (${formatDuration(duration)})` : ''}.` : `The call back was not answered (${status}).`,
            duration !== null ? { durationSeconds: duration } : undefined,
            `${leg.call_sid}:${status}`,
          );
          await this.endCall(call);
        }
        return;
      case 'supervisor':
        return;
    }
  }

  private async agentAnswered(call: CallRow, leg: LegRow): Promise<void> {
    if (leg.released || leg.call_sid !== call.agent_leg_sid) {
      // A leg the call moved on from (re-offered meanwhile): hang it up.
      await this.releaseLeg(leg.call_sid);
      return;
    }
    const agent = await this.userName(leg.user_id);
    if (call.state === 'bridging') {
      if (call.callback_requested_at) await this.callCustomerBack(call, agent);
      else await this.moveCallerIn(call, leg, agent);
    } else if (call.state === 'connected') {
      await this.setHold(call, false).catch((err: unknown) => this.d.log.warn({ err, callSid: call.call_sid }, 'could not take the caller off hold'));
      await this.note(call, `Connected to ${agent}.`, { agentId: leg.user_id }, `${leg.call_sid}:connected`);
    }
  }

  private async moveCallerIn(call: CallRow, leg: LegRow, agent: string): Promise<void> {
    const twiml = conferenceTwiml(this.d.urls, [], {
      name: call.conference_name!,
      label: 'customer',
      endOnExit: true,
      startOnEnter: true,
      holdMusicUrl: await this.holdMusicFor(call),
      callSid: call.call_sid,
    });
    try {
      await this.twilio().calls(call.call_sid).update({ twiml });
    } catch (err) {
      const t = twilioError(err);
      this.d.log.info({ callSid: call.call_sid, reason: t.text }, 'could not bring the caller to the agent: the caller has left');
      await this.note(call, `The caller left before ${agent} was connected.`);
      await this.endCall(call);
      return;
    }
    await this.patch(call.call_sid, { state: 'connected', customer_leg_sid: call.call_sid, connected_at: new Date() });
    await this.note(call, `Connected to ${agent}.`, { agentId: leg.user_id }, `${leg.call_sid}:connected`);
  }

  private async callCustomerBack(call: CallRow, agent: string): Promise<void> {
    if (!call.caller_number) {
      await this.note(call, 'No number to call back.');
      await this.endCall(call);
      return;
    }
    const { flow } = await loadFlow(this.d.db, call.to_number);
    const twiml = conferenceTwiml(this.d.urls, phrase('callbackGreeting', call.language as Language, flow), {
      name: call.conference_name!,
      label: 'customer',
      endOnExit: true,
      startOnEnter: true,
      holdMusicUrl: await this.holdMusicFor(call),
      callSid: call.call_sid,
    });
    try {
      const out = await this.twilio().calls.create({
        to: call.caller_number,
        from: call.to_number,
        twiml,
        timeout: CALLBACK_RING_SECONDS,
        statusCallback: this.legStatusUrl(call),
        statusCallbackMethod: 'POST',
        statusCallbackEvent: STATUS_EVENTS,
      });
      await insertLeg(this.d.db, { callSid: out.sid, parent: call.call_sid, role: 'customer', userId: null, conference: call.conference_name! });
      await this.patch(call.call_sid, { customer_leg_sid: out.sid });
      await this.note(call, `Calling the customer back at ${call.caller_number} for ${agent}.`, { legSid: out.sid }, `${out.sid}:dialing`);
    } catch (err) {
      const t = twilioError(err);
      await recordError(this.d.db, call.call_sid, 'callback', t.text).catch(() => undefined);
      await this.note(call, `Could not place the call back: ${t.text}.`);
      // Worth another try later only when Twilio was unreachable or failing.
      if (t.status === null || t.status >= 500 || t.status === 429) {
        if (call.agent_leg_sid) await this.releaseLeg(call.agent_leg_sid);
        await this.backToQueue(call, `call back failed: ${t.text}`);
      } else {
        await this.endCall(call);
      }
    }
  }

  private async agentLegEnded(call: CallRow, leg: LegRow, status: string): Promise<void> {
    if (leg.released || leg.call_sid !== call.agent_leg_sid) return;
    const agent = await this.userName(leg.user_id);
    if (!leg.answered_at) {
      await this.note(call, `${agent} did not answer (${status}); the call goes back in line.`, { agentId: leg.user_id }, `${leg.call_sid}:${status}`);
      await this.backToQueue(call, `agent leg ${status}`);
      return;
    }
    // The customer hanging up ends the conference, which ends this leg too, and the two
    // callbacks race: ask Twilio whether the customer is still there before blaming the agent.
    if (call.customer_leg_sid && (await this.callIsOver(call.customer_leg_sid))) {
      const talked = call.connected_at ? Math.round((Date.now() - call.connected_at.getTime()) / 1000) : null;
      await this.note(call, `Call ended${talked !== null ? ` (${formatDuration(talked)})` : ''}.`, talked !== null ? { talkSeconds: talked } : undefined, `${call.customer_leg_sid}:over`);
      await this.endCall(call);
      return;
    }
    // The agent hung up: the call is over for the customer too.
    await this.note(call, `${agent} ended the call.`, { agentId: leg.user_id }, `${leg.call_sid}:${status}`);
    if (call.customer_leg_sid) {
      const { flow } = await loadFlow(this.d.db, call.to_number);
      await this.twilio()
        .calls(call.customer_leg_sid)
        .update({ twiml: hangupTwiml(phrase('goodbye', call.language as Language, flow)) })
        .catch((err: unknown) => this.d.log.info({ callSid: call.call_sid, reason: twilioError(err).text }, 'customer leg already gone'));
    }
    await this.endCall(call, { keepCustomer: true });
  }

  /** True when Twilio says the call has ended (or does not know it); false when it is live or Twilio cannot be asked. */
  private async callIsOver(callSid: string): Promise<boolean> {
    const known = await this.d.db.selectFrom('voice_calls').select('status_rank').where('call_sid', '=', callSid).executeTakeFirst();
    const leg = known ? undefined : await this.d.db.selectFrom('voice_legs').select('status_rank').where('call_sid', '=', callSid).executeTakeFirst();
    if ((known ?? leg)?.status_rank === 4) return true;
    if (!this.d.client) return false;
    try {
      const c = await this.d.client.calls(callSid).fetch();
      return ['completed', 'busy', 'failed', 'no-answer', 'canceled'].includes(c.status);
    } catch (err) {
      return twilioError(err).status === 404;
    }
  }

  /** The caller's own call ended (status callback, or they hung up in the queue). */
  async customerEnded(call: CallRow, status: string, duration: number | null): Promise<void> {
    const conv = call.conversation_id;
    switch (call.state) {
      case 'ivr':
        await this.patch(call.call_sid, { state: 'ended', ended_at: sql<Date>`coalesce(ended_at, now())` });
        this.d.log.info({ callSid: call.call_sid, node: call.node, status }, 'caller left in the IVR');
        return;
      case 'queued': {
        if (call.customer_leg_sid && call.customer_leg_sid !== call.call_sid) return; // the call back, not this call, is in the queue
        const task = conv ? await liveTask(this.d.db, conv) : undefined;
        const waited = task ? Math.max(0, Math.round((Date.now() - task.enqueued_at.getTime()) / 1000)) : null;
        await this.patch(call.call_sid, { state: 'ended', ended_at: sql<Date>`coalesce(ended_at, now())` });
        await this.note(
          call,
          `The caller hung up after waiting ${waited !== null ? formatDuration(waited) : ''} in line.`.replace('  ', ' '),
          waited !== null ? { waitedSeconds: waited, abandoned: true } : { abandoned: true },
          `${call.call_sid}:abandoned`,
        );
        if (conv) await this.d.routing.closeConversation(conv);
        return;
      }
      case 'bridging':
        if (call.callback_requested_at) return;
        await this.note(call, 'The caller hung up while the agent was being connected.', undefined, `${call.call_sid}:gone-while-bridging`);
        await this.endCall(call);
        return;
      case 'connected':
        if (call.customer_leg_sid !== call.call_sid) return;
        await this.note(call, `Call ended${duration !== null ? ` (${formatDuration(duration)})` : ''}.`, duration !== null ? { durationSeconds: duration } : undefined, `${call.call_sid}:${status}`);
        await this.endCall(call);
        return;
      default:
        return; // callback, voicemail: the task stays for an agent; ended: nothing left to do
    }
  }

  /** Ends the call for everyone: legs hung up, conversation closed (its task completed, or abandoned if never assigned). */
  async endCall(call: CallRow, opts: { keepCustomer?: boolean } = {}): Promise<void> {
    await this.patch(call.call_sid, { state: 'ended', on_hold: false, transfer: null });
    for (const leg of await liveLegs(this.d.db, call.call_sid)) {
      if (opts.keepCustomer && leg.role === 'customer') continue;
      await this.releaseLeg(leg.call_sid);
    }
    if (call.conversation_id) await this.d.routing.closeConversation(call.conversation_id);
  }

  /** Hangs up a leg the hub placed, marked so its 'completed' callback is not taken for someone hanging up. */
  async releaseLeg(legSid: string): Promise<void> {
    const leg = await this.d.db.updateTable('voice_legs').set({ released: true }).where('call_sid', '=', legSid).where('ended_at', 'is', null).returning('call_sid').executeTakeFirst();
    if (!leg || !this.d.client) return;
    await this.d.client
      .calls(legSid)
      .update({ status: 'completed' })
      .catch((err: unknown) => this.d.log.info({ legSid, reason: twilioError(err).text }, 'leg already gone'));
  }

  // ---- controls from the console -------------------------------------------------------------

  private requireConference(call: CallRow): { conferenceSid: string; customerLeg: string } {
    if (call.state !== 'connected' || !call.conference_sid || !call.customer_leg_sid) {
      throw new AppError(409, 'not_connected', `the call is not connected to an agent (it is ${call.state})`);
    }
    return { conferenceSid: call.conference_sid, customerLeg: call.customer_leg_sid };
  }

  async setHold(call: CallRow, hold: boolean): Promise<CallRow> {
    const { conferenceSid, customerLeg } = this.requireConference(call);
    const music = await this.holdMusicFor(call);
    await this.twilio()
      .conferences(conferenceSid)
      .participants(customerLeg)
      .update({ hold, ...(hold && music ? { holdUrl: music, holdMethod: 'GET' } : {}) });
    return this.patch(call.call_sid, { on_hold: hold });
  }

  async hold(call: CallRow, hold: boolean, byUserId: string): Promise<CallRow> {
    if (call.on_hold === hold) return call;
    const updated = await this.setHold(call, hold);
    await this.note(call, hold ? `${await this.userName(byUserId)} put the caller on hold.` : `${await this.userName(byUserId)} took the caller off hold.`, { byUserId });
    return updated;
  }

  /** Cold transfer to a queue: the agent leaves, the caller goes back to waiting (new queue), the task is offered again. */
  async transferToQueue(call: CallRow, queue: { id: string; name: string }, byUserId: string): Promise<void> {
    const { customerLeg } = this.requireConference(call);
    const conv = call.conversation_id!;
    await this.patch(call.call_sid, { state: 'queued', queue_name: queue.name, node: null, agent_id: null, on_hold: false, transfer: null });
    for (const leg of await liveLegs(this.d.db, call.call_sid)) if (leg.role !== 'customer') await this.releaseLeg(leg.call_sid);
    const { flow } = await loadFlow(this.d.db, call.to_number);
    await this.twilio()
      .calls(customerLeg)
      .update({ twiml: enqueueTwiml(this.d.urls, phrase('transferring', call.language as Language, flow), queue.name) });
    await this.note(call, `${await this.userName(byUserId)} transferred the call to the queue ${queue.name}.`, { byUserId, queue: queue.name });
    // Routing moves the task to the new queue; it keeps its place in line (enqueued_at).
    await this.d.routing.requeue(conv, `transferred to queue ${queue.name}`, { queueId: queue.id });
  }

  /** Warm transfer: the caller holds while the target agent is rung into the conference to talk with the current one. */
  async startWarmTransfer(call: CallRow, toAgentId: string, byUserId: string): Promise<CallRow> {
    const { conferenceSid } = this.requireConference(call);
    if (call.transfer) throw new AppError(409, 'transfer_in_progress', 'a warm transfer is already under way: complete or cancel it first');
    if (toAgentId === call.agent_id) throw new AppError(400, 'invalid_request', 'body.agentId: that agent already has the call');
    await this.setHold(call, true);
    const to = await dialTarget(this.d.db, toAgentId);
    try {
      const p = await this.twilio()
        .conferences(conferenceSid)
        .participants.create({
          from: to.startsWith('client:') ? (call.caller_number ?? call.from_number) : call.to_number,
          to,
          label: 'consult',
          beep: 'false',
          earlyMedia: true,
          startConferenceOnEnter: true,
          endConferenceOnExit: false,
          timeout: AGENT_RING_SECONDS,
          statusCallback: this.legStatusUrl(call),
          statusCallbackMethod: 'POST',
          statusCallbackEvent: STATUS_EVENTS,
        });
      await insertLeg(this.d.db, { callSid: p.callSid, parent: call.call_sid, role: 'consult', userId: toAgentId, conference: call.conference_name! });
      const updated = await this.patch(call.call_sid, { transfer: JSON.stringify({ toAgentId, legSid: p.callSid, byUserId }) });
      await this.note(call, `${await this.userName(byUserId)} is ringing ${await this.userName(toAgentId)} for a warm transfer; the caller is on hold.`, { byUserId, toAgentId });
      return updated;
    } catch (err) {
      await this.setHold(call, false).catch(() => undefined);
      if (err instanceof AppError) throw err;
      throw new AppError(502, 'twilio_failed', `could not ring the agent: ${twilioError(err).text}`);
    }
  }

  /** The consulted agent now owns the call (after routing reassigned the task to them). */
  private async promoteConsult(call: CallRow): Promise<void> {
    const t = call.transfer!;
    const previous = call.agent_leg_sid;
    await this.d.db.updateTable('voice_legs').set({ role: 'agent' }).where('call_sid', '=', t.legSid).execute();
    const updated = await this.patch(call.call_sid, { agent_id: t.toAgentId, agent_leg_sid: t.legSid, transfer: null });
    if (previous) await this.releaseLeg(previous);
    await this.setHold(updated, false).catch((err: unknown) => this.d.log.warn({ err, callSid: call.call_sid }, 'could not take the caller off hold'));
    await this.note(call, `Warm transfer complete: ${await this.userName(t.toAgentId)} has the call.`, { agentId: t.toAgentId });
  }

  async cancelWarmTransfer(call: CallRow, byUserId: string): Promise<void> {
    if (!call.transfer) throw new AppError(409, 'no_transfer', 'no warm transfer is under way');
    const t = call.transfer;
    await this.patch(call.call_sid, { transfer: null });
    await this.releaseLeg(t.legSid);
    const fresh = (await getCall(this.d.db, call.call_sid))!;
    await this.setHold(fresh, false).catch(() => undefined);
    await this.note(call, `${await this.userName(byUserId)} cancelled the warm transfer to ${await this.userName(t.toAgentId)}.`, { byUserId });
  }

  /** A supervisor listens (muted), whispers (heard by the agent only) or barges in (heard by everyone). */
  async monitor(call: CallRow, supervisorId: string, mode: MonitorMode): Promise<{ legSid: string; created: boolean }> {
    const { conferenceSid } = this.requireConference(call);
    if (mode === 'whisper' && !call.agent_leg_sid) throw new AppError(409, 'no_agent', 'nobody to whisper to: the call has no agent leg');
    const coach = mode === 'whisper' ? { coaching: true, callSidToCoach: call.agent_leg_sid! } : { coaching: false };
    const existing = (await liveLegs(this.d.db, call.call_sid)).find((l) => l.role === 'supervisor' && l.user_id === supervisorId);
    try {
      if (existing) {
        await this.twilio()
          .conferences(conferenceSid)
          .participants(existing.call_sid)
          .update({ muted: mode === 'listen', ...coach });
        await this.d.db.updateTable('voice_legs').set({ mode }).where('call_sid', '=', existing.call_sid).execute();
        return { legSid: existing.call_sid, created: false };
      }
      const to = await dialTarget(this.d.db, supervisorId);
      const p = await this.twilio()
        .conferences(conferenceSid)
        .participants.create({
          from: to.startsWith('client:') ? (call.caller_number ?? call.from_number) : call.to_number,
          to,
          label: `supervisor-${mode}`,
          beep: 'false',
          muted: mode === 'listen',
          ...coach,
          startConferenceOnEnter: false,
          endConferenceOnExit: false,
          timeout: AGENT_RING_SECONDS,
          statusCallback: this.legStatusUrl(call),
          statusCallbackMethod: 'POST',
          statusCallbackEvent: STATUS_EVENTS,
        });
      await insertLeg(this.d.db, { callSid: p.callSid, parent: call.call_sid, role: 'supervisor', userId: supervisorId, conference: call.conference_name!, mode });
      return { legSid: p.callSid, created: true };
    } catch (err) {
      if (err instanceof AppError) throw err;
      throw new AppError(502, 'twilio_failed', `could not ${existing ? 'change' : 'start'} monitoring: ${twilioError(err).text}`);
    }
  }

  async stopMonitor(call: CallRow, supervisorId: string): Promise<boolean> {
    const legs = (await liveLegs(this.d.db, call.call_sid)).filter((l) => l.role === 'supervisor' && l.user_id === supervisorId);
    for (const l of legs) await this.releaseLeg(l.call_sid);
    return legs.length > 0;
  }

  /** Hang up from the console: the customer hears goodbye, every leg ends, the conversation closes. */
  async hangup(call: CallRow, byUserId: string): Promise<void> {
    if (call.state === 'ended') return;
    await this.note(call, `${await this.userName(byUserId)} ended the call.`, { byUserId });
    // The caller's live leg: in the conference, or still waiting in the queue.
    const customer = call.customer_leg_sid ?? (call.ended_at === null && (call.state === 'queued' || call.state === 'bridging') ? call.call_sid : null);
    if (customer) {
      const { flow } = await loadFlow(this.d.db, call.to_number);
      await this.twilio()
        .calls(customer)
        .update({ twiml: hangupTwiml(phrase('goodbye', call.language as Language, flow)) })
        .catch((err: unknown) => this.d.log.info({ callSid: call.call_sid, reason: twilioError(err).text }, 'customer leg already gone'));
    }
    await this.endCall(call, { keepCustomer: true });
  }
}
