// `npm run simulate -- email …`: delivers a message into a configured (test)
// mailbox by IMAP APPEND, as if a customer had written; the hub's fetcher then
// picks it up like any other mail. Exported for src/cli/simulate.ts.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { ImapFlow } from 'imapflow';

// A command-line tool: it talks to the terminal (the hub itself logs through pino).
const out = (line: string) => process.stdout.write(`${line}\n`);
const err = (line: string) => process.stderr.write(`${line}\n`);

export interface SimulatedEmail {
  from: string;
  fromName?: string;
  to: string;
  subject: string;
  body: string;
  messageId?: string;
  inReplyTo?: string;
}

const encodeWord = (s: string) => (/^[\x20-\x7e]*$/.test(s) ? s : `=?UTF-8?B?${Buffer.from(s, 'utf8').toString('base64')}?=`);

/** A plain UTF-8 message (CRLF line ends), as a customer's client would send it. */
export function buildSimulatedEmail(m: SimulatedEmail): { raw: Buffer; messageId: string } {
  const domain = m.from.split('@')[1] || 'simulated.test';
  const messageId = m.messageId ?? `sim.${Date.now()}.${randomBytes(4).toString('hex')}@${domain}`;
  const lines = [
    `From: ${m.fromName ? `${encodeWord(m.fromName)} ` : ''}<${m.from}>`,
    `To: <${m.to}>`,
    `Subject: ${encodeWord(m.subject)}`,
    `Date: ${new Date().toUTCString()}`,
    `Message-ID: <${messageId}>`,
    ...(m.inReplyTo ? [`In-Reply-To: <${m.inReplyTo.replace(/^<|>$/g, '')}>`, `References: <${m.inReplyTo.replace(/^<|>$/g, '')}>`] : []),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=UTF-8',
    'Content-Transfer-Encoding: base64',
    '',
    ...(Buffer.from(m.body, 'utf8').toString('base64').match(/.{1,76}/g) ?? ['']),
    '',
  ];
  return { raw: Buffer.from(lines.join('\r\n'), 'utf8'), messageId };
}

export interface ImapTarget {
  host: string;
  port: number;
  tls: boolean;
  user: string;
  password: string;
  folder: string;
}

/** `imap://user:pass@host:port/INBOX` (or imaps://) → connection settings. */
export function parseImapUrl(url: string): ImapTarget {
  const u = new URL(url);
  if (u.protocol !== 'imap:' && u.protocol !== 'imaps:') throw new Error('--imap must be an imap:// or imaps:// URL');
  const tls = u.protocol === 'imaps:';
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : tls ? 993 : 143,
    tls,
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    folder: decodeURIComponent(u.pathname.replace(/^\//, '')) || 'INBOX',
  };
}

export async function appendToMailbox(target: ImapTarget, raw: Buffer): Promise<number | null> {
  const client = new ImapFlow({ host: target.host, port: target.port, secure: target.tls, auth: { user: target.user, pass: target.password }, logger: false });
  await client.connect();
  try {
    const r = await client.append(target.folder, raw);
    return r ? (r.uid ?? null) : null;
  } finally {
    await client.logout().catch(() => undefined);
  }
}

/** The subcommand, shaped like the others in src/cli/simulate.ts. */
export const emailSimulateCommand = {
  summary: 'deliver an email into a configured mailbox (IMAP APPEND)',
  usage: `npm run simulate -- email --from <address> [--name <display name>] [--subject <text>] [--body <text>] [--in-reply-to <Message-ID>] [--message-id <id>]
npm run simulate -- email --eml <file.eml>

  --imap         the mailbox, imap://user:password@host:port/INBOX (imaps:// for TLS);
                 default SIMULATE_EMAIL_IMAP_URL
  --to           the support address written in To: (default: the IMAP user)
  --from         the customer's address
  --name         the customer's display name
  --subject      default "Hello"
  --body         default "Hello, I have a question."
  --in-reply-to  thread onto a message (e.g. the Message-ID of an agent's reply)
  --message-id   reuse a Message-ID (to test idempotency)
  --eml          append this file as it is (a fixture from tests/fixtures/email)

The hub fetches the mailbox (IDLE, or the next poll) and the message appears as a conversation.`,
  async run(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
    const { values } = parseArgs({
      args,
      options: {
        imap: { type: 'string' },
        to: { type: 'string' },
        from: { type: 'string' },
        name: { type: 'string' },
        subject: { type: 'string', default: 'Hello' },
        body: { type: 'string', default: 'Hello, I have a question.' },
        'in-reply-to': { type: 'string' },
        'message-id': { type: 'string' },
        eml: { type: 'string' },
      },
      strict: true,
    });
    const url = values.imap ?? env['SIMULATE_EMAIL_IMAP_URL'];
    if (!url) {
      err('--imap (or SIMULATE_EMAIL_IMAP_URL) is required: imap://user:password@host:port/INBOX\n\n' + emailSimulateCommand.usage);
      return 2;
    }
    const target = parseImapUrl(url);
    let raw: Buffer;
    let messageId: string | null = null;
    if (values.eml) {
      raw = Buffer.from((await readFile(values.eml)).toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1');
    } else {
      if (!values.from) {
        err('--from is required (or --eml)\n\n' + emailSimulateCommand.usage);
        return 2;
      }
      const to = values.to ?? (target.user.includes('@') ? target.user : `${target.user}@localhost`);
      const built = buildSimulatedEmail({ from: values.from, fromName: values.name, to, subject: values.subject, body: values.body, messageId: values['message-id'], inReplyTo: values['in-reply-to'] });
      raw = built.raw;
      messageId = built.messageId;
    }
    const uid = await appendToMailbox(target, raw);
    out(`appended to ${target.user}@${target.host}:${target.port}/${target.folder}${uid ? ` as UID ${uid}` : ''}${messageId ? `, Message-ID <${messageId}>` : ''}`);
    return 0;
  },
};
