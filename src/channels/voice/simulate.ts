// `npm run simulate -- call …`: one phone call by hand against a running hub,
// played by the TwiML walker (signed webhooks, the IVR followed, what the
// caller hears printed). Hooked into src/cli/simulate.ts as the `call`
// subcommand; it has that file's Subcommand shape.
import { parseArgs } from 'node:util';
import { TwimlWalker, type CallerAction, type Heard, type SimCall } from './walker.js';

function describe(h: Heard): string {
  switch (h.verb) {
    case 'say':
      return `  says     "${h.text}"${h.language && h.language !== 'en-US' ? ` (${h.language})` : ''}`;
    case 'play':
      return `  plays    ${h.url}`;
    case 'pause':
      return `  silence  ${h.seconds} s`;
    case 'pressed':
      return `  caller presses ${h.digits}`;
    case 'said':
      return `  caller says "${h.speech}"`;
    case 'silence':
      return '  caller says nothing';
    case 'enqueue':
      return `  → waiting in queue ${h.queue}`;
    case 'leave':
      return '  → leaves the queue';
    case 'conference':
      return `  → in conference ${h.name}`;
    case 'record':
      return `  records  ${h.seconds} s of message`;
    case 'redirect':
      return `  → ${h.url}`;
    case 'hangup':
      return `  hang-up (${h.by})`;
  }
}

/** "1,2,say:support,-" → digits 1, digits 2, the words "support", silence. */
export function parseInputs(text: string): CallerAction[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s, i, all) => s !== '' || i < all.length - 1)
    .map((s): CallerAction => (s === '-' || s === '' ? { silence: true } : s.startsWith('say:') ? { speech: s.slice(4).trim() } : s));
}

const usage = `npm run simulate -- call --from <E.164> [--to <E.164>] [--digits 1,2] [--wait <seconds>] [--callback]

  --from         the caller's number (E.164), e.g. +989121234567
  --to           the business number called (default +15005550006): its IVR flow answers
  --digits       what the caller does at each menu, in order, comma-separated:
                 digits (1, 2, 12345#), say:<words> for speech, - for silence
  --wait         seconds to stay in the queue, hearing the announcements again every 10 s (default 0)
  --callback     press 1 in the queue for a call back (the call ends, the place in line is kept)
  --stay         do not hang up at the end (the call stays in the queue until the hub moves it)
  --recording    seconds of voicemail to record at a <Record> (default 8)
  --url          where the hub is (default PUBLIC_URL, else http://localhost:$PORT)
  --public-url   the base URL the hub checks signatures against (default PUBLIC_URL, else --url)

Environment: TWILIO_AUTH_TOKEN (required: signs the requests), PUBLIC_URL, TWILIO_ACCOUNT_SID, PORT.
The hub's REST calls (ringing agents, moving the call) go to Twilio, not to this simulator.`;

export interface Output {
  out(line: string): void;
  err(line: string): void;
}

const stdio: Output = { out: (l) => void process.stdout.write(`${l}\n`), err: (l) => void process.stderr.write(`${l}\n`) };

export const voiceCallCommand = {
  summary: 'place a simulated phone call and follow the IVR (what the caller hears is printed)',
  usage,
  async run(args: string[], env: NodeJS.ProcessEnv, io: Output = stdio): Promise<number> {
    const { values } = parseArgs({
      args,
      options: {
        from: { type: 'string' },
        to: { type: 'string', default: '+15005550006' },
        digits: { type: 'string', default: '' },
        wait: { type: 'string', default: '0' },
        callback: { type: 'boolean', default: false },
        stay: { type: 'boolean', default: false },
        recording: { type: 'string', default: '8' },
        url: { type: 'string' },
        'public-url': { type: 'string' },
      },
      strict: true,
    });
    const authToken = env['TWILIO_AUTH_TOKEN'];
    if (!authToken) {
      io.err('TWILIO_AUTH_TOKEN is not set: it is the key Twilio (and this simulator) signs webhooks with, and must match the hub’s');
      return 2;
    }
    if (!values.from) {
      io.err(`--from is required (the caller’s number, e.g. +989121234567)\n\n${usage}`);
      return 2;
    }
    const waitSeconds = Number(values.wait);
    const recordingSeconds = Number(values.recording);
    if (!Number.isFinite(waitSeconds) || waitSeconds < 0 || !Number.isFinite(recordingSeconds) || recordingSeconds < 0) {
      io.err('--wait and --recording take a number of seconds');
      return 2;
    }
    const hubUrl = values.url ?? env['PUBLIC_URL'] ?? `http://localhost:${env['PORT'] || 3000}`;
    const publicUrl = values['public-url'] ?? env['PUBLIC_URL'] ?? hubUrl;
    const walker = new TwimlWalker({ hubUrl, publicUrl, authToken, ...(env['TWILIO_ACCOUNT_SID'] ? { accountSid: env['TWILIO_ACCOUNT_SID'] } : {}), recordingSeconds });

    let printed = 0;
    const flush = (call: SimCall) => {
      for (const h of call.transcript.slice(printed)) io.out(describe(h));
      printed = call.transcript.length;
    };
    io.out(`call from ${values.from} to ${values.to} (hub ${hubUrl}, signed for ${publicUrl})`);
    const call = await walker.placeCall({ from: values.from, to: values.to, input: parseInputs(values.digits) });
    flush(call);
    // Menus still waiting when the given input ran out: let them time out (the flow's own fallback takes over).
    for (let i = 0; i < 6 && call.state === 'gathering'; i += 1) {
      await call.silence();
      flush(call);
    }
    if (call.state === 'queued') {
      if (values.callback) {
        await call.press('1');
        flush(call);
      }
      const until = Date.now() + waitSeconds * 1000;
      while (call.state === 'queued' && Date.now() < until) {
        await new Promise((r) => setTimeout(r, Math.min(10_000, until - Date.now())));
        if (call.state !== 'queued' || Date.now() >= until) break;
        await call.pollWait();
        flush(call);
      }
    }
    if (!values.stay && call.state !== 'ended') await call.hangup();
    await walker.settle();
    flush(call);
    const failed = walker.requests.filter((r) => r.status !== 200);
    const where = call.state === 'queued' ? ` in ${call.queue}` : call.state === 'conference' ? ` in ${call.conference}` : '';
    io.out(`CallSid ${call.sid}: ${call.state}${where}; ${walker.requests.length} webhooks, ${failed.length} not answered 200`);
    for (const f of failed) io.out(`  ${f.url} → ${f.status} ${f.body.slice(0, 200)}`);
    if (failed.some((f) => f.status === 403)) io.out('(403: the hub’s PUBLIC_URL and TWILIO_AUTH_TOKEN must match what was signed; use --public-url if the hub’s PUBLIC_URL differs from --url)');
    return failed.length === 0 ? 0 : 1;
  },
};
