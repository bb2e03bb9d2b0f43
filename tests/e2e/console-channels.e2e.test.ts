// Email and SMS conversations in the agent console, in Chromium, against a hub
// with real services: mail fetched from a real Dovecot over IMAP (the same
// harness `npm run demo` uses), SMS through signed Twilio webhooks. Checks what
// an agent sees — the email's header, sanitised HTML in a sandboxed frame with
// the quote folded, its attachment; the SMS segment counter and the opt-out
// banner — in English and Persian, and that mail HTML cannot run script even
// when it reaches the frame unsanitised.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import nodemailer from 'nodemailer';
import { type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inboundSmsParams, postSignedTwilioWebhook } from '../../src/cli/simulate.js';
import { HubApi } from '../../src/devtools/admin-api.js';
import { startDemoEmail, type DemoEmail } from '../../src/devtools/demo-email.js';
import { saveScreenshot } from '../helpers/browser.js';
import { acceptOffer, consoleSuite, goAvailable, signIn, type Credentials } from '../helpers/console-e2e.js';
import { ADMIN, createAgent, eventually } from '../helpers/hub.js';
import { Dovecot } from '../helpers/mail-servers.js';
import { TwilioFake } from '../helpers/twilio-fake.js';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'email');
const PUBLIC_URL = 'https://pasokh.example.com';
const BUSINESS = '+15005550006';

const fake = new TwilioFake();
const attachmentsDir = mkdtempSync(path.join(tmpdir(), 'pasokh-e2e-att-'));
let email: DemoEmail;

// Registered before the suite: Dovecot is checked and the fake is up before the
// hub starts; the mail server, the fake and the attachments go after it stops.
beforeAll(async () => {
  if (!Dovecot.available()) throw new Error(`${'/usr/sbin/dovecot'} is missing: apt-get install -y --no-install-recommends dovecot-imapd`);
  await fake.start();
});
afterAll(async () => {
  await email?.stop();
  await fake.stop();
  rmSync(attachmentsDir, { recursive: true, force: true });
});

const e2e = consoleSuite('e2e_console_channels', {
  env: { PUBLIC_URL, TWILIO_ACCOUNT_SID: fake.accountSid, TWILIO_AUTH_TOKEN: fake.authToken, COOKIE_SECURE: 'false' },
  hubOptions: { channelOptions: { twilioHttpClient: fake.httpClient(), attachmentsDir, emailPollIntervalMs: 300, emailReconnectMs: 200, emailReconcileMs: 1_000 } },
});

beforeAll(async () => {
  const started = await startDemoEmail(await HubApi.login(e2e.url, ADMIN.email, ADMIN.password));
  if ('unavailable' in started) throw new Error(started.unavailable);
  email = started;
});

function newPage(locale: string): Promise<Page> {
  return e2e.newPage({ locale, viewport: { width: 1280, height: 900 } });
}

async function signInAvailable(page: Page, who: Credentials): Promise<void> {
  await page.goto(e2e.url + '/');
  await signIn(page, who);
  await goAvailable(page);
}

const composer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
async function persianReplyWithAttachment(): Promise<Buffer> {
  const info = await composer.sendMail({
    from: '"مریم حسینی" <maryam@example.test>',
    to: 'support@demo.pasokh',
    cc: 'ali@example.test',
    subject: 'پیگیری سفارش ۹۸۲۱',
    text: 'سلام، سفارش ۹۸۲۱ هنوز نرسیده است.',
    html: '<div dir="rtl"><p>سلام، سفارش <b>۹۸۲۱</b> هنوز نرسیده است. Order ID: PX-9821</p></div><div dir="rtl">On Mon, 3 Nov 2025 at 10:02, Support &lt;support@demo.pasokh&gt; wrote:</div><blockquote><div dir="rtl">سفارش شما ثبت شد و ظرف سه روز کاری ارسال می‌شود.</div></blockquote>',
    attachments: [{ filename: 'رسید.pdf', content: Buffer.from('%PDF-1.4\n%%EOF\n'), contentType: 'application/pdf' }],
  });
  return info.message as Buffer;
}

async function conversationOfEmail(subject: string): Promise<{ conversationId: string; messageId: string }> {
  return eventually(async () => {
    const row = await e2e.hub.db
      .selectFrom('messages')
      .select(['conversation_id', 'id'])
      .where('channel', '=', 'email')
      .where(sql<boolean>`metadata->'email'->>'subject' = ${subject}`)
      .executeTakeFirst();
    if (!row) throw new Error(`no email "${subject}" yet`);
    return { conversationId: row.conversation_id, messageId: row.id };
  });
}

describe('console channels', () => {
  it('an email conversation: header, sandboxed HTML with the quote folded, attachment; hostile HTML stays inert (English and Persian)', async () => {
    const agent = await createAgent(e2e.url, e2e.admin, { name: 'Sara Ahmadi' });
    const page = await newPage('en-GB');
    // Anything the mail HTML manages to post to the console, or any dialog it opens, is recorded.
    // (Strings, not functions: this file is type-checked without the DOM library.)
    await page.addInitScript({ content: "window.__fromFrame = []; window.addEventListener('message', (e) => window.__fromFrame.push(e.data));" });
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await signInAvailable(page, agent);

    await email.deliver(await persianReplyWithAttachment());
    await acceptOffer(page, 20_000);
    const bubble = page.locator('[data-testid="message"][data-from="customer"]').filter({ has: page.getByTestId('email-message') }).first();
    await bubble.waitFor();
    expect(await bubble.getByTestId('email-subject').textContent()).toBe('پیگیری سفارش ۹۸۲۱');
    expect(await bubble.getByTestId('email-from').textContent()).toBe('مریم حسینی <maryam@example.test>');
    expect(await bubble.getByTestId('email-cc').textContent()).toBe('ali@example.test');
    expect(await bubble.getByTestId('email-subject').getAttribute('dir')).toBe('auto');

    const frameEl = bubble.getByTestId('email-frame');
    expect(await frameEl.getAttribute('sandbox')).not.toMatch(/allow-scripts|allow-same-origin/);
    const frame = page.frameLocator('[data-testid="email-frame"]').first();
    await frame.locator('body').getByText('PX-9821').waitFor();
    // The quoted history is folded until asked for.
    expect(await frame.locator('body').textContent()).not.toContain('ظرف سه روز');
    await bubble.getByTestId('email-quote-toggle').click();
    await frame.locator('blockquote').getByText('ظرف سه روز', { exact: false }).waitFor();

    const attachment = bubble.getByTestId('email-attachment');
    expect(await attachment.textContent()).toContain('application/pdf');
    const href = (await attachment.getByRole('link').getAttribute('href'))!;
    expect(href).toMatch(/^\/api\/email\/attachments\/[0-9a-f-]{36}$/);
    // The link works for the assigned agent, through the authorised route.
    const download = await page.request.get(e2e.url + href);
    expect(download.status()).toBe(200);
    expect((await download.body()).toString('latin1')).toContain('%PDF-1.4');
    await saveScreenshot(page, 'console-email-en.png', { fullPage: true });

    // Hostile mail: sanitised on arrival; and even if the sanitiser had missed something, the frame runs nothing.
    await email.deliver(readFileSync(path.join(FIXTURES, 'hostile-html.eml')));
    await acceptOffer(page, 20_000);
    const hostile = await conversationOfEmail('Please review my complaint');
    const unsanitised = '<p>Still here.</p><script>parent.postMessage("script ran","*")</script><img src="x" onerror="parent.postMessage(\'handler ran\',\'*\')"><a href="javascript:parent.postMessage(\'link ran\',\'*\')" id="js">js</a>';
    await e2e.hub.db
      .updateTable('messages')
      .set({ metadata: sql`jsonb_set(metadata, '{email,html}', to_jsonb(${unsanitised}::text))` })
      .where('id', '=', hostile.messageId)
      .execute();
    await page.reload();
    await page.getByTestId('conversation-item').filter({ hasText: /winner@prize-desk\.test|Prize Desk/ }).click();
    const hostileFrame = page.frameLocator(`[data-conversation-id="${hostile.conversationId}"] [data-testid="email-frame"]`).first();
    await hostileFrame.getByText('Still here.').waitFor();
    await hostileFrame.locator('#js').click();
    // The page round-trips a message of its own, so anything the frame posted earlier has arrived by now.
    await page.evaluate("new Promise((resolve) => { window.addEventListener('message', (e) => e.data === 'probe' && resolve(null)); window.postMessage('probe', '*'); })");
    expect(((await page.evaluate('window.__fromFrame')) as unknown[]).filter((d) => d !== 'probe')).toEqual([]);
    expect(dialogs).toEqual([]);

    // Persian: the same email conversation, mirrored, with Persian labels.
    const fa = await newPage('fa-IR');
    await signInAvailable(fa, agent);
    await fa.getByTestId('conversation-item').filter({ hasText: 'مریم' }).click();
    const faBubble = fa.getByTestId('email-message').first();
    await faBubble.getByTestId('email-subject').waitFor();
    expect(await fa.locator('html').getAttribute('dir')).toBe('rtl');
    expect(await faBubble.getByTestId('email-quote-toggle').textContent()).toBe('نمایش متن نقل‌شده');
    await saveScreenshot(fa, 'console-email-fa.png', { fullPage: true });
  });

  it('an SMS conversation: live segment counter, then STOP shows the opt-out banner and turns replies off (English and Persian)', async () => {
    const agent = await createAgent(e2e.url, e2e.admin, { name: 'Nima Karimi' });
    const page = await newPage('en-GB');
    await signInAvailable(page, agent);
    const customer = '+989121112233';
    const text = (body: string) =>
      postSignedTwilioWebhook({ targetUrl: e2e.url, publicUrl: PUBLIC_URL, authToken: fake.authToken, path: '/webhooks/twilio/sms', params: inboundSmsParams({ from: customer, to: BUSINESS, body, accountSid: fake.accountSid }) });
    expect((await text('سلام، کد تخفیف من کار نمی‌کند')).status).toBe(200);
    await acceptOffer(page, 20_000);
    await page.locator('[data-testid="message"][data-from="customer"]').filter({ hasText: 'کد تخفیف' }).waitFor();
    expect(await page.getByTestId('sms-segments').first().textContent()).toBe('1 segment (UCS-2)');

    const input = page.getByTestId('reply-input');
    await input.fill('a'.repeat(161));
    expect(await page.getByTestId('sms-counter').textContent()).toBe('161 characters · 2 SMS · GSM-7');
    await input.fill('کد جدید شما: NEW-2025');
    expect(await page.getByTestId('sms-counter').textContent()).toBe('21 characters · 1 SMS · UCS-2');
    await page.getByTestId('reply-send').click();
    const reply = page.locator('[data-testid="message"][data-from="agent"]').filter({ hasText: 'NEW-2025' });
    await reply.waitFor();
    // Through the outbox and the Twilio fake: the reply shows as sent.
    await expect.poll(() => reply.getAttribute('data-status'), { timeout: 15_000 }).toBe('sent');
    await saveScreenshot(page, 'console-sms-en.png', { fullPage: true });

    expect((await text('STOP')).status).toBe(200);
    const banner = page.getByTestId('sms-optout-banner');
    await banner.waitFor({ timeout: 15_000 });
    expect(await banner.textContent()).toMatch(/^This customer opted out of SMS \(STOP, /);
    expect(await page.getByTestId('reply-input').isDisabled()).toBe(true);
    expect(await page.getByTestId('reply-blocked').textContent()).toBe('Replies are off: the customer opted out of SMS.');
    await saveScreenshot(page, 'console-sms-optout-en.png', { fullPage: true });

    const fa = await newPage('fa-IR');
    await signInAvailable(fa, agent);
    await fa.getByTestId('conversation-item').first().click();
    await fa.getByTestId('sms-optout-banner').waitFor();
    expect(await fa.getByTestId('sms-optout-banner').textContent()).toContain('این مشتری دریافت پیامک را لغو کرده است');
    await saveScreenshot(fa, 'console-sms-fa.png', { fullPage: true });
  });
});
