// The TwiML walker plays Twilio's part of a phone call against a running hub:
// it posts signed webhooks as Twilio would, follows the TwiML that comes back
// (Say, Play, Pause, Gather, Redirect, Enqueue and its wait URL, Leave, Dial >
// Conference, Record, Hangup), types digits or says words when a <Gather>
// asks, and writes down what the caller would hear. Calls the hub places
// through Twilio's REST API (agent legs, call backs) and REST updates of live
// calls are fed in by whoever plays the REST API (tests: the recording fake;
// see tests/helpers/twiml-walker.ts). Used by tests, `npm run simulate -- call`
// and the demo.
import { randomBytes } from 'node:crypto';
import twilio from 'twilio';

// ---- a small reader for TwiML (well-formed XML from the twilio package) ------------------------

export interface TwimlElement {
  name: string;
  attrs: Record<string, string>;
  children: TwimlElement[];
  text: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const decode = (s: string) =>
  s.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-z]+);/g, (m, e: string) => {
    if (e.startsWith('#x')) return String.fromCodePoint(parseInt(e.slice(2), 16));
    if (e.startsWith('#')) return String.fromCodePoint(parseInt(e.slice(1), 10));
    return ENTITIES[e] ?? m;
  });

/** Parses a TwiML document; throws on what is not well-formed. Returns the <Response> element. */
export function parseTwiml(xml: string): TwimlElement {
  const root: TwimlElement = { name: '#document', attrs: {}, children: [], text: '' };
  const stack = [root];
  const tag = /<(\/?)([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|<\?[\s\S]*?\?>|<!--[\s\S]*?-->/g;
  let last = 0;
  for (let m = tag.exec(xml); m; m = tag.exec(xml)) {
    const text = xml.slice(last, m.index);
    if (text.trim()) stack[stack.length - 1]!.text += decode(text);
    last = tag.lastIndex;
    if (!m[2]) continue; // declaration or comment
    const [, closing, name, attrText, selfClosing] = m;
    if (closing) {
      const open = stack.pop();
      if (!open || open.name !== name) throw new Error(`TwiML: </${name}> does not close <${open?.name ?? 'nothing'}>`);
      continue;
    }
    const attrs: Record<string, string> = {};
    for (const a of (attrText ?? '').matchAll(/([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) attrs[a[1]!] = decode(a[2] ?? a[3] ?? '');
    const el: TwimlElement = { name: name!, attrs, children: [], text: '' };
    stack[stack.length - 1]!.children.push(el);
    if (!selfClosing) stack.push(el);
  }
  if (stack.length !== 1) throw new Error(`TwiML: <${stack[stack.length - 1]!.name}> is not closed`);
  if (xml.slice(last).trim()) throw new Error('TwiML: text after the document');
  const response = root.children[0];
  if (!response || response.name !== 'Response' || root.children.length !== 1) throw new Error('TwiML: the document is not one <Response>');
  return response;
}

// ---- the walker --------------------------------------------------------------------------------

/** One thing the caller heard or did, in order. */
export type Heard =
  | { verb: 'say'; text: string; language?: string }
  | { verb: 'play'; url: string }
  | { verb: 'pause'; seconds: number }
  | { verb: 'pressed'; digits: string }
  | { verb: 'said'; speech: string }
  | { verb: 'silence' }
  | { verb: 'enqueue'; queue: string }
  | { verb: 'leave' }
  | { verb: 'conference'; name: string }
  | { verb: 'record'; seconds: number }
  | { verb: 'redirect'; url: string }
  | { verb: 'hangup'; by: 'hub' | 'caller' | 'end-of-twiml' | 'rest' };

/** What the caller does at the next <Gather>: digits, words, or nothing (the gather times out). */
export type CallerAction = string | { speech: string } | { silence: true };

export type SimState = 'ringing' | 'running' | 'gathering' | 'queued' | 'conference' | 'ended';

export interface WalkerOptions {
  /** Where the hub listens (requests go here). */
  hubUrl: string;
  /** The hub's PUBLIC_URL: Twilio signs PUBLIC_URL + path, and TwiML URLs start with it. */
  publicUrl: string;
  authToken: string;
  accountSid?: string;
  /** The number's "call status changes" webhook (inbound calls), or null for none. */
  statusPath?: string | null;
  /** How long the caller talks at a <Record>; 0 = silence (nothing recorded). */
  recordingSeconds?: number;
  /** Progress lines (the CLI prints them). */
  log?: (line: string) => void;
}

const trim = (u: string) => u.replace(/\/+$/, '');
const hex = (n: number) => randomBytes(n).toString('hex');
export const newCallSid = () => `CA${hex(16)}`;

export interface WebhookReply {
  status: number;
  body: string;
}

export class TwimlWalker {
  readonly calls = new Map<string, SimCall>();
  readonly accountSid: string;
  /** Every webhook posted, in order (path, params, answer). */
  readonly requests: { url: string; params: Record<string, string>; status: number; body: string }[] = [];
  private readonly pending = new Set<Promise<unknown>>();

  constructor(readonly o: WalkerOptions) {
    this.accountSid = o.accountSid ?? `AC${'0'.repeat(32)}`;
  }

  log(line: string): void {
    this.o.log?.(line);
  }

  /** Posts a signed webhook as Twilio would. `url` is absolute (on PUBLIC_URL) or a path. */
  async post(url: string, params: Record<string, string>): Promise<WebhookReply> {
    const absolute = url.startsWith('http') ? url : trim(this.o.publicUrl) + url;
    const publicBase = trim(this.o.publicUrl);
    if (!absolute.startsWith(publicBase)) throw new Error(`walker: ${absolute} is not on PUBLIC_URL ${publicBase}`);
    const signature = twilio.getExpectedTwilioSignature(this.o.authToken, absolute, params);
    const res = await fetch(trim(this.o.hubUrl) + absolute.slice(publicBase.length), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature, 'user-agent': 'TwilioProxy/1.1 (pasokh walker)' },
      body: new URLSearchParams(params).toString(),
    });
    const reply = { status: res.status, body: await res.text() };
    this.requests.push({ url: absolute, params, ...reply });
    return reply;
  }

  /** Keeps track of background work (REST-driven moves, status callbacks) so `settle` can wait for it. */
  track<T>(work: Promise<T>): Promise<T> {
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work)).catch(() => undefined);
    return work;
  }

  /** Resolves when no call has work under way. */
  async settle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  /** A customer calls the business number: the inbound webhook is posted and the TwiML followed until the call waits (queue, conference, gather without input) or ends. */
  async placeCall(o: { from: string; to: string; input?: CallerAction[]; callSid?: string }): Promise<SimCall> {
    const call = new SimCall(this, { sid: o.callSid ?? newCallSid(), from: o.from, to: o.to, direction: 'inbound', statusCallback: this.o.statusPath === null ? null : (this.o.statusPath ?? '/webhooks/twilio/voice/status'), events: ['completed'] });
    call.give(...(o.input ?? []));
    this.calls.set(call.sid, call);
    await call.start();
    return call;
  }

  /**
   * Twilio's REST side: the hub created an outbound call (a call back) with
   * TwiML or a URL to run when it is answered. Returns the new call.
   */
  createCall(o: { to: string; from: string; twiml?: string; url?: string; statusCallback?: string; events?: string[]; amdCallback?: string; machineDetection?: string }): SimCall {
    const call = new SimCall(this, { sid: newCallSid(), from: o.from, to: o.to, direction: 'outbound-api', statusCallback: o.statusCallback ?? null, events: o.events ?? ['completed'] });
    call.answerWith = o.twiml ? { twiml: o.twiml } : o.url ? { url: o.url } : null;
    call.amdCallback = o.amdCallback ?? null;
    call.machineDetection = o.machineDetection ?? null;
    this.calls.set(call.sid, call);
    return call;
  }

  /** Twilio's REST side: the hub added a participant (an agent's, consult or supervisor leg) to a conference. */
  addParticipant(o: { conference: string; to: string; from: string; label?: string; statusCallback?: string; events?: string[]; muted?: boolean; coaching?: boolean; callSidToCoach?: string; endConferenceOnExit?: boolean }): SimCall {
    const call = new SimCall(this, { sid: newCallSid(), from: o.from, to: o.to, direction: 'outbound-api', statusCallback: o.statusCallback ?? null, events: o.events ?? ['completed'] });
    call.answerWith = { conference: o.conference };
    call.label = o.label ?? null;
    call.muted = o.muted ?? false;
    call.coaching = o.coaching ?? false;
    call.coachSid = o.callSidToCoach ?? null;
    call.endsConference = o.endConferenceOnExit ?? false;
    this.calls.set(call.sid, call);
    return call;
  }

  /** A participant whose leaving ends the conference left: everyone else in it is disconnected. */
  endConference(name: string, exceptSid: string): void {
    for (const c of this.calls.values()) if (c.sid !== exceptSid && c.conference === name && c.state === 'conference') void c.conferenceEnded();
  }

  /** Calls created by the hub (legs), oldest first, optionally only those whose `to` or label matches. */
  legs(filter: { to?: string | RegExp; label?: string } = {}): SimCall[] {
    return [...this.calls.values()].filter(
      (c) =>
        c.direction === 'outbound-api' &&
        (filter.label === undefined || c.label === filter.label) &&
        (filter.to === undefined || (typeof filter.to === 'string' ? c.to === filter.to : filter.to.test(c.to))),
    );
  }

  /** Waits for a leg the hub creates (e.g. the agent's, after an offer is accepted). */
  async nextLeg(filter: { to?: string | RegExp; label?: string; after?: number } = {}, timeoutMs = 10_000): Promise<SimCall> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.legs(filter).slice(filter.after ?? 0)[0];
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`walker: no leg ${JSON.stringify({ ...filter, to: String(filter.to ?? '') })} within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}

interface SimCallInit {
  sid: string;
  from: string;
  to: string;
  direction: 'inbound' | 'outbound-api';
  statusCallback: string | null;
  events: string[];
}

type Blocked =
  | { kind: 'gather'; gather: TwimlElement; rest: TwimlElement[]; base: string }
  | { kind: 'queue'; waitUrl: string; action: string | null; since: number }
  | { kind: 'conference'; action: string | null }
  | null;

/** One call as Twilio sees it. */
export class SimCall {
  readonly sid: string;
  readonly from: string;
  readonly to: string;
  readonly direction: 'inbound' | 'outbound-api';
  readonly transcript: Heard[] = [];
  state: SimState = 'ringing';
  queue: string | null = null;
  conference: string | null = null;
  label: string | null = null;
  muted = false;
  hold = false;
  coaching = false;
  coachSid: string | null = null;
  /** Leaving ends the conference for everyone (endConferenceOnExit). */
  endsConference = false;
  /** TwiML run when an outbound call is answered, or the conference a participant joins. */
  answerWith: { twiml: string } | { url: string } | { conference: string } | null = null;
  /** Why the call ended (completed, no-answer, busy, failed, canceled). */
  endStatus: string | null = null;
  /** Asynchronous answering-machine detection: where Twilio posts the verdict (calls.create asyncAmdStatusCallback). */
  amdCallback: string | null = null;
  machineDetection: string | null = null;
  /** Twilio's QueueTime (ms) reported with status callbacks, when set. */
  queueTimeMs: number | null = null;
  private readonly statusCallback: string | null;
  private readonly events: string[];
  private readonly inputs: CallerAction[] = [];
  private blocked: Blocked = null;
  private epoch = 0;
  private chain: Promise<unknown> = Promise.resolve();
  private startedAt = Date.now();
  private answeredAt: number | null = null;

  constructor(
    private readonly w: TwimlWalker,
    init: SimCallInit,
  ) {
    this.sid = init.sid;
    this.from = init.from;
    this.to = init.to;
    this.direction = init.direction;
    this.statusCallback = init.statusCallback;
    this.events = init.events;
  }

  /** Queues what the caller will do at the next gathers. */
  give(...actions: CallerAction[]): void {
    this.inputs.push(...actions);
  }

  /** Texts spoken to the caller and audio played to them, in order. */
  heard(): string[] {
    return this.transcript.flatMap((h) => (h.verb === 'say' ? [h.text] : h.verb === 'play' ? [h.url] : []));
  }

  /** Texts spoken by text-to-speech only. */
  said(): string[] {
    return this.transcript.flatMap((h) => (h.verb === 'say' ? [h.text] : []));
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.chain.then(work, work);
    this.chain = run.catch(() => undefined);
    return this.w.track(run);
  }

  private base(): Record<string, string> {
    return {
      AccountSid: this.w.accountSid,
      ApiVersion: '2010-04-01',
      CallSid: this.sid,
      From: this.from,
      To: this.to,
      Caller: this.from,
      Called: this.to,
      Direction: this.direction,
      CallStatus: this.state === 'ended' ? (this.endStatus ?? 'completed') : this.answeredAt ? 'in-progress' : 'ringing',
    };
  }

  private async fetchTwiml(url: string, extra: Record<string, string> = {}): Promise<TwimlElement | null> {
    const reply = await this.w.post(url, { ...this.base(), ...extra });
    if (reply.status !== 200) {
      // Twilio plays its "application error" message and hangs up.
      this.w.log(`${this.sid}: ${url} answered HTTP ${reply.status}: the call fails`);
      this.transcript.push({ verb: 'say', text: `[Twilio application error: HTTP ${reply.status}]` });
      await this.end('failed', 'hub');
      return null;
    }
    return parseTwiml(reply.body);
  }

  /** Inbound: post the call webhook and follow it. */
  async start(): Promise<void> {
    return this.serial(async () => {
      this.answeredAt = Date.now();
      this.state = 'running';
      const doc = await this.fetchTwiml('/webhooks/twilio/voice');
      if (doc) await this.run(doc, trim(this.w.o.publicUrl) + '/webhooks/twilio/voice', this.epoch);
    });
  }

  // ---- what the caller does ---------------------------------------------------------------

  /** Presses keys at the gather the call is waiting at (or queues them for the next one). */
  press(digits: string): Promise<void> {
    return this.act(digits);
  }

  /** Says words at the gather. */
  speak(speech: string): Promise<void> {
    return this.act({ speech });
  }

  /** Lets the gather time out. */
  silence(): Promise<void> {
    return this.act({ silence: true });
  }

  private act(action: CallerAction): Promise<void> {
    return this.serial(async () => {
      this.inputs.push(action);
      const b = this.blocked;
      if (b?.kind === 'gather') {
        this.blocked = null;
        this.state = 'running';
        const epoch = this.epoch;
        // On silence Twilio goes on with the verbs after the <Gather>.
        if ((await this.runGather(b.gather, b.base, epoch)) === 'continue') await this.run({ name: 'Response', attrs: {}, children: b.rest, text: '' }, b.base, epoch);
      } else if (b?.kind === 'queue') {
        // Keys pressed while waiting reach the wait URL's <Gather>.
        await this.runWait(this.epoch);
      }
    });
  }

  /** Plays the queue's wait URL once more (Twilio requests it again each time it ends). */
  pollWait(): Promise<void> {
    return this.serial(async () => {
      if (this.blocked?.kind === 'queue') await this.runWait(this.epoch);
    });
  }

  /** The caller hangs up. */
  hangup(duration?: number): Promise<void> {
    return this.serial(async () => {
      if (this.state === 'ended') return;
      const b = this.blocked;
      this.epoch += 1;
      this.blocked = null;
      if (b?.kind === 'queue' && b.action) {
        // Twilio tells the <Enqueue> action URL that the caller hung up (its TwiML is not run).
        await this.w.post(b.action, { ...this.base(), CallStatus: 'completed', QueueResult: 'hangup', QueueTime: String(Math.round((Date.now() - b.since) / 1000)) });
      }
      await this.end('completed', 'caller', duration);
    });
  }

  // ---- what the hub does through Twilio's REST API ---------------------------------------

  /** The leg rings and is answered (agents, call backs). */
  answer(): Promise<void> {
    return this.serial(async () => {
      if (this.state !== 'ringing') return;
      this.answeredAt = Date.now();
      this.state = 'running';
      await this.status('in-progress', 'answered');
      const a = this.answerWith;
      if (a && 'conference' in a) {
        this.join(a.conference, null);
      } else if (a && 'twiml' in a) {
        await this.run(parseTwiml(a.twiml), null, this.epoch);
      } else if (a && 'url' in a) {
        const doc = await this.fetchTwiml(a.url);
        if (doc) await this.run(doc, a.url, this.epoch);
      }
    });
  }

  /**
   * Asynchronous AMD reaches its verdict on an answered call: Twilio posts AnsweredBy (human,
   * machine_start, machine_end_beep, …) and MachineDetectionDuration to the AMD callback.
   */
  amd(answeredBy: string, detectionMs = 2400): Promise<void> {
    return this.w.track(
      (async () => {
        if (!this.amdCallback) throw new Error(`walker: call ${this.sid} was placed without machine detection`);
        await this.w.post(this.amdCallback, { AccountSid: this.w.accountSid, CallSid: this.sid, AnsweredBy: answeredBy, MachineDetectionDuration: String(detectionMs) });
      })(),
    );
  }

  /** The leg is not answered: no-answer, busy, failed or canceled. */
  fail(status: 'no-answer' | 'busy' | 'failed' | 'canceled' = 'no-answer'): Promise<void> {
    return this.serial(async () => {
      if (this.state !== 'ringing') return;
      this.epoch += 1;
      await this.end(status, 'hub');
    });
  }

  /** REST: `calls(sid).update({twiml | url | status})`. False when the call is not live (Twilio answers 21220). */
  update(o: { twiml?: string; url?: string; status?: string }): boolean {
    if (this.state === 'ended') return false;
    if (o.status === 'completed' || o.status === 'canceled') {
      this.epoch += 1;
      void this.serial(async () => {
        if (this.state === 'ended') return;
        this.blocked = null;
        await this.end(this.answeredAt ? 'completed' : 'canceled', 'rest');
      });
      return true;
    }
    if (!o.twiml && !o.url) return true;
    this.epoch += 1;
    const epoch = this.epoch;
    void this.serial(async () => {
      if (this.state === 'ended' || epoch !== this.epoch) return;
      this.blocked = null;
      this.queue = null;
      this.conference = null;
      this.state = 'running';
      if (o.twiml) await this.run(parseTwiml(o.twiml), null, epoch);
      else {
        const doc = await this.fetchTwiml(o.url!);
        if (doc) await this.run(doc, o.url!, epoch);
      }
    });
    return true;
  }

  /** Waits until the call is in `state` (or ended). */
  async until(state: SimState, timeoutMs = 10_000): Promise<this> {
    const deadline = Date.now() + timeoutMs;
    while (this.state !== state) {
      if (this.state === 'ended' && state !== 'ended') throw new Error(`walker: call ${this.sid} ended (${this.endStatus}) while waiting for ${state}; heard: ${this.heard().join(' | ')}`);
      if (Date.now() > deadline) throw new Error(`walker: call ${this.sid} is ${this.state}, not ${state}, after ${timeoutMs} ms; heard: ${this.heard().join(' | ')}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    await this.chain;
    return this;
  }

  // ---- following TwiML --------------------------------------------------------------------

  private async status(callStatus: string, event: string, extra: Record<string, string> = {}): Promise<void> {
    if (!this.statusCallback || !this.events.includes(event)) return;
    const queued: Record<string, string> = this.queueTimeMs !== null ? { QueueTime: String(this.queueTimeMs) } : {};
    await this.w.post(this.statusCallback, { ...this.base(), CallStatus: callStatus, CallbackSource: 'call-progress-events', Timestamp: new Date().toUTCString(), ...queued, ...extra });
  }

  private async end(status: string, by: 'hub' | 'caller' | 'end-of-twiml' | 'rest', duration?: number): Promise<void> {
    if (this.state === 'ended') return;
    const wasIn = this.state === 'conference' ? this.conference : null;
    this.state = 'ended';
    this.endStatus = status;
    this.blocked = null;
    this.transcript.push({ verb: 'hangup', by });
    // Twilio ends the conference first; our status callback and the others' may arrive in any order.
    if (wasIn && this.endsConference) this.w.endConference(wasIn, this.sid);
    const seconds = duration ?? (this.answeredAt ? Math.round((Date.now() - this.answeredAt) / 1000) : 0);
    this.w.log(`${this.sid}: ${status} (${by})`);
    await this.status(status, 'completed', { CallDuration: String(seconds), Duration: String(Math.ceil(seconds / 60)) });
  }

  private join(conference: string, action: string | null, endsConference = this.endsConference): void {
    this.endsConference = endsConference;
    this.state = 'conference';
    this.conference = conference;
    this.blocked = { kind: 'conference', action };
    this.transcript.push({ verb: 'conference', name: conference });
    this.w.log(`${this.sid}: in conference ${conference}`);
  }

  private resolve(url: string, base: string | null): string {
    return base ? new URL(url, base).toString() : url;
  }

  /** Runs a document's verbs; stops when the call waits, moves on to another document, or ends. */
  private async run(doc: TwimlElement, base: string | null, epoch: number, context: 'call' | 'wait' = 'call'): Promise<'done' | 'moved'> {
    const verbs = doc.children;
    for (let i = 0; i < verbs.length; i += 1) {
      if (epoch !== this.epoch || this.state === 'ended') return 'moved';
      const v = verbs[i]!;
      const text = v.text.trim();
      switch (v.name) {
        case 'Say':
          this.transcript.push({ verb: 'say', text, ...(v.attrs['language'] ? { language: v.attrs['language'] } : {}) });
          break;
        case 'Play':
          this.transcript.push({ verb: 'play', url: text });
          break;
        case 'Pause':
          this.transcript.push({ verb: 'pause', seconds: Number(v.attrs['length'] ?? 1) });
          break;
        case 'Gather': {
          const next = await this.runGather(v, base ?? '', epoch, context, verbs.slice(i + 1));
          if (next !== 'continue') return next;
          break;
        }
        case 'Redirect': {
          const url = this.resolve(text, base);
          this.transcript.push({ verb: 'redirect', url });
          const doc2 = await this.fetchTwiml(url);
          return doc2 ? this.run(doc2, url, epoch, context) : 'moved';
        }
        case 'Enqueue': {
          this.state = 'queued';
          this.queue = text;
          this.transcript.push({ verb: 'enqueue', queue: text });
          this.blocked = { kind: 'queue', waitUrl: this.resolve(v.attrs['waitUrl'] ?? '', base), action: v.attrs['action'] ? this.resolve(v.attrs['action'], base) : null, since: Date.now() };
          this.w.log(`${this.sid}: waiting in queue ${text}`);
          if (v.attrs['waitUrl']) await this.runWait(epoch);
          return 'moved';
        }
        case 'Leave':
          return this.leave(epoch);
        case 'Dial': {
          const conf = v.children.find((c) => c.name === 'Conference');
          if (conf) {
            this.join(conf.text.trim(), v.attrs['action'] ? this.resolve(v.attrs['action'], base) : null, conf.attrs['endConferenceOnExit'] === 'true');
            return 'moved';
          }
          this.transcript.push({ verb: 'say', text: `[dial ${v.children.map((c) => `${c.name} ${c.text.trim()}`).join(', ') || text}: not simulated]` });
          break;
        }
        case 'Record': {
          const seconds = this.w.o.recordingSeconds ?? 8;
          this.transcript.push({ verb: 'record', seconds });
          if (seconds <= 0) break; // nothing recorded: Twilio carries on with the next verb
          const recordingSid = `RE${hex(16)}`;
          const rec = {
            RecordingUrl: `https://api.twilio.com/2010-04-01/Accounts/${this.w.accountSid}/Recordings/${recordingSid}`,
            RecordingSid: recordingSid,
            RecordingDuration: String(seconds),
          };
          const action = v.attrs['action'] ? this.resolve(v.attrs['action'], base) : base;
          const callbackUrl = v.attrs['recordingStatusCallback'] ? this.resolve(v.attrs['recordingStatusCallback'], base) : null;
          let doc2: TwimlElement | null = null;
          if (action) doc2 = await this.fetchTwiml(action, { ...rec, Digits: '#' });
          if (callbackUrl) await this.w.post(callbackUrl, { AccountSid: this.w.accountSid, CallSid: this.sid, ...rec, RecordingStatus: 'completed', RecordingChannels: '1', RecordingSource: 'RecordVerb' });
          return doc2 && action ? this.run(doc2, action, epoch, context) : 'moved';
        }
        case 'Hangup':
          await this.end('completed', 'hub');
          return 'moved';
        case 'Reject':
          await this.end('busy', 'hub');
          return 'moved';
        default:
          this.transcript.push({ verb: 'say', text: `[unknown verb ${v.name}]` });
      }
    }
    if (context === 'call' && epoch === this.epoch && this.state !== 'ended') await this.end('completed', 'end-of-twiml');
    return 'done';
  }

  /** A <Gather>: its prompts, then the caller's next action (or, with none given, the call waits for one). */
  private async runGather(g: TwimlElement, base: string, epoch: number, context: 'call' | 'wait' = 'call', rest: TwimlElement[] = []): Promise<'continue' | 'done' | 'moved'> {
    for (const c of g.children) {
      if (c.name === 'Say') this.transcript.push({ verb: 'say', text: c.text.trim(), ...(c.attrs['language'] ? { language: c.attrs['language'] } : {}) });
      else if (c.name === 'Play') this.transcript.push({ verb: 'play', url: c.text.trim() });
      else if (c.name === 'Pause') this.transcript.push({ verb: 'pause', seconds: Number(c.attrs['length'] ?? 1) });
    }
    const action = this.inputs.shift();
    if (action === undefined) {
      if (context === 'wait') return 'continue'; // nobody presses anything during the music
      this.state = 'gathering';
      this.blocked = { kind: 'gather', gather: g, rest, base };
      this.w.log(`${this.sid}: waiting for input`);
      return 'moved';
    }
    const url = this.resolve(g.attrs['action'] ?? base, base || null);
    const inputs = (g.attrs['input'] ?? 'dtmf').split(/\s+/);
    if (typeof action === 'string' && inputs.includes('dtmf')) {
      this.transcript.push({ verb: 'pressed', digits: action });
      const doc = await this.fetchTwiml(url, { Digits: action, FinishedOnKey: '' });
      return doc ? this.run(doc, url, epoch, context) : 'moved';
    }
    if (typeof action === 'object' && 'speech' in action && inputs.includes('speech')) {
      this.transcript.push({ verb: 'said', speech: action.speech });
      const doc = await this.fetchTwiml(url, { SpeechResult: action.speech, Confidence: '0.92' });
      return doc ? this.run(doc, url, epoch, context) : 'moved';
    }
    this.transcript.push({ verb: 'silence' });
    if (g.attrs['actionOnEmptyResult'] === 'true') {
      const doc = await this.fetchTwiml(url, {});
      return doc ? this.run(doc, url, epoch, context) : 'moved';
    }
    if (context === 'call') this.state = 'running';
    return 'continue';
  }

  /** One pass of the queue's wait URL. */
  private async runWait(epoch: number): Promise<void> {
    const b = this.blocked;
    if (b?.kind !== 'queue' || !b.waitUrl) return;
    const doc = await this.fetchTwiml(b.waitUrl, { QueuePosition: '1', QueueSid: `QU${'0'.repeat(32)}`, QueueTime: String(Math.round((Date.now() - b.since) / 1000)), AvgQueueTime: '0', CurrentQueueSize: '1' });
    if (doc && epoch === this.epoch) await this.run(doc, b.waitUrl, epoch, 'wait');
  }

  private async leave(epoch: number): Promise<'moved'> {
    const b = this.blocked;
    this.transcript.push({ verb: 'leave' });
    this.blocked = null;
    this.queue = null;
    this.state = 'running';
    if (b?.kind === 'queue' && b.action) {
      const doc = await this.fetchTwiml(b.action, { QueueResult: 'leave', QueueTime: String(Math.round((Date.now() - b.since) / 1000)) });
      if (doc) await this.run(doc, b.action, epoch);
    } else {
      await this.end('completed', 'end-of-twiml');
    }
    return 'moved';
  }

  /** The conference the call is in ended (everyone else left): Twilio requests the <Dial> action. */
  conferenceEnded(): Promise<void> {
    return this.serial(async () => {
      const b = this.blocked;
      if (b?.kind !== 'conference') return;
      this.blocked = null;
      this.conference = null;
      this.state = 'running';
      if (b.action) {
        const doc = await this.fetchTwiml(b.action, { DialCallStatus: 'completed' });
        if (doc) await this.run(doc, b.action, this.epoch);
      } else await this.end('completed', 'hub');
    });
  }

  /** How long since the call started, in seconds. */
  get age(): number {
    return Math.round((Date.now() - this.startedAt) / 1000);
  }
}
