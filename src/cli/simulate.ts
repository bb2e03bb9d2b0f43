// npm run simulate -- <channel> [options]: plays the outside world against a
// running hub, for demos and manual testing. Each channel is a subcommand:
//
//   sms   posts an inbound SMS (or a delivery status) webhook, signed exactly as
//         Twilio signs it, to /webhooks/twilio/sms.
//
// Add a subcommand by adding an entry to `commands`.
import { emailSimulateCommand } from '../channels/email/simulate.js';
import { voiceCallCommand } from '../channels/voice/simulate.js';
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import twilio from 'twilio';

interface Subcommand {
  summary: string;
  usage: string;
  run(args: string[], env: NodeJS.ProcessEnv): Promise<number>;
}

const trimSlash = (u: string) => u.replace(/\/+$/, '');

export interface SmsWebhookOptions {
  /** Where to post (the hub's address as this machine reaches it). */
  targetUrl: string;
  /** The base URL the hub verifies signatures against (its PUBLIC_URL). */
  publicUrl: string;
  authToken: string;
  accountSid?: string;
  path: string;
  params: Record<string, string>;
}

/** Posts form parameters signed with Twilio's own helper; returns the HTTP status and body. */
export async function postSignedTwilioWebhook(o: SmsWebhookOptions): Promise<{ status: number; statusText: string; body: string; signedUrl: string }> {
  const signedUrl = trimSlash(o.publicUrl) + o.path;
  const signature = twilio.getExpectedTwilioSignature(o.authToken, signedUrl, o.params);
  const res = await fetch(trimSlash(o.targetUrl) + o.path, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', 'x-twilio-signature': signature, 'user-agent': 'TwilioProxy/1.1 (pasokh simulate)' },
    body: new URLSearchParams(o.params).toString(),
  });
  return { status: res.status, statusText: res.statusText, body: await res.text(), signedUrl };
}

const newSid = (prefix: 'SM' | 'MM') => prefix + randomBytes(16).toString('hex');

const MEDIA_TYPES: Record<string, string> = { jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', gif: 'image/gif', pdf: 'application/pdf', mp4: 'video/mp4', vcf: 'text/vcard' };
function mediaType(url: string): string {
  const ext = /\.([a-z0-9]+)(?:[?#]|$)/i.exec(url)?.[1]?.toLowerCase();
  return (ext && MEDIA_TYPES[ext]) || 'application/octet-stream';
}

/** The parameters Twilio posts for an inbound SMS/MMS. */
export function inboundSmsParams(o: { from: string; to: string; body: string; media?: string[]; sid?: string; accountSid?: string }): Record<string, string> {
  const media = o.media ?? [];
  const sid = o.sid ?? newSid(media.length > 0 ? 'MM' : 'SM');
  const params: Record<string, string> = {
    ToCountry: '',
    SmsMessageSid: sid,
    NumMedia: String(media.length),
    SmsSid: sid,
    SmsStatus: 'received',
    Body: o.body,
    To: o.to,
    NumSegments: '1',
    MessageSid: sid,
    AccountSid: o.accountSid ?? `AC${'0'.repeat(32)}`,
    From: o.from,
    ApiVersion: '2010-04-01',
  };
  media.forEach((url, i) => {
    params[`MediaUrl${i}`] = url;
    params[`MediaContentType${i}`] = mediaType(url);
  });
  return params;
}

const sms: Subcommand = {
  summary: 'post a signed inbound SMS (or a status callback) webhook',
  usage: `npm run simulate -- sms --from <E.164> [--to <E.164>] [--body <text>] [--media <url>]… [--sid <MessageSid>]
npm run simulate -- sms --status <delivered|sent|undelivered|failed|…> --sid <SID of an outbound message> [--error-code <n>]

  --from         the customer's number (E.164), e.g. +989121234567
  --to           the business's Twilio number (default +15005550006)
  --body         the message text (default empty)
  --media        a media URL, as in an MMS; repeat for several
  --sid          the MessageSid (default: a new random one; repeat one to test idempotency)
  --status       post a delivery status callback for --sid instead of an inbound message
  --url          where the hub is (default PUBLIC_URL, else http://localhost:$PORT)
  --public-url   the base URL the hub checks signatures against (default PUBLIC_URL, else --url)

Environment: TWILIO_AUTH_TOKEN (required: signs the request), PUBLIC_URL, TWILIO_ACCOUNT_SID, PORT.`,
  async run(args, env) {
    const { values } = parseArgs({
      args,
      options: {
        from: { type: 'string' },
        to: { type: 'string', default: '+15005550006' },
        body: { type: 'string', default: '' },
        media: { type: 'string', multiple: true, default: [] },
        sid: { type: 'string' },
        status: { type: 'string' },
        'error-code': { type: 'string' },
        url: { type: 'string' },
        'public-url': { type: 'string' },
      },
      strict: true,
    });
    const authToken = env['TWILIO_AUTH_TOKEN'];
    if (!authToken) {
      console.error('TWILIO_AUTH_TOKEN is not set: it is the key Twilio (and this simulator) signs webhooks with, and must match the hub’s');
      return 2;
    }
    const targetUrl = values.url ?? env['PUBLIC_URL'] ?? `http://localhost:${env['PORT'] || 3000}`;
    const publicUrl = values['public-url'] ?? env['PUBLIC_URL'] ?? targetUrl;
    const accountSid = env['TWILIO_ACCOUNT_SID'];

    let path: string;
    let params: Record<string, string>;
    if (values.status) {
      if (!values.sid) {
        console.error('--status needs --sid: the SID of the outbound message (see the message on the timeline)');
        return 2;
      }
      path = '/webhooks/twilio/sms/status';
      params = { MessageSid: values.sid, SmsSid: values.sid, MessageStatus: values.status, SmsStatus: values.status, AccountSid: accountSid ?? `AC${'0'.repeat(32)}`, ApiVersion: '2010-04-01' };
      if (values['error-code']) params.ErrorCode = values['error-code'];
    } else {
      if (!values.from) {
        console.error('--from is required (the customer’s number, e.g. +989121234567)\n\n' + sms.usage);
        return 2;
      }
      path = '/webhooks/twilio/sms';
      params = inboundSmsParams({ from: values.from, to: values.to, body: values.body, media: values.media, sid: values.sid, accountSid });
    }

    const res = await postSignedTwilioWebhook({ targetUrl, publicUrl, authToken, path, params });
    console.log(`POST ${trimSlash(targetUrl)}${path} (signed for ${res.signedUrl}, MessageSid ${params.MessageSid})`);
    console.log(`→ ${res.status} ${res.statusText}`);
    if (res.body) console.log(res.body.length > 500 ? `${res.body.slice(0, 500)}…` : res.body);
    if (res.status === 403) console.log('(403: the hub’s PUBLIC_URL and TWILIO_AUTH_TOKEN must match what was signed; use --public-url if the hub’s PUBLIC_URL differs from --url)');
    return res.status >= 200 && res.status < 300 ? 0 : 1;
  },
};

const commands: Record<string, Subcommand> = { sms, email: emailSimulateCommand, call: voiceCallCommand };

function help(): string {
  return ['usage: npm run simulate -- <command> [options]', '', ...Object.entries(commands).map(([name, c]) => `  ${name.padEnd(8)}${c.summary}`), '', 'npm run simulate -- <command> --help for its options'].join('\n');
}

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') {
    console.log(help());
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    console.error(`unknown command ${JSON.stringify(name)}\n\n${help()}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(command.usage);
    return 0;
  }
  try {
    return await command.run(rest, env);
  } catch (err) {
    const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
    console.error(`${err instanceof Error ? err.message : String(err)}${cause}`);
    return 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
