// Twilio's voice webhooks: the inbound call and its IVR steps, the queue's
// wait and exit URLs, voicemail and recordings, and status callbacks. Every
// request is signature-checked first (403 otherwise). A TwiML webhook never
// fails towards the caller: any error answers with an apology and a way on
// (the queue, voicemail, or hold music) — never dead air.
import { Router, type Request, type Response } from 'express';
import type { InboundEvent } from '../types.js';
import { normalizeDigits, normalizePhone } from '../../domain/identity.js';
import { formParams, verifyTwilioSignature } from '../sms/signature.js';
import type { VoiceControl } from './control.js';
import type { VoiceDeps } from './deps.js';
import { LANGUAGES, type Flow, type Language } from './flow.js';
import { advance, describePath, handleInput, type Advance, type CallContext } from './ivr.js';
import { estimateWaitSeconds, phrase, queueAnnouncement } from './prompts.js';
import type { PathEntry } from './schema.js';
import {
  advanceStatus,
  commitStep,
  createCall,
  customerByAccount,
  getCall,
  getLeg,
  isFinal,
  liveTask,
  loadFlow,
  queueSettingsByName,
  recordError,
  updateCall,
  waitFigures,
  type CallPatch,
  type CallRow,
  type LoadedFlow,
} from './store.js';
import { addNote, formatDuration } from './timeline.js';
import {
  apologyTwiml,
  emptyTwiml,
  enqueueTwiml,
  gatherTwiml,
  hangupTwiml,
  leaveTwiml,
  VOICE_PATHS,
  voicemailTwiml,
  waitTwiml,
  type ApologyFallback,
} from './twiml.js';
import { CALL_SID, param } from './util.js';

type Params = Record<string, unknown>;

/** Input we cannot act on; the caller still gets a graceful answer, and the admin API shows what came in. */
export class BadVoiceInput extends Error {}

const asLanguage = (l: string): Language => ((LANGUAGES as readonly string[]).includes(l) ? (l as Language) : 'en');

export function voiceWebhooks(deps: VoiceDeps & { authToken: string | undefined; publicUrl: string }, control: VoiceControl): Router {
  const r = Router();
  const { db, log, urls } = deps;
  const guard = verifyTwilioSignature({ authToken: deps.authToken, publicUrl: deps.publicUrl, log });

  /** A TwiML webhook: answers 200 with TwiML whatever happens inside. */
  const twiml = (context: string, fallback: ApologyFallback, handler: (p: Params, req: Request) => Promise<string>) => (req: Request, res: Response) =>
    deps.inFlight.track(
      (async () => {
        const p = formParams(req.body);
        let xml: string;
        try {
          xml = await handler(p, req);
        } catch (err) {
          const callSid = param(p, 'CallSid') ?? null;
          const message = err instanceof Error ? err.message : String(err);
          if (err instanceof BadVoiceInput) log.warn({ callSid, context, problem: message }, 'voice webhook: bad input, answered gracefully');
          else log.error({ err, callSid, context }, 'voice webhook failed: answering with an apology');
          void recordError(db, callSid, context, message).catch(() => undefined);
          xml = fallback === 'music' ? waitTwiml(urls, [], null, undefined) : apologyTwiml(urls, fallback);
        }
        res.status(200).type('text/xml').send(xml);
      })(),
    );

  /** A callback whose answer Twilio ignores: 200 once handled; failures are logged and kept for the admin API. */
  const callback = (context: string, handler: (p: Params, req: Request) => Promise<void>) => (req: Request, res: Response) =>
    deps.inFlight.track(
      (async () => {
        const p = formParams(req.body);
        try {
          await handler(p, req);
        } catch (err) {
          const callSid = param(p, 'CallSid') ?? null;
          const message = err instanceof Error ? err.message : String(err);
          if (err instanceof BadVoiceInput) log.warn({ callSid, context, problem: message }, 'voice callback: bad input, ignored');
          else log.error({ err, callSid, context }, 'voice callback failed');
          void recordError(db, callSid, context, message).catch(() => undefined);
          if (err instanceof BadVoiceInput) {
            res.status(400).json({ error: { code: 'invalid_request', message } });
            return;
          }
        }
        res.status(200).type('text/xml').send(emptyTwiml());
      })(),
    );

  const callSidOf = (p: Params): string => {
    const sid = param(p, 'CallSid');
    if (!sid || !CALL_SID.test(sid)) throw new BadVoiceInput(`CallSid ${sid === undefined ? 'is missing' : 'is not a Twilio call SID'}`);
    return sid;
  };

  r.post(VOICE_PATHS.inbound, guard, twiml('inbound', 'queue', inbound));
  r.post(VOICE_PATHS.ivr, guard, twiml('ivr', 'queue', ivrStep));
  r.post(VOICE_PATHS.wait, guard, twiml('wait', 'music', wait));
  r.post(VOICE_PATHS.waitKey, guard, twiml('wait-key', 'music', waitKey));
  r.post(VOICE_PATHS.queueExit, guard, twiml('queue-exit', 'voicemail', queueExit));
  r.post(VOICE_PATHS.voicemail, guard, twiml('voicemail', 'hangup', voicemailDone));
  r.post(VOICE_PATHS.dialEnd, guard, twiml('dial-end', 'hangup', dialEnd));
  r.post(VOICE_PATHS.fallback, guard, twiml('fallback', 'voicemail', fallbackToQueue));
  r.post(VOICE_PATHS.client, guard, twiml('client', 'hangup', clientCall));
  r.post(VOICE_PATHS.status, guard, callback('status', status));
  r.post(VOICE_PATHS.recording, guard, callback('recording', recording));
  r.post(VOICE_PATHS.conference, guard, callback('conference', conference));

  // ---- the IVR -----------------------------------------------------------------------------

  async function inbound(p: Params): Promise<string> {
    const callSid = callSidOf(p);
    const fromRaw = param(p, 'From') ?? '';
    const toRaw = param(p, 'To') ?? '';
    const caller = normalizePhone(fromRaw);
    const business = normalizePhone(toRaw) ?? toRaw.trim();
    return deps.lock.run(callSid, async () => {
      const existing = await getCall(db, callSid);
      if (existing?.last_twiml) return existing.last_twiml; // Twilio asked again: same answer
      const loaded = await loadFlow(db, business);
      if (loaded.problem) {
        log.error({ callSid, problem: loaded.problem }, 'voice flow unusable: the built-in flow answers');
        await recordError(db, callSid, 'flow', loaded.problem);
      }
      const { row } = await createCall(db, { callSid, from: fromRaw.slice(0, 64), to: business.slice(0, 64), callerNumber: caller, flowNumber: loaded.source, language: loaded.flow.defaultLanguage });
      if (row.last_twiml) return row.last_twiml;
      log.info({ callSid, flow: loaded.source, anonymous: caller === null }, 'call arrived');
      const ctx: CallContext = { flow: loaded.flow, language: loaded.flow.defaultLanguage, now: deps.now() };
      return answer(row, loaded, row.step, advance(ctx, loaded.flow.start), { language: ctx.language });
    });
  }

  async function ivrStep(p: Params, req: Request): Promise<string> {
    const callSid = callSidOf(p);
    const q = req.query as Record<string, string | undefined>;
    const node = q['node'] ?? '';
    const step = Number(q['step']);
    const tryNo = Math.max(1, Math.min(20, Number(q['try']) || 1));
    if (!node || !Number.isInteger(step)) throw new BadVoiceInput('IVR step URL without node or step');
    return deps.lock.run(callSid, async () => {
      const call = await getCall(db, callSid);
      if (!call) throw new BadVoiceInput(`unknown CallSid ${callSid} at an IVR step`);
      if (call.step !== step || call.state !== 'ivr') {
        // A repeated or late request: answer as the first time.
        if (call.last_twiml) return call.last_twiml;
        throw new BadVoiceInput(`IVR step ${step} does not match the call (at step ${call.step}, ${call.state})`);
      }
      const loaded = await loadFlow(db, call.to_number);
      const language = asLanguage(call.language);
      const ctx: CallContext = { flow: loaded.flow, language, now: deps.now() };
      const input = q['timeout'] ? {} : { digits: sanitize(param(p, 'Digits'), 40), speech: sanitize(param(p, 'SpeechResult'), 300) };
      const outcome = handleInput(ctx, node, input, tryNo);
      if (outcome.kind === 'retry') return answer(call, loaded, step, advance(ctx, node, outcome.try), { path: [outcome.entry], language });

      const nextLanguage = outcome.language ?? language;
      const vars = { ...call.vars };
      let next = outcome.next;
      const entry: PathEntry = { ...outcome.entry };
      if (outcome.variable) {
        vars[outcome.variable.name] = outcome.variable.value;
        if (outcome.variable.identify) {
          const found = await customerByAccount(db, outcome.variable.value);
          if (found) {
            vars['accountCustomerId'] = found.customerId;
            vars['accountIdentityKind'] = found.identity.kind;
            vars['accountIdentityValue'] = found.identity.value;
            entry.input = `${entry.input} (customer found)`;
          } else {
            delete vars['accountCustomerId'];
            next = outcome.variable.identify.notFound;
            entry.input = `${entry.input} (no such account)`;
          }
        }
      }
      const moved = { ...call, vars, language: nextLanguage };
      return answer(moved, loaded, step, advance({ ...ctx, language: nextLanguage }, next), { path: [entry], patch: { language: nextLanguage, vars }, language: nextLanguage });
    });
  }

  /**
   * Turns where the IVR stopped into TwiML, does what a terminal node asks
   * (queue, voicemail, callback), and records the step. When another request
   * answered this step first, its TwiML is returned instead.
   */
  async function answer(call: CallRow, loaded: LoadedFlow, step: number, adv: Advance, o: { path?: PathEntry[]; patch?: CallPatch; language: Language }): Promise<string> {
    const path = [...(o.path ?? []), ...adv.path];
    const patch: CallPatch = { ...o.patch };
    const flow = loaded.flow;
    let xml: string;
    if (adv.wait) {
      patch.node = adv.wait.node;
      xml = gatherTwiml(urls, adv.speech, adv.wait, step + 1);
    } else {
      const t = adv.terminal!;
      const fullPath = [...call.path, ...path];
      patch.node = t.node;
      switch (t.type) {
        case 'queue':
          xml = await enterQueue(call, flow, t.queue, fullPath, adv.speech, o.language, 'call');
          break;
        case 'callback':
          if (!call.caller_number) xml = await enterQueue(call, flow, t.queue, fullPath, [...adv.speech, ...phrase('callbackNoNumber', o.language, flow)], o.language, 'call');
          else {
            await enterQueue(call, flow, t.queue, fullPath, [], o.language, 'callback');
            xml = hangupTwiml([...adv.speech, ...t.prompt]);
          }
          break;
        case 'voicemail':
          patch.state = 'voicemail';
          patch.queueName = t.queue ?? null;
          xml = voicemailTwiml(urls, [...adv.speech, ...t.prompt], t.maxSeconds, o.language, flow);
          break;
        case 'hangup':
          xml = hangupTwiml([...adv.speech, ...t.prompt]);
          break;
      }
    }
    if (await commitStep(db, call.call_sid, step, patch, path, xml)) return xml;
    return (await getCall(db, call.call_sid))?.last_twiml ?? xml;
  }

  function identitiesOf(call: CallRow): InboundEvent['identities'] {
    // Identified by account number: the account's customer (the caller's number is not linked to it automatically).
    const kind = call.vars['accountIdentityKind'];
    const value = call.vars['accountIdentityValue'];
    if (call.vars['accountCustomerId'] && value && (kind === 'phone' || kind === 'email' || kind === 'visitor')) return [{ kind, value }];
    if (call.caller_number) return [{ kind: 'phone', value: call.caller_number }];
    return [{ kind: 'visitor', value: `call:${call.call_sid}` }];
  }

  function callBody(call: CallRow, path: PathEntry[], what: 'call' | 'callback' | 'voicemail' | 'fallback', extra = ''): string {
    const from = call.caller_number ?? 'an unknown number';
    const head = { call: 'Phone call', callback: 'Callback request', voicemail: 'Voicemail', fallback: 'Phone call' }[what];
    const account = call.vars['account'] ? ` · account ${call.vars['account']}${call.vars['accountCustomerId'] ? '' : ' (not found)'}` : '';
    const ivr = path.length > 0 ? ` · IVR: ${describePath(path)}` : '';
    return `${head} from ${from}${extra}${account}${ivr}`.slice(0, 2000);
  }

  /**
   * The call becomes a voice routing task in `queue` (one message per call,
   * idempotent on CallSid) and the caller waits in the queue; with 'callback'
   * the caller hangs up and the task waits, marked for a call back.
   */
  async function enterQueue(call: CallRow, flow: Flow, queue: string, path: PathEntry[], speech: ReturnType<typeof phrase>, language: Language, mode: 'call' | 'callback'): Promise<string> {
    const result = await deps.ingest.ingest({
      channel: 'voice',
      externalId: call.call_sid,
      identities: identitiesOf(call),
      body: callBody(call, path, mode),
      queueName: queue,
      metadata: {
        kind: mode,
        callSid: call.call_sid,
        from: call.caller_number,
        to: call.to_number,
        language,
        ivrPath: path,
        ...(call.vars['account'] ? { account: call.vars['account'], accountMatched: Boolean(call.vars['accountCustomerId']) } : {}),
      },
      conversationMeta: { voiceBusinessNumber: call.to_number, voiceCallerNumber: call.caller_number, voiceLanguage: language },
    });
    const conversationId = result.conversationId;
    const settings = await queueSettingsByName(db, queue);
    if (settings && settings.queueName !== queue) {
      log.warn({ callSid: call.call_sid, queue }, 'flow names a voice queue that does not exist: the default voice queue took the call');
      await recordError(db, call.call_sid, 'queue', `the flow names the voice queue "${queue}", which does not exist; the call went to ${settings.queueName}`);
    }
    await updateCall(db, call.call_sid, {
      conversationId,
      state: mode === 'callback' ? 'callback' : 'queued',
      queueName: settings?.queueName ?? queue,
      ...(mode === 'callback' ? { callbackRequestedAt: new Date() } : {}),
    });
    if (!result.duplicate && result.taskId === null && !(await joinLiveTask(call, conversationId))) {
      // The customer is on another line with an agent now: leave a message for them rather than wait for nothing.
      await updateCall(db, call.call_sid, { state: 'voicemail' });
      return voicemailTwiml(urls, [...speech, ...phrase('apologyVoicemail', language, flow)], 120, language, flow);
    }
    if (mode === 'callback') {
      await addNote(db, deps.events, { conversationId, body: `The caller asked to be called back at ${call.caller_number}.`, metadata: { callSid: call.call_sid, callback: true }, key: `${call.call_sid}:callback` });
    }
    log.info({ callSid: call.call_sid, conversationId, taskId: result.taskId, queue, mode }, mode === 'callback' ? 'callback requested from the IVR' : 'caller queued');
    return enqueueTwiml(urls, speech, settings?.queueName ?? queue);
  }

  /**
   * The customer already had an open voice conversation with a live task
   * (a callback or voicemail waiting, or an agent on it): this call takes
   * that task over, keeping its place in line. False when the customer is
   * on another call with us right now.
   */
  async function joinLiveTask(call: CallRow, conversationId: string): Promise<boolean> {
    const task = await liveTask(db, conversationId);
    const earlier = await db
      .selectFrom('voice_calls')
      .selectAll()
      .where('conversation_id', '=', conversationId)
      .where('call_sid', '!=', call.call_sid)
      .where('state', 'not in', ['ended', 'ivr'])
      .execute();
    if (earlier.some((c) => c.state === 'connected' || c.state === 'bridging')) {
      log.info({ callSid: call.call_sid, conversationId }, 'second call from a customer already connected: offered voicemail');
      return false;
    }
    for (const c of earlier) await updateCall(db, c.call_sid, { state: 'ended' });
    await addNote(db, deps.events, { conversationId, body: 'The customer called again; the new call takes the existing place in line.', metadata: { callSid: call.call_sid }, key: `${call.call_sid}:rejoined` });
    if (task?.status === 'assigned') await deps.routing.requeue(conversationId, 'the customer called again');
    return true;
  }

  // ---- the queue ---------------------------------------------------------------------------

  /** The call behind a CallSid: an inbound call, or the customer's leg of a call back (moved back to the queue). */
  async function resolveCall(callSid: string): Promise<CallRow | undefined> {
    const call = await getCall(db, callSid);
    if (call) return call;
    const leg = await getLeg(db, callSid);
    return leg?.role === 'customer' ? getCall(db, leg.parent_call_sid) : undefined;
  }

  async function queueOptions(call: CallRow, loaded: LoadedFlow) {
    const node = call.node ? loaded.flow.nodes[call.node] : undefined;
    const queueNode = node?.type === 'queue' ? node : undefined;
    const settings = await queueSettingsByName(db, call.queue_name);
    return {
      announce: queueNode?.announce ?? true,
      callback: (queueNode?.callback ?? true) && (settings?.offerCallback ?? true) && call.caller_number !== null && call.customer_leg_sid === null,
      holdMusicUrl: queueNode?.holdMusicUrl ?? settings?.holdMusicUrl ?? loaded.flow.holdMusicUrl,
    };
  }

  async function waitBody(call: CallRow): Promise<string> {
    const loaded = await loadFlow(db, call.to_number);
    const lang = asLanguage(call.language);
    const opts = await queueOptions(call, loaded);
    const task = call.conversation_id ? await liveTask(db, call.conversation_id) : undefined;
    if (!task || task.status === 'assigned' || call.state !== 'queued') {
      // Being connected (or nothing to announce): music only.
      return waitTwiml(urls, [], null, opts.holdMusicUrl);
    }
    const figures = await waitFigures(db, task);
    const announcement = opts.announce ? queueAnnouncement(figures.position, estimateWaitSeconds(figures), lang, loaded.flow) : [];
    return waitTwiml(urls, announcement, opts.callback ? phrase('callbackOffer', lang, loaded.flow) : null, opts.holdMusicUrl);
  }

  async function wait(p: Params): Promise<string> {
    const call = await resolveCall(callSidOf(p));
    if (!call) throw new BadVoiceInput(`unknown CallSid ${param(p, 'CallSid')} waiting in a queue`);
    return waitBody(call);
  }

  async function waitKey(p: Params): Promise<string> {
    const callSid = callSidOf(p);
    const digits = normalizeDigits(param(p, 'Digits') ?? '').trim();
    const owner = await resolveCall(callSid);
    if (!owner) throw new BadVoiceInput(`unknown CallSid ${callSid} pressing a key in a queue`);
    return deps.lock.run(owner.call_sid, async () => {
      const call = (await getCall(db, owner.call_sid))!;
      const loaded = await loadFlow(db, call.to_number);
      if (digits === '1' && call.state === 'queued' && (await queueOptions(call, loaded)).callback) {
        await updateCall(db, call.call_sid, { state: 'callback', callbackRequestedAt: new Date() });
        if (call.conversation_id) {
          await addNote(db, deps.events, {
            conversationId: call.conversation_id,
            body: `The caller asked to be called back at ${call.caller_number} and hung up; their place in line is kept.`,
            metadata: { callSid: call.call_sid, callback: true },
            key: `${call.call_sid}:callback`,
          });
        }
        log.info({ callSid, conversationId: call.conversation_id }, 'callback requested from the queue');
        return leaveTwiml();
      }
      if (call.state === 'callback') return leaveTwiml();
      return waitBody(call);
    });
  }

  async function queueExit(p: Params): Promise<string> {
    const callSid = callSidOf(p);
    const result = param(p, 'QueueResult') ?? '';
    const owner = await resolveCall(callSid);
    if (!owner && result === 'hangup') {
      await orphanEnded(callSid);
      return emptyTwiml();
    }
    if (!owner) throw new BadVoiceInput(`unknown CallSid ${callSid} leaving a queue`);
    return deps.lock.run(owner.call_sid, async () => {
      const call = (await getCall(db, owner.call_sid))!;
      const { flow } = await loadFlow(db, call.to_number);
      const lang = asLanguage(call.language);
      switch (result) {
        case 'leave':
          if (call.state === 'callback') return hangupTwiml(phrase('callbackConfirm', lang, flow));
          return enqueueTwiml(urls, [], call.queue_name ?? 'voice');
        case 'hangup':
          await control.customerEnded(call, 'hangup', null);
          return emptyTwiml();
        case 'redirected':
        case 'bridged':
        case 'bridging-in-process':
          return emptyTwiml();
        default:
          log.warn({ callSid, result }, 'caller left the queue unexpectedly: offering voicemail');
          await recordError(db, callSid, 'queue-exit', `the caller left the queue with QueueResult=${result || '(none)'}`);
          return apologyTwiml(urls, 'voicemail', lang, flow);
      }
    });
  }

  /** The customer's <Dial><Conference> ended without them hanging up: say goodbye. */
  async function dialEnd(p: Params): Promise<string> {
    const call = await resolveCall(callSidOf(p));
    const lang = asLanguage(call?.language ?? 'en');
    const flow = call ? (await loadFlow(db, call.to_number)).flow : undefined;
    return hangupTwiml(phrase('goodbye', lang, flow));
  }

  /** Never dead air, second line: after an apology, try the default queue (the failing step is skipped). */
  async function fallbackToQueue(p: Params): Promise<string> {
    const callSid = callSidOf(p);
    return deps.lock.run(callSid, async () => {
      const call = await getCall(db, callSid).catch((err: unknown) => {
        log.warn({ err, callSid }, 'fallback: could not read the call');
        return undefined;
      });
      if (call?.conversation_id && (await liveTask(db, call.conversation_id))) {
        await updateCall(db, callSid, { state: 'queued' });
        return enqueueTwiml(urls, [], call.queue_name ?? 'voice');
      }
      const caller = normalizePhone(param(p, 'From') ?? '');
      const to = normalizePhone(param(p, 'To') ?? '') ?? (param(p, 'To') ?? '');
      const result = await deps.ingest.ingest({
        channel: 'voice',
        externalId: callSid,
        identities: caller ? [{ kind: 'phone', value: caller }] : [{ kind: 'visitor', value: `call:${callSid}` }],
        body: `Phone call from ${caller ?? 'an unknown number'} (reached the queue after an error in the IVR)${call && call.path.length > 0 ? ` · IVR: ${describePath(call.path)}` : ''}`,
        metadata: { kind: 'call', callSid, from: caller, to, fallback: true, ...(call ? { ivrPath: call.path } : {}) },
        conversationMeta: { voiceBusinessNumber: to, voiceCallerNumber: caller },
      });
      try {
        const settings = await queueSettingsByName(db, null);
        await createCall(db, { callSid, from: param(p, 'From') ?? '', to, callerNumber: caller, flowNumber: 'built-in', language: call?.language ?? 'en' });
        await updateCall(db, callSid, { conversationId: result.conversationId, state: 'queued', queueName: settings?.queueName ?? 'voice', node: null });
      } catch (err) {
        log.warn({ err, callSid }, 'fallback: the call is queued but its voice record could not be written');
      }
      log.warn({ callSid, conversationId: result.conversationId }, 'caller put in the default queue after an IVR failure');
      return enqueueTwiml(urls, [], 'voice');
    });
  }

  async function clientCall(): Promise<string> {
    // Calls placed from the console's browser phone: not offered yet (agents are rung into calls by the hub).
    return hangupTwiml([{ kind: 'say', language: 'en-US', text: 'Outgoing calls from the console are not available. Goodbye.' }]);
  }

  // ---- voicemail and recordings ------------------------------------------------------------

  async function voicemailDone(p: Params): Promise<string> {
    const callSid = callSidOf(p);
    const url = param(p, 'RecordingUrl');
    const duration = Number(param(p, 'RecordingDuration') ?? 0);
    return deps.lock.run(callSid, async () => {
      const call = await getCall(db, callSid);
      const lang = asLanguage(call?.language ?? 'en');
      const flow = call ? (await loadFlow(db, call.to_number)).flow : undefined;
      if (!url || !(duration > 0)) return hangupTwiml(phrase('goodbye', lang, flow));
      await storeVoicemail(callSid, call, p, { url, duration, sid: param(p, 'RecordingSid') ?? null });
      return hangupTwiml(phrase('voicemailThanks', lang, flow));
    });
  }

  async function recording(p: Params, req: Request): Promise<void> {
    const q = req.query as Record<string, string | undefined>;
    if ((param(p, 'RecordingStatus') ?? 'completed') !== 'completed') return;
    const url = param(p, 'RecordingUrl');
    const sid = param(p, 'RecordingSid');
    if (!url || !sid || !/^RE[0-9a-fA-F]{32}$/.test(sid)) throw new BadVoiceInput('recording callback without RecordingUrl or a RecordingSid');
    const duration = Number(param(p, 'RecordingDuration') ?? 0) || 0;
    if (q['kind'] === 'voicemail') {
      const callSid = callSidOf(p);
      await deps.lock.run(callSid, async () => storeVoicemail(callSid, await getCall(db, callSid), p, { url, duration, sid }));
      return;
    }
    const conversationId = q['conversation'];
    if (!conversationId || !/^[0-9a-f-]{36}$/i.test(conversationId)) throw new BadVoiceInput('call recording callback without a conversation');
    const stored = await db
      .insertInto('voice_recordings')
      .values({ recording_sid: sid, call_sid: param(p, 'CallSid') ?? null, conversation_id: conversationId, kind: 'call', url, duration_seconds: duration })
      .onConflict((oc) => oc.column('recording_sid').doNothing())
      .returning('recording_sid')
      .executeTakeFirst();
    if (!stored) return;
    await addNote(db, deps.events, {
      conversationId,
      body: `Call recording (${formatDuration(duration)}): ${url}`,
      metadata: { recording: { sid, url, durationSeconds: duration, conferenceSid: param(p, 'ConferenceSid') ?? null } },
      key: `rec:${sid}`,
    });
    log.info({ recordingSid: sid, conversationId, duration }, 'call recording stored');
  }

  /**
   * A voicemail becomes work for an agent: the call's message (opening a
   * conversation and task when the call had none yet), or a note on the
   * conversation whose task is still waiting. Once per call.
   */
  async function storeVoicemail(callSid: string, call: CallRow | undefined, p: Params, rec: { url: string; duration: number; sid: string | null }): Promise<void> {
    const stored = await db
      .insertInto('voice_recordings')
      .values({ recording_sid: rec.sid ?? `voicemail-${callSid}`, call_sid: callSid, conversation_id: call?.conversation_id ?? null, kind: 'voicemail', url: rec.url, duration_seconds: rec.duration })
      .onConflict((oc) => oc.doNothing())
      .returning('recording_sid')
      .executeTakeFirst();
    if (!stored) return;
    const recording = { url: rec.url, durationSeconds: rec.duration, ...(rec.sid ? { sid: rec.sid } : {}) };
    const conv = call?.conversation_id ? await db.selectFrom('conversations').select(['id', 'status']).where('id', '=', call.conversation_id).executeTakeFirst() : undefined;
    if (conv?.status === 'open' && (await liveTask(db, conv.id))) {
      await addNote(db, deps.events, { conversationId: conv.id, body: `Voicemail (${formatDuration(rec.duration)}): ${rec.url}`, metadata: { callSid, voicemail: recording }, key: `${callSid}:voicemail` });
      await updateCall(db, callSid, { state: 'voicemail' });
    } else {
      const caller = call?.caller_number ?? normalizePhone(param(p, 'From') ?? '');
      const path = call?.path ?? [];
      const pseudo = call ?? ({ call_sid: callSid, caller_number: caller, vars: {}, path } as unknown as CallRow);
      const result = await deps.ingest.ingest({
        channel: 'voice',
        // One message per call; a call whose message already exists (closed conversation) gets a second one.
        externalId: call?.conversation_id ? `${callSid}:voicemail` : callSid,
        identities: identitiesOf(pseudo),
        body: callBody(pseudo, path, 'voicemail', ` (${formatDuration(rec.duration)})`),
        queueName: call?.queue_name ?? undefined,
        metadata: { kind: 'voicemail', callSid, from: caller, to: call?.to_number ?? null, language: call?.language ?? 'en', ivrPath: path, voicemail: recording },
        conversationMeta: { voiceBusinessNumber: call?.to_number ?? null, voiceCallerNumber: caller },
      });
      await db.updateTable('voice_recordings').set({ conversation_id: result.conversationId }).where('recording_sid', '=', stored.recording_sid).execute();
      if (call) await updateCall(db, callSid, { state: 'voicemail', conversationId: result.conversationId });
    }
    log.info({ callSid, duration: rec.duration }, 'voicemail stored');
  }

  // ---- status callbacks --------------------------------------------------------------------

  async function status(p: Params, req: Request): Promise<void> {
    const callSid = callSidOf(p);
    const callStatus = param(p, 'CallStatus') ?? '';
    const durationText = param(p, 'CallDuration');
    const duration = durationText !== undefined && /^\d+$/.test(durationText) ? Number(durationText) : null;
    // Legs the hub placed carry their call in the URL: wait behind whoever is recording the leg.
    const parentHint = (req.query as Record<string, string | undefined>)['call'];
    const parent = parentHint && CALL_SID.test(parentHint) ? parentHint : undefined;
    let leg = await getLeg(db, callSid);
    if (!leg && parent) {
      // Twilio can call back before its answer to our create reached us (another process may be recording it).
      for (let i = 0; i < 20 && !leg; i += 1) {
        leg = await deps.lock.run(parent, () => getLeg(db, callSid));
        if (!leg) await new Promise((r) => setTimeout(r, 100));
      }
      if (!leg) {
        log.warn({ callSid, parent, callStatus }, 'status callback for a leg the hub has no record of: ignored');
        return;
      }
    }
    if (leg) {
      await deps.lock.run(leg.parent_call_sid, async () => {
        const moved = await advanceStatus(db, 'voice_legs', callSid, callStatus);
        if (!moved) return; // repeated or out of order
        const fresh = (await getLeg(db, callSid))!;
        await control.legStatus(fresh, callStatus, duration);
      });
      return;
    }
    await deps.lock.run(callSid, async () => {
      const call = await getCall(db, callSid);
      if (!call) {
        if (isFinal(callStatus)) await orphanEnded(callSid);
        else log.info({ callSid, callStatus }, 'status callback for a call we do not know: ignored');
        return;
      }
      const moved = await advanceStatus(db, 'voice_calls', callSid, callStatus);
      if (!moved || !isFinal(callStatus)) return;
      await control.customerEnded((await getCall(db, callSid))!, callStatus, duration);
    });
  }

  /**
   * A call without a voice record ended (it was queued by the fallback while
   * the voice tables failed): if its conversation is still waiting, the
   * caller abandoned it.
   */
  async function orphanEnded(callSid: string): Promise<void> {
    const msg = await db.selectFrom('messages').select('conversation_id').where('channel', '=', 'voice').where('external_id', '=', callSid).executeTakeFirst();
    const task = msg ? await liveTask(db, msg.conversation_id) : undefined;
    if (!msg || !task || task.status === 'assigned') {
      log.info({ callSid }, 'status callback for a call we do not know: ignored');
      return;
    }
    log.info({ callSid, conversationId: msg.conversation_id }, 'a call without a voice record ended while waiting: abandoned');
    await deps.routing.closeConversation(msg.conversation_id);
  }

  async function conference(p: Params): Promise<void> {
    const name = param(p, 'FriendlyName');
    const sid = param(p, 'ConferenceSid');
    if (!name || !sid) return;
    await db.updateTable('voice_calls').set({ conference_sid: sid }).where('conference_name', '=', name).where('conference_sid', 'is', null).execute();
  }

  return r;
}

/** Strips what no keypad or recogniser sends (control characters), and caps the length. */
function sanitize(v: string | undefined, max: number): string | undefined {
  if (v === undefined) return undefined;
  // eslint-disable-next-line no-control-regex
  const clean = v.replace(/[\u0000-\u001f\u007f]/g, '').slice(0, max);
  return clean || undefined;
}
