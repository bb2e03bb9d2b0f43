// The TwiML walker (src/channels/voice/walker.ts) wired to the recording
// Twilio fake (tests/helpers/twilio-fake.ts): the voice resources the hub
// calls — Calls (create, update, fetch) and Conference Participants (create,
// update, remove) — are answered here and drive the walker's calls, the way
// Twilio's REST API drives real calls. The fake is only extended through its
// public `route()`.
import { randomBytes } from 'node:crypto';
import { SimCall, TwimlWalker, type WalkerOptions } from '../../src/channels/voice/walker.js';
import type { FormParams, RecordedRequest, Reply, TwilioFake } from './twilio-fake.js';

export { parseTwiml, SimCall, TwimlWalker, type CallerAction, type Heard } from '../../src/channels/voice/walker.js';

const hex = (n: number) => randomBytes(n).toString('hex');
const one = (p: FormParams, key: string): string | undefined => {
  const v = p[key];
  return Array.isArray(v) ? v[0] : v;
};
const many = (p: FormParams, key: string): string[] | undefined => {
  const v = p[key];
  if (v === undefined) return undefined;
  // Twilio's client repeats the key per event; some clients send one space-separated value.
  return (Array.isArray(v) ? v : [v]).flatMap((x) => x.split(/\s+/)).filter(Boolean);
};
const bool = (v: string | undefined) => (v === undefined ? undefined : v === 'true');
const errorBody = (status: number, code: number, message: string) => ({ code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status });

export interface VoiceRest {
  /** The conference SID the fake gave a conference name. */
  conferenceSid(name: string): string | undefined;
  participantCreates(): RecordedRequest[];
  participantUpdates(): RecordedRequest[];
  participantRemovals(): RecordedRequest[];
  callCreates(): RecordedRequest[];
  /** REST updates of live calls (TwiML, URL or status), optionally of one call. */
  callUpdates(callSid?: string): RecordedRequest[];
}

/** A walker whose calls the fake's voice resources control. */
export function voiceWalker(fake: TwilioFake, o: Omit<WalkerOptions, 'authToken' | 'accountSid'>): { walker: TwimlWalker; rest: VoiceRest } {
  const walker = new TwimlWalker({ ...o, authToken: fake.authToken, accountSid: fake.accountSid });
  const conferences = new Map<string, string>();
  const names = new Map<string, string>();
  const confSid = (key: string) => {
    if (/^CF[0-9a-f]{32}$/.test(key)) return key;
    let sid = conferences.get(key);
    if (!sid) {
      sid = `CF${hex(16)}`;
      conferences.set(key, sid);
      names.set(sid, key);
    }
    return sid;
  };
  const callJson = (c: SimCall) => ({
    sid: c.sid,
    account_sid: fake.accountSid,
    to: c.to,
    from: c.from,
    status: c.state === 'ended' ? (c.endStatus ?? 'completed') : c.state === 'ringing' ? 'queued' : 'in-progress',
    direction: c.direction,
    uri: `/2010-04-01/Accounts/${fake.accountSid}/Calls/${c.sid}.json`,
  });
  const participantJson = (c: SimCall, conferenceSid: string) => ({
    account_sid: fake.accountSid,
    call_sid: c.sid,
    conference_sid: conferenceSid,
    label: c.label,
    muted: c.muted,
    hold: c.hold,
    coaching: c.coaching,
    call_sid_to_coach: c.coachSid,
    end_conference_on_exit: false,
    start_conference_on_enter: true,
    status: c.state === 'ringing' ? 'queued' : c.state === 'ended' ? 'completed' : 'connected',
    uri: `/2010-04-01/Accounts/${fake.accountSid}/Conferences/${conferenceSid}/Participants/${c.sid}.json`,
  });

  const account = '/2010-04-01/Accounts/([^/]+)';
  fake.route('POST', new RegExp(`^${account}/Calls\\.json$`), (req): Reply => {
    const to = one(req.params, 'To');
    const from = one(req.params, 'From');
    if (!to || !from) return { status: 400, body: errorBody(400, 21201, 'To and From are required') };
    const twiml = one(req.params, 'Twiml');
    const url = one(req.params, 'Url');
    if (!twiml && !url) return { status: 400, body: errorBody(400, 21205, 'Url or Twiml is required') };
    const call = walker.createCall({ to, from, ...(twiml ? { twiml } : {}), ...(url ? { url } : {}), ...optional('statusCallback', one(req.params, 'StatusCallback')), ...optional('events', many(req.params, 'StatusCallbackEvent')), ...optional('amdCallback', one(req.params, 'AsyncAmdStatusCallback')), ...optional('machineDetection', one(req.params, 'MachineDetection')) });
    return { status: 201, body: callJson(call) };
  });
  fake.route('GET', new RegExp(`^${account}/Calls/(CA[0-9a-f]{32})\\.json$`), (_req, m): Reply => {
    const call = walker.calls.get(m[2]!);
    return call ? { status: 200, body: callJson(call) } : { status: 404, body: errorBody(404, 20404, 'The requested resource was not found') };
  });
  fake.route('POST', new RegExp(`^${account}/Calls/(CA[0-9a-f]{32})\\.json$`), (req, m): Reply => {
    const call = walker.calls.get(m[2]!);
    if (!call) return { status: 404, body: errorBody(404, 20404, 'The requested resource was not found') };
    const twiml = one(req.params, 'Twiml');
    const url = one(req.params, 'Url');
    const status = one(req.params, 'Status');
    const ok = call.update({ ...(twiml ? { twiml } : {}), ...(url ? { url } : {}), ...(status ? { status } : {}) });
    if (!ok) return { status: 400, body: errorBody(400, 21220, 'Call is not in-progress. Cannot redirect.') };
    return { status: 200, body: callJson(call) };
  });
  fake.route('POST', new RegExp(`^${account}/Conferences/([^/]+)/Participants\\.json$`), (req, m): Reply => {
    const key = decodeURIComponent(m[2]!);
    const to = one(req.params, 'To');
    const from = one(req.params, 'From');
    if (!to || !from) return { status: 400, body: errorBody(400, 21201, 'To and From are required') };
    const sid = confSid(key);
    const name = names.get(sid) ?? key;
    const call = walker.addParticipant({
      conference: name,
      to,
      from,
      ...optional('label', one(req.params, 'Label')),
      ...optional('statusCallback', one(req.params, 'StatusCallback')),
      ...optional('events', many(req.params, 'StatusCallbackEvent')),
      ...optional('muted', bool(one(req.params, 'Muted'))),
      ...optional('coaching', bool(one(req.params, 'Coaching'))),
      ...optional('callSidToCoach', one(req.params, 'CallSidToCoach')),
      ...optional('endConferenceOnExit', bool(one(req.params, 'EndConferenceOnExit'))),
    });
    return { status: 201, body: participantJson(call, sid) };
  });
  fake.route('POST', new RegExp(`^${account}/Conferences/(CF[0-9a-f]{32})/Participants/([^/]+)\\.json$`), (req, m): Reply => {
    const call = walker.calls.get(m[3]!) ?? [...walker.calls.values()].find((c) => c.label === m[3] && c.conference === names.get(m[2]!));
    if (!call || call.state === 'ended') return { status: 404, body: errorBody(404, 20404, 'The requested resource was not found') };
    const hold = bool(one(req.params, 'Hold'));
    const muted = bool(one(req.params, 'Muted'));
    const coaching = bool(one(req.params, 'Coaching'));
    if (hold !== undefined) call.hold = hold;
    if (muted !== undefined) call.muted = muted;
    if (coaching !== undefined) call.coaching = coaching;
    const coach = one(req.params, 'CallSidToCoach');
    if (coach !== undefined) call.coachSid = coach;
    return { status: 200, body: participantJson(call, m[2]!) };
  });
  fake.route('DELETE', new RegExp(`^${account}/Conferences/(CF[0-9a-f]{32})/Participants/([^/]+)\\.json$`), (_req, m): Reply => {
    const call = walker.calls.get(m[3]!);
    if (!call || call.state === 'ended') return { status: 404, body: errorBody(404, 20404, 'The requested resource was not found') };
    call.update({ status: 'completed' });
    return { status: 204 };
  });
  fake.route('GET', new RegExp(`^${account}/Conferences\\.json$`), (req): Reply => {
    const name = one(req.query, 'FriendlyName');
    const list = [...conferences.entries()].filter(([n]) => !name || n === name).map(([n, sid]) => ({ sid, friendly_name: n, status: 'in-progress', account_sid: fake.accountSid }));
    return { status: 200, body: { conferences: list, page: 0, page_size: 50, start: 0, end: list.length, uri: '', first_page_uri: '', next_page_uri: null, previous_page_uri: null } };
  });

  const is = (method: string, re: RegExp) => () => fake.requests.filter((r) => r.method === method && re.test(r.path));
  const rest: VoiceRest = {
    conferenceSid: (name) => conferences.get(name),
    participantCreates: is('POST', /\/Conferences\/[^/]+\/Participants\.json$/),
    participantUpdates: is('POST', /\/Conferences\/[^/]+\/Participants\/[^/]+\.json$/),
    participantRemovals: is('DELETE', /\/Conferences\/[^/]+\/Participants\/[^/]+\.json$/),
    callCreates: is('POST', /\/Calls\.json$/),
    callUpdates: (callSid) => fake.requests.filter((r) => r.method === 'POST' && (callSid ? r.path.endsWith(`/Calls/${callSid}.json`) : /\/Calls\/CA[0-9a-f]{32}\.json$/.test(r.path))),
  };
  return { walker, rest };
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
