// The email channel against real servers: Dovecot (IMAP, on loopback with a
// throwaway user) and an SMTP server (smtp-server package) that records what
// it receives. One hub per phase; the database outlives hub restarts.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { simpleParser } from 'mailparser';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageDto } from '../../src/contracts/index.js';
import type { MailboxDto } from '../../src/channels/email/routes.js';
import { adminClient, createAgent, eventually, isolate, startHub, testConfig, type Client, type RunningHub } from '../helpers/hub.js';
import { Dovecot, RecordingSmtp } from '../helpers/mail-servers.js';
import { emailSimulateCommand } from '../../src/channels/email/simulate.js';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'email');
const fixture = (name: string) => readFileSync(path.join(FIXTURES, name));
const SUPPORT = 'support@pasokh.test';

const iso = isolate('email');
const dovecot = new Dovecot();
const smtp = new RecordingSmtp({ auth: { user: 'smtp-user', password: 'smtp-secret-1' } });
const attachmentsDir = mkdtempSync(path.join(tmpdir(), 'pasokh-email-att-'));
const config = testConfig(iso);
const hubOptions = {
  channelOptions: { attachmentsDir, emailPollIntervalMs: 300, emailReconnectMs: 200, emailMaxBackoffMs: 1_000, emailReconcileMs: 1_000, emailSmtpTimeoutMs: 3_000 },
  outbox: { backoffMs: 50, sweepAfterMs: 500, sweepEveryMs: 500 },
};
let running: RunningHub;
let admin: Client;
let mailbox: MailboxDto;
let counter = 0;

const db = () => running.hub.db;

/** A new plain message from `from`, unique Message-ID unless given. */
function mail(o: { from: string; subject: string; body: string; messageId?: string | null; inReplyTo?: string; references?: string[]; headers?: string[] }): string {
  counter += 1;
  const lines = [
    `From: ${o.from}`,
    `To: Pasokh Support <${SUPPORT}>`,
    `Subject: ${o.subject}`,
    `Date: ${new Date(Date.UTC(2025, 2, 1, 8, 0, counter)).toUTCString()}`,
    ...(o.messageId === null ? [] : [`Message-ID: <${o.messageId ?? `t${counter}.${Date.now()}@customer.test`}>`]),
    ...(o.inReplyTo ? [`In-Reply-To: <${o.inReplyTo}>`] : []),
    ...(o.references ? [`References: ${o.references.map((r) => `<${r}>`).join(' ')}`] : []),
    ...(o.headers ?? []),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=UTF-8',
    '',
    o.body,
    '',
  ];
  return lines.join('\r\n');
}

async function messageByExternal(messageId: string) {
  return db().selectFrom('messages').selectAll().where('channel', '=', 'email').where('external_id', '=', `${mailbox.id}:${messageId}`).executeTakeFirst();
}

/** Reads with a connection of its own (the hub's pool is closed while it is stopped). */
async function pgMessage(messageId: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: iso.databaseUrl });
  await client.connect();
  try {
    const r = await client.query("select 1 from messages where channel = 'email' and external_id = $1", [`${mailbox.id}:${messageId}`]);
    return (r.rowCount ?? 0) > 0;
  } finally {
    await client.end();
  }
}

const waitForMessage = (messageId: string, timeoutMs = 15_000) => eventually(() => messageByExternal(messageId), timeoutMs, `email ${messageId} ingested`);

async function countWhere(table: 'messages' | 'conversations', channel = 'email'): Promise<number> {
  const row = await db().selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).where('channel', '=', channel as 'email').executeTakeFirstOrThrow();
  return Number(row.n);
}

async function checkpoint() {
  return db().selectFrom('email_checkpoints').selectAll().where('mailbox_id', '=', mailbox.id).executeTakeFirst();
}

/** Waits until the fetcher's checkpoint has passed every UID now in the mailbox. */
async function caughtUp(timeoutMs = 15_000) {
  const { uids, uidValidity } = await dovecot.status();
  const max = Math.max(0, ...uids);
  await eventually(async () => {
    const cp = await checkpoint();
    return cp && Number(cp.uid_validity) === uidValidity && Number(cp.last_uid) >= max;
  }, timeoutMs, `checkpoint at UID ${max}`);
}

async function reply(conversationId: string, body: string): Promise<MessageDto> {
  const res = await admin.json<{ message: MessageDto }>('POST', `/api/conversations/${conversationId}/messages`, { body });
  expect(res.status).toBe(201);
  return res.body.message;
}

const settled = (id: string) =>
  eventually(async () => {
    const m = await db().selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    return m.status === 'sent' || m.status === 'failed' ? m : null;
  }, 15_000, `message ${id} sent or failed`);

const header = (raw: Buffer, name: string) => {
  const head = raw.toString('utf8').split(/\r?\n\r?\n/)[0]!.replace(/\r?\n[ \t]+/g, ' ');
  return new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(head)?.[1]?.trim() ?? null;
};

beforeAll(async () => {
  await Promise.all([dovecot.start(), smtp.start()]);
  running = await startHub(config, hubOptions);
  admin = await adminClient(running.url);
}, 60_000);

afterAll(async () => {
  await running?.stop();
  await Promise.allSettled([dovecot.destroy(), smtp.stop()]);
  await iso.cleanup();
  rmSync(attachmentsDir, { recursive: true, force: true });
});

describe('email channel (real Dovecot and SMTP)', () => {
  it('an admin configures a mailbox through the API; passwords are encrypted at rest and never returned', async () => {
    const agent = await createAgent(running.url, admin);
    const body = {
      address: 'Support@Pasokh.test',
      displayName: 'Pasokh Support',
      imap: dovecot.imap,
      smtp: { ...smtp.smtp, user: 'smtp-user', password: 'smtp-secret-1' },
      queue: 'email',
    };
    expect((await agent.client.json('POST', '/api/email/mailboxes', body)).status).toBe(403);
    const bad = await admin.json<{ error: { details: { path: string }[] } }>('POST', '/api/email/mailboxes', { ...body, imap: { ...dovecot.imap, port: 'x' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0]!.path).toBe('body.imap.port');
    expect((await admin.json('POST', '/api/email/mailboxes', { ...body, queue: 'sms' })).status).toBe(400);

    const res = await admin.json<{ mailbox: MailboxDto }>('POST', '/api/email/mailboxes', body);
    expect(res.status).toBe(201);
    mailbox = res.body.mailbox;
    expect(mailbox).toMatchObject({ address: SUPPORT, queue: 'email', enabled: true, imap: { hasPassword: true, user: dovecot.user }, smtp: { hasPassword: true } });
    const text = JSON.stringify((await admin.json('GET', '/api/email/mailboxes')).body);
    expect(text).not.toContain(dovecot.password);
    expect(text).not.toContain('smtp-secret-1');
    const row = await db().selectFrom('email_mailboxes').selectAll().where('id', '=', mailbox.id).executeTakeFirstOrThrow();
    expect(row.imap_password_enc).not.toContain(dovecot.password);
    expect(row.smtp_password_enc).toMatch(/^v1:/);
    const audited = await db().selectFrom('audit_log').select(['action', 'data']).where('subject_id', '=', mailbox.id).execute();
    expect(audited.map((a) => a.action)).toEqual(['email_mailbox.create']);
    expect(JSON.stringify(audited)).not.toContain(dovecot.password);
    expect((await admin.json('POST', '/api/email/mailboxes', body)).status).toBe(409);
  });

  it('mail in the mailbox becomes a conversation with a routing task; HTML sanitised, raw kept', async () => {
    await dovecot.append(fixture('gmail-plain.eml'));
    const msg = await waitForMessage('CAJ8u+Vn2xk3Q7mYFqj0gS9o2K1_w8WcM3bQxF5dA2@mail.gmail.com');
    expect(msg.body).toContain('order 10432');
    const conv = await db().selectFrom('conversations').selectAll().where('id', '=', msg.conversation_id).executeTakeFirstOrThrow();
    expect(conv.channel).toBe('email');
    expect(conv.channel_meta).toMatchObject({ emailMailboxId: mailbox.id, emailCustomerAddress: 'sara.ahmadi@gmail.test' });
    const task = await db().selectFrom('routing_tasks').innerJoin('queues', 'queues.id', 'routing_tasks.queue_id').select(['routing_tasks.status', 'queues.name']).where('conversation_id', '=', conv.id).executeTakeFirstOrThrow();
    expect(task).toEqual({ status: 'waiting', name: 'email' });
    const identity = await db().selectFrom('customer_identities').select(['kind', 'value']).where('customer_id', '=', conv.customer_id).execute();
    expect(identity).toEqual([{ kind: 'email', value: 'sara.ahmadi@gmail.test' }]);
    const email = msg.metadata.email as { html: string; rawPath: string; subject: string };
    expect(email.subject).toBe('Order 10432 has not arrived');
    expect(email.html).toContain('<b>10432</b>');
    expect(readFileSync(path.join(attachmentsDir, email.rawPath), 'utf8')).toContain('Message-ID: <CAJ8u+Vn2xk3Q7mYFqj0gS9o2K1_w8WcM3bQxF5dA2@mail.gmail.com>');
    // Raw for audit, for supervisors and admins.
    const raw = await admin.request('GET', `/api/email/messages/${msg.id}/raw`);
    expect(raw.status).toBe(200);
    expect(await raw.text()).toContain('Order 10432 has not arrived');
  });

  it('the same message delivered twice (another UID) is stored once', async () => {
    const before = await countWhere('messages');
    await dovecot.append(fixture('gmail-plain.eml'));
    dovecot.deliverFile(fixture('gmail-plain.eml'));
    await caughtUp();
    expect(await countWhere('messages')).toBe(before);
  });

  it('a message without Message-ID is deduplicated by its content', async () => {
    const raw = mail({ from: 'legacy@crm.test', subject: 'export', body: 'call back about C-1', messageId: null });
    await dovecot.append(raw);
    await dovecot.append(raw);
    await caughtUp();
    const rows = await db().selectFrom('messages').select('external_id').where('channel', '=', 'email').where('external_id', 'like', `${mailbox.id}:hash:%`).execute();
    expect(rows).toHaveLength(1);
  });

  it('an agent reply goes out once, from the mailbox, threaded; the customer’s answer joins the same conversation', async () => {
    const first = await waitForMessage('CAJ8u+Vn2xk3Q7mYFqj0gS9o2K1_w8WcM3bQxF5dA2@mail.gmail.com');
    smtp.reset();
    const sent = await reply(first.conversation_id, 'سلام سارا،\nبسته شما امروز ارسال شد.');
    expect((await settled(sent.id)).status).toBe('sent');
    await new Promise((r) => setTimeout(r, 300));
    expect(smtp.received).toHaveLength(1);
    const out = smtp.received[0]!;
    expect(out.user).toBe('smtp-user');
    expect(out.to).toEqual(['sara.ahmadi@gmail.test']);
    const parsed = await simpleParser(out.raw);
    expect(parsed.from?.value[0]).toEqual({ address: SUPPORT, name: 'Pasokh Support' });
    expect(parsed.subject).toBe('Re: Order 10432 has not arrived');
    expect(parsed.inReplyTo).toBe('<CAJ8u+Vn2xk3Q7mYFqj0gS9o2K1_w8WcM3bQxF5dA2@mail.gmail.com>');
    expect(parsed.references).toBe('<CAJ8u+Vn2xk3Q7mYFqj0gS9o2K1_w8WcM3bQxF5dA2@mail.gmail.com>');
    const ourId = parsed.messageId!.replace(/^<|>$/g, '');
    expect(ourId).toMatch(new RegExp(`^pasokh\\.${first.conversation_id}\\.[0-9a-f]+@pasokh\\.test$`));
    expect(parsed.text).toContain('بسته شما امروز ارسال شد');
    expect(parsed.html).toContain('dir="rtl"');
    expect(header(out.raw, 'Auto-Submitted')).toBeNull();

    // Sara answers (her client sets In-Reply-To to our Message-ID).
    await dovecot.append(mail({ from: 'Sara Ahmadi <sara.ahmadi@gmail.test>', subject: 'Re: Order 10432 has not arrived', body: 'Thanks!', messageId: 'sara-thanks@gmail.test', inReplyTo: ourId, references: ['CAJ8u+Vn2xk3Q7mYFqj0gS9o2K1_w8WcM3bQxF5dA2@mail.gmail.com', ourId] }));
    const answer = await waitForMessage('sara-thanks@gmail.test');
    expect(answer.conversation_id).toBe(first.conversation_id);
    expect((answer.metadata.email as { threadedBy: string }).threadedBy).toBe('in-reply-to');

    // Someone else answering with the same headers is not put into Sara's conversation.
    await dovecot.append(mail({ from: 'other@example.test', subject: 'Re: Order 10432 has not arrived', body: 'me too', messageId: 'other-metoo@example.test', inReplyTo: ourId }));
    const other = await waitForMessage('other-metoo@example.test');
    expect(other.conversation_id).not.toBe(first.conversation_id);

    // A new subject from Sara is a new thread: several open email conversations per customer.
    await dovecot.append(mail({ from: 'sara.ahmadi@gmail.test', subject: 'Another question', body: 'Do you ship to Shiraz?', messageId: 'sara-new@gmail.test' }));
    const fresh = await waitForMessage('sara-new@gmail.test');
    expect(fresh.conversation_id).not.toBe(first.conversation_id);
    const open = await db().selectFrom('conversations').select('id').where('customer_id', '=', (await db().selectFrom('conversations').select('customer_id').where('id', '=', first.conversation_id).executeTakeFirstOrThrow()).customer_id).where('status', '=', 'open').execute();
    expect(open.length).toBe(2);
  });

  it('a bounce marks the original outbound message failed with the reason, and opens no conversation', async () => {
    await dovecot.append(mail({ from: 'no.such.user@gmail.test', subject: 'Hello', body: 'write me back', messageId: 'bounce-target@gmail.test' }));
    const incoming = await waitForMessage('bounce-target@gmail.test');
    smtp.reset();
    const sent = await reply(incoming.conversation_id, 'Here is your answer');
    expect((await settled(sent.id)).status).toBe('sent');
    const ourId = (await simpleParser(smtp.received[0]!.raw)).messageId!.replace(/^<|>$/g, '');
    const conversations = await countWhere('conversations');
    const dsn = fixture('bounce-dsn.eml').toString('utf8').replace('pasokh.00000000-0000-4000-8000-00000000c0de.0000000000004000800000000000beef@pasokh.test', ourId);
    await dovecot.append(dsn);
    const failed = await eventually(async () => {
      const m = await db().selectFrom('messages').selectAll().where('id', '=', sent.id).executeTakeFirstOrThrow();
      return m.status === 'failed' ? m : null;
    }, 15_000, 'bounced message failed');
    expect(failed.status_reason).toMatch(/^bounced: 5\.1\.1 smtp; 550-5\.1\.1 The email account that you tried to reach does not exist\./);
    await caughtUp();
    expect(await countWhere('conversations')).toBe(conversations);
    const bounce = await db().selectFrom('email_bounces').selectAll().where('message_row_id', '=', sent.id).executeTakeFirstOrThrow();
    expect(bounce).toMatchObject({ action: 'failed', status: '5.1.1' });
    // The same bounce again changes nothing.
    await dovecot.append(dsn);
    await caughtUp();
    expect(await db().selectFrom('email_bounces').select('id').where('message_row_id', '=', sent.id).execute()).toHaveLength(1);
  });

  it('SMTP 5xx and authentication failures are permanent; a 4xx is retried', async () => {
    const incoming = await waitForMessage('bounce-target@gmail.test');
    smtp.reset();
    smtp.onRcpt = () => ({ code: 550, message: '5.7.1 Relaying denied' });
    const refused = await reply(incoming.conversation_id, 'will be refused');
    const r1 = await settled(refused.id);
    expect(r1.status).toBe('failed');
    expect(r1.status_reason).toMatch(/550/);

    smtp.reset();
    let tries = 0;
    smtp.onRcpt = () => (++tries < 2 ? { code: 451, message: '4.3.0 try again later' } : null);
    const deferred = await reply(incoming.conversation_id, 'retried');
    expect((await settled(deferred.id)).status).toBe('sent');
    expect(tries).toBe(2);
    expect(smtp.received).toHaveLength(1);

    smtp.reset();
    const patched = await admin.json('PATCH', `/api/email/mailboxes/${mailbox.id}`, { smtp: { password: 'wrong-password' } });
    expect(patched.status).toBe(200);
    const denied = await reply(incoming.conversation_id, 'auth will fail');
    const r3 = await settled(denied.id);
    expect(r3.status).toBe('failed');
    expect(r3.status_reason).toMatch(/authentication/i);
    expect((await admin.json('PATCH', `/api/email/mailboxes/${mailbox.id}`, { smtp: { password: 'smtp-secret-1' } })).status).toBe(200);
  });

  it('a malformed message is quarantined for admins and the mailbox keeps flowing', async () => {
    await dovecot.append(fixture('malformed.eml'));
    await dovecot.append(mail({ from: 'after@malformed.test', subject: 'after', body: 'still flowing', messageId: 'after-malformed@test' }));
    await waitForMessage('after-malformed@test');
    const list = await admin.json<{ items: { id: string; reason: string; mailboxId: string; rawUrl: string }[] }>('GET', '/api/email/quarantine');
    expect(list.status).toBe(200);
    expect(list.body.items).toHaveLength(1);
    expect(list.body.items[0]).toMatchObject({ mailboxId: mailbox.id, reason: 'does not start with a header' });
    const raw = await admin.request('GET', list.body.items[0]!.rawUrl);
    expect(await raw.text()).toContain('no boundary line ever appears');
    const agent = await createAgent(running.url, admin);
    expect((await agent.client.json('GET', '/api/email/quarantine')).status).toBe(403);
  });

  it('attachments are stored and served only to staff who can see the conversation', async () => {
    await dovecot.append(fixture('attachments.eml'));
    await dovecot.append(fixture('inline-image.eml'));
    const msg = await waitForMessage('att-9911@nouri-co.test');
    const atts = msg.metadata.attachments as { id: string; url: string; filename: string; contentType: string }[];
    expect(atts.map((a) => a.filename)).toEqual(['contract.pdf', 'یادداشت.txt']);
    const pdf = atts[0]!;

    const anonymous = await fetch(running.url + pdf.url);
    expect(anonymous.status).toBe(401);
    const agent = await createAgent(running.url, admin);
    expect((await agent.client.request('GET', pdf.url)).status).toBe(403);
    const asAdmin = await admin.request('GET', pdf.url);
    expect(asAdmin.status).toBe(200);
    expect(asAdmin.headers.get('content-type')).toBe('application/octet-stream');
    expect(asAdmin.headers.get('content-disposition')).toMatch(/^attachment; filename="contract.pdf"/);
    expect(Buffer.from(await asAdmin.arrayBuffer()).toString('latin1')).toMatch(/^%PDF-1\.4/);

    const assigned = await admin.json('POST', `/api/conversations/${msg.conversation_id}/assign`, { agentId: agent.id });
    expect(assigned.status).toBe(200);
    const asAgent = await agent.client.request('GET', atts[1]!.url);
    expect(asAgent.status).toBe(200);
    expect(await asAgent.text()).toContain('یادداشت مشتری');

    // The inline image is referenced through the same guarded route.
    const inline = await waitForMessage('inline-7731@company.test');
    const html = (inline.metadata.email as { html: string }).html;
    const src = /<img[^>]* src="([^"]+)"/.exec(html)?.[1];
    expect(src).toMatch(/^\/api\/email\/attachments\/[0-9a-f-]{36}$/);
    const img = await admin.request('GET', src!);
    expect(img.headers.get('content-type')).toBe('image/png');
    expect((await agent.client.request('GET', src!)).status).toBe(403);
  });

  it('auto-acknowledgement: once per new conversation, marked Auto-Submitted, never to automated mail, capped per hour', async () => {
    expect((await admin.json('PATCH', `/api/email/mailboxes/${mailbox.id}`, { autoAck: { enabled: true } })).status).toBe(200);
    smtp.reset();
    await dovecot.append(mail({ from: 'new.customer@example.test', subject: 'Question', body: 'Hello?', messageId: 'ack-1@example.test' }));
    const first = await waitForMessage('ack-1@example.test');
    await eventually(async () => smtp.received.length === 1, 10_000, 'auto-ack sent');
    const ack = smtp.received[0]!;
    expect(ack.to).toEqual(['new.customer@example.test']);
    expect(header(ack.raw, 'Auto-Submitted')).toBe('auto-replied');
    expect(header(ack.raw, 'In-Reply-To')).toBe('<ack-1@example.test>');
    const timeline = await eventually(async () => {
      const rows = await db().selectFrom('messages').select(['sender', 'direction']).where('conversation_id', '=', first.conversation_id).orderBy('seq').execute();
      return rows.length >= 2 ? rows : null;
    }, 10_000, 'the acknowledgement on the timeline');
    expect(timeline).toEqual([
      { sender: 'customer', direction: 'in' },
      { sender: 'system', direction: 'out' },
    ]);

    // A reply in the same thread, an out-of-office and a newsletter get none.
    await dovecot.append(mail({ from: 'new.customer@example.test', subject: 'Re: Question', body: 'more', messageId: 'ack-2@example.test', inReplyTo: 'ack-1@example.test' }));
    await dovecot.append(mail({ from: 'ooo@example.test', subject: 'Automatic reply', body: 'away', messageId: 'ack-ooo@example.test', headers: ['Auto-Submitted: auto-replied'] }));
    await dovecot.append(fixture('newsletter.eml'));
    await waitForMessage('ack-2@example.test');
    await waitForMessage('ack-ooo@example.test');
    await caughtUp();
    // Three new threads from one address within the hour: the cap (3) holds the fourth back.
    for (let i = 3; i <= 6; i += 1) await dovecot.append(mail({ from: 'new.customer@example.test', subject: `Topic ${i}`, body: 'x', messageId: `ack-${i}@example.test` }));
    await caughtUp();
    await new Promise((r) => setTimeout(r, 1_000));
    expect(smtp.received.filter((m) => m.to.includes('new.customer@example.test'))).toHaveLength(3);
    expect(smtp.received.filter((m) => !m.to.includes('new.customer@example.test'))).toHaveLength(0);
    expect((await admin.json('PATCH', `/api/email/mailboxes/${mailbox.id}`, { autoAck: { enabled: false } })).status).toBe(200);
  });

  it('a hub restart in the middle of a mailbox neither duplicates nor misses mail', async () => {
    await caughtUp();
    const before = await countWhere('messages');
    const ids = Array.from({ length: 12 }, (_, i) => `restart-a${i}@customer.test`);
    // Stop the hub as soon as the first message of the batch is stored: the fetcher is mid-mailbox.
    let stopping: Promise<void> | undefined;
    const first = running;
    first.hub.events.on('message.created', ({ direction }) => {
      if (direction === 'in') stopping ??= first.stop();
    });
    for (const id of ids) await dovecot.append(mail({ from: `r.${id.slice(8, 10)}@customer.test`, subject: `batch ${id}`, body: id, messageId: id }));
    await eventually(async () => stopping !== undefined, 15_000, 'the hub stopping mid-batch');
    await stopping;
    const storedAtStop = (await Promise.all(ids.map((id) => pgMessage(id)))).filter(Boolean).length;
    expect(storedAtStop).toBeGreaterThanOrEqual(1);
    expect(storedAtStop).toBeLessThan(ids.length);
    const more = Array.from({ length: 3 }, (_, i) => `restart-b${i}@customer.test`);
    for (const id of more) await dovecot.append(mail({ from: 'later@customer.test', subject: `later ${id}`, body: id, messageId: id }));

    running = await startHub(config, hubOptions);
    admin = await adminClient(running.url);
    for (const id of [...ids, ...more]) await waitForMessage(id);
    await caughtUp();
    expect(await countWhere('messages')).toBe(before + ids.length + more.length);
    const dupes = await db()
      .selectFrom('messages')
      .select(['external_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('channel', '=', 'email')
      .where('external_id', 'is not', null)
      .groupBy('external_id')
      .having((eb) => eb.fn.countAll(), '>', 1)
      .execute();
    expect(dupes).toEqual([]);
  });

  it('a UIDVALIDITY change resyncs without duplicates and keeps fetching new mail', async () => {
    await caughtUp();
    const oldValidity = Number((await checkpoint())!.uid_validity);
    const before = await countWhere('messages');
    const quarantined = (await db().selectFrom('email_quarantine').select('id').execute()).length;
    await dovecot.resetUidValidity();
    const { uidValidity } = await dovecot.status();
    expect(uidValidity).not.toBe(oldValidity);
    await dovecot.append(mail({ from: 'after.resync@customer.test', subject: 'after resync', body: 'new', messageId: 'after-resync@customer.test' }));
    await waitForMessage('after-resync@customer.test', 20_000);
    await caughtUp(20_000);
    expect(Number((await checkpoint())!.uid_validity)).toBe(uidValidity);
    expect(await countWhere('messages')).toBe(before + 1);
    expect((await db().selectFrom('email_quarantine').select('id').execute()).length).toBe(quarantined);
  });

  it('the simulator delivers into the mailbox (npm run simulate -- email)', async () => {
    const url = `imap://${encodeURIComponent(dovecot.user)}:${encodeURIComponent(dovecot.password)}@127.0.0.1:${dovecot.port}/INBOX`;
    const code = await emailSimulateCommand.run(['--imap', url, '--from', 'simulated@customer.test', '--name', 'نگار', '--subject', 'سلام', '--body', 'پیام آزمایشی', '--message-id', 'simulated-1@customer.test'], {});
    expect(code).toBe(0);
    const msg = await waitForMessage('simulated-1@customer.test');
    expect(msg.body).toBe('پیام آزمایشی');
    expect((msg.metadata.email as { subject: string }).subject).toBe('سلام');
    expect(await emailSimulateCommand.run(['--from', 'x@y.test'], {})).toBe(2);
  });

  it('changes apply without a restart: disabling stops fetching, enabling resumes; delete removes the mailbox', async () => {
    expect((await admin.json('PATCH', `/api/email/mailboxes/${mailbox.id}`, { enabled: false })).status).toBe(200);
    await dovecot.append(mail({ from: 'paused@customer.test', subject: 'paused', body: 'x', messageId: 'paused@customer.test' }));
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await messageByExternal('paused@customer.test')).toBeUndefined();
    expect((await admin.json('PATCH', `/api/email/mailboxes/${mailbox.id}`, { enabled: true })).status).toBe(200);
    await waitForMessage('paused@customer.test');
    const audit = await db().selectFrom('audit_log').select('action').where('subject_id', '=', mailbox.id).execute();
    expect(audit.filter((a) => a.action === 'email_mailbox.update').length).toBeGreaterThanOrEqual(4);

    expect((await admin.request('DELETE', `/api/email/mailboxes/${mailbox.id}`)).status).toBe(204);
    expect((await admin.json('GET', `/api/email/mailboxes/${mailbox.id}`)).status).toBe(404);
    await dovecot.append(mail({ from: 'gone@customer.test', subject: 'gone', body: 'x', messageId: 'gone@customer.test' }));
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await messageByExternal('gone@customer.test')).toBeUndefined();
    // Stored mail and its attachments outlive the mailbox.
    expect(existsSync(attachmentsDir)).toBe(true);
    expect(await messageByExternal('paused@customer.test')).toBeDefined();
  });
});
