// The demo's phone line: an IVR flow set through the admin API and simulated
// callers played by the TwiML walker against the local Twilio fake. Agents'
// browser phones are simulated too: every leg the hub rings is answered after
// a moment, so accepting a call in the console connects it and the timeline
// shows the call connecting and ending.
import type { SimCall, TwimlWalker } from '../channels/voice/walker.js';
import { voiceWalker } from '../../tests/helpers/twiml-walker.js';
import type { TwilioFake } from '../../tests/helpers/twilio-fake.js';
import type { HubApi } from './admin-api.js';

/** The demo's IVR: a menu in front of the voice queue, and a voicemail box. */
export const DEMO_FLOW = {
  name: 'Demo line',
  languages: ['en'],
  defaultLanguage: 'en',
  start: 'welcome',
  fallback: 'sales',
  calendars: {},
  nodes: {
    welcome: { type: 'say', prompt: 'Thank you for calling the Pasokh demo.', next: 'main' },
    main: {
      type: 'menu',
      prompt: 'For sales, press 1. To leave us a message, press 2.',
      options: { '1': { next: 'sales', speech: ['sales'], label: 'Sales' }, '2': { next: 'vm', speech: ['message'], label: 'Message' } },
    },
    sales: { type: 'queue', queue: 'voice', callback: true, announce: true },
    vm: { type: 'voicemail', maxSeconds: 60 },
  },
};

export interface DemoCaller {
  from: string;
  /** Keys pressed in the IVR, in order. */
  digits: string[];
  /** Seconds the caller talks to an agent (or into the voicemail) before hanging up. */
  talkSeconds: number;
}

export const DEMO_CALLERS: DemoCaller[] = [
  { from: '+442071838750', digits: ['1'], talkSeconds: 45 },
  { from: '+989351112233', digits: ['2'], talkSeconds: 12 },
];

export interface DemoVoice {
  walker: TwimlWalker;
  /** Places one simulated call; resolves once it waits in the queue or has ended. */
  call(caller: DemoCaller): Promise<SimCall>;
  stop(): Promise<void>;
}

export async function startDemoVoice(o: { api: HubApi; fake: TwilioFake; hubUrl: string; publicUrl: string; businessNumber: string; log: (line: string) => void }): Promise<DemoVoice> {
  await o.api.json('PUT', `/api/voice/flows/${encodeURIComponent(o.businessNumber)}`, DEMO_FLOW);
  const { walker } = voiceWalker(o.fake, { hubUrl: o.hubUrl, publicUrl: o.publicUrl, recordingSeconds: 8 });
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, work: () => Promise<void>) => {
    const t = setTimeout(() => {
      timers.delete(t);
      void work().catch((err: unknown) => o.log(`  voice: ${err instanceof Error ? err.message : String(err)}`));
    }, ms);
    timers.add(t);
  };
  const answered = new Set<string>();
  const talkFor = new Map<string, number>();

  // The agents' phones: answer each leg the hub rings two seconds later. A caller the hub has
  // moved into a conference talks for a while, then hangs up.
  const talking = new Set<string>();
  const ringer = setInterval(() => {
    for (const leg of walker.legs()) {
      if (leg.state !== 'ringing' || answered.has(leg.sid)) continue;
      answered.add(leg.sid);
      later(2_000, () => leg.answer());
    }
    for (const caller of walker.calls.values()) {
      if (caller.direction !== 'inbound' || caller.state !== 'conference' || talking.has(caller.sid)) continue;
      talking.add(caller.sid);
      o.log(`  caller ${caller.from} is talking to an agent`);
      later((talkFor.get(caller.sid) ?? 30) * 1000, async () => {
        await caller.hangup();
        o.log(`  caller ${caller.from} hung up`);
      });
    }
  }, 500);

  return {
    walker,
    async call(caller) {
      const call = await walker.placeCall({ from: caller.from, to: o.businessNumber, input: caller.digits });
      talkFor.set(call.sid, caller.talkSeconds);
      await walker.settle();
      if (call.state === 'ended') o.log(`  caller ${caller.from} left a voicemail`);
      else if (call.state === 'queued') o.log(`  caller ${caller.from} is waiting in the ${call.queue ?? 'voice'} queue`);
      return call;
    },
    async stop() {
      clearInterval(ringer);
      for (const t of timers) clearTimeout(t);
      for (const c of walker.calls.values()) if (c.state !== 'ended') await c.hangup().catch(() => undefined);
      await walker.settle().catch(() => undefined);
    },
  };
}
