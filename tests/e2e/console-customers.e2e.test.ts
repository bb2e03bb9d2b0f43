import { randomUUID } from 'node:crypto';
import { type Page } from 'playwright-core';
import twilio from 'twilio';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { inboundSmsParams } from '../../src/cli/simulate.js';
import { saveScreenshot } from '../helpers/browser.js';
import { acceptOffer, consoleSuite, goAvailable } from '../helpers/console-e2e.js';
import { chatSocket, createAgent, eventually, type ChatSocket } from '../helpers/hub.js';
import { TwilioFake } from '../helpers/twilio-fake.js';

// The customers screen in a real browser against a hub with real services: a
// customer who wrote on web chat and by SMS (a signed Twilio webhook) is two
// records until an agent merges them on the evidence shown; then one timeline
// spans both channels; the undo splits them again exactly.

const PUBLIC_URL = 'https://pasokh.example.com';
const BUSINESS = '+15005550006';
const PHONE = '+989121234567';

const fake = new TwilioFake();
// Registered before the suite, so the fake is up before the hub starts and stopped after it stops.
beforeAll(async () => {
  await fake.start();
});
afterAll(async () => {
  await fake.stop();
});
const e2e = consoleSuite('e2e_console_customers', {
  env: { PUBLIC_URL, TWILIO_ACCOUNT_SID: fake.accountSid, TWILIO_AUTH_TOKEN: fake.authToken, COOKIE_SECURE: 'false' },
  hubOptions: { channelOptions: { twilioHttpClient: fake.httpClient() } },
});
const visitors: ChatSocket[] = [];

afterEach(() => {
  for (const v of visitors.splice(0)) v.disconnect();
});

async function smsArrives(from: string, body: string): Promise<void> {
  const params = inboundSmsParams({ from, to: BUSINESS, body, accountSid: fake.accountSid });
  const signature = twilio.getExpectedTwilioSignature(fake.authToken, `${PUBLIC_URL}/webhooks/twilio/sms`, params);
  const res = await fetch(`${e2e.url}/webhooks/twilio/sms`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
    body: new URLSearchParams(params).toString(),
  });
  expect(res.status).toBe(200);
}

const timelineBodies = (page: Page) => page.getByTestId('customer-timeline').getByTestId('history-message').allTextContents();

describe('customers screen', () => {
  it('search in any digits, merge on shown evidence into one cross-channel timeline, undo exactly; English and Persian', async () => {
    const agent = await createAgent(e2e.url, e2e.admin, { name: 'Mina Karimi' });
    const page = await e2e.openConsole(agent, { locale: 'en-US', viewport: { width: 1280, height: 900 } });
    await goAvailable(page);

    // Sara chats on the website, giving her name and email in the pre-chat form…
    const chat = await chatSocket(e2e.url, { name: 'Sara Ahmadi', email: 'sara.ahmadi@example.com' });
    visitors.push(chat.socket);
    expect((await chat.socket.timeout(10_000).emitWithAck('message', { clientId: randomUUID(), body: 'Hello, my parcel has not arrived' })).ok).toBe(true);
    await acceptOffer(page);
    // …and texts from her phone, whose record a CRM import had already named (same name, same email: the evidence).
    await smsArrives(PHONE, 'It is Sara again, any news on the parcel?');
    await acceptOffer(page);
    const smsCustomer = await eventually(
      () => e2e.hub.db.selectFrom('customer_identities').select('customer_id').where('kind', '=', 'phone').where('value', '=', PHONE).executeTakeFirst(),
      10_000,
      'the SMS customer',
    );
    await e2e.hub.db
      .updateTable('customers')
      .set({ display_name: 'Sara Ahmadi', profile: JSON.stringify({ email: 'sara.ahmadi@example.com' }) })
      .where('id', '=', smsCustomer.customer_id)
      .execute();

    // Searching with Persian digits finds the SMS record.
    await page.getByTestId('nav-customers').click();
    await page.getByTestId('customer-search').fill('۰۹۱۲ ۱۲۳ ۴۵۶۷');
    await page.getByTestId('customer-search').press('Enter');
    await expect.poll(() => page.getByTestId('customer-result').count()).toBe(1);
    expect(await page.getByTestId('customer-result').getAttribute('data-customer-id')).toBe(smsCustomer.customer_id);

    // From the web chat conversation, open the customer's profile.
    await page.getByTestId('nav-conversations').click();
    const chatConversation = await e2e.hub.db
      .selectFrom('conversations')
      .select(['id', 'customer_id'])
      .where('channel', '=', 'webchat')
      .executeTakeFirstOrThrow();
    await page.locator(`[data-testid="conversation-item"][data-conversation-id="${chatConversation.id}"] button`).first().click();
    await page.getByTestId('open-customer').click();
    const panel = page.getByTestId('customer-panel');
    await panel.waitFor();
    expect(await panel.getAttribute('data-customer-id')).toBe(chatConversation.customer_id);
    await expect.poll(() => timelineBodies(page)).toEqual(['Hello, my parcel has not arrived']);

    // The SMS record is a candidate, with the evidence in words.
    const candidate = page.getByTestId('candidate');
    await candidate.waitFor();
    expect(await candidate.getAttribute('data-customer-id')).toBe(smsCustomer.customer_id);
    expect(await candidate.getByTestId('evidence').textContent()).toContain('Both typed the same email in chat: sara.ahmadi@example.com');
    expect(await candidate.getByTestId('evidence').textContent()).toContain('Same name only: Sara Ahmadi');

    // Merge asks first; then one timeline spans web chat and SMS, newest first.
    await candidate.getByTestId('merge').click();
    await candidate.getByRole('alertdialog').waitFor();
    await candidate.getByTestId('confirm').click();
    await page.getByTestId('customer-notice').waitFor();
    await expect.poll(() => timelineBodies(page)).toEqual(['It is Sara again, any news on the parcel?', 'Hello, my parcel has not arrived']);
    const channels = await page.getByTestId('customer-timeline').locator('.timeline-conversation [data-channel]').evaluateAll((els) => els.map((e) => e.getAttribute('data-channel')));
    expect(channels).toEqual(['sms', 'webchat']);
    expect(await panel.textContent()).toContain(PHONE);
    await saveScreenshot(page, 'customers-merged-en.png', { fullPage: true });

    // A new SMS from that number now lands on the merged customer's timeline.
    const moved = await e2e.hub.db.selectFrom('customer_identities').select('customer_id').where('value', '=', PHONE).executeTakeFirstOrThrow();
    expect(moved.customer_id).toBe(chatConversation.customer_id);

    // Persian: the same panel, right to left.
    await page.getByTestId('lang-switch').click();
    await page.locator('html[dir="rtl"][lang="fa"]').waitFor({ state: 'attached' });
    expect(await page.getByTestId('merge-history').locator('h3').textContent()).toBe('تاریخچهٔ ادغام');
    await saveScreenshot(page, 'customers-merged-fa.png', { fullPage: true });
    await page.getByTestId('lang-switch').click();
    await page.locator('html[dir="ltr"][lang="en"]').waitFor({ state: 'attached' });

    // Undo from the merge history: the SMS record is separate again, exactly.
    const record = page.getByTestId('merge-record');
    await record.getByTestId('undo-merge').click();
    await record.getByTestId('confirm').click();
    await record.getByTestId('merge-undone').waitFor();
    await expect.poll(() => timelineBodies(page)).toEqual(['Hello, my parcel has not arrived']);
    const back = await e2e.hub.db.selectFrom('customer_identities').select('customer_id').where('value', '=', PHONE).executeTakeFirstOrThrow();
    expect(back.customer_id).toBe(smsCustomer.customer_id);
    const smsConversation = await e2e.hub.db.selectFrom('conversations').select('customer_id').where('channel', '=', 'sms').executeTakeFirstOrThrow();
    expect(smsConversation.customer_id).toBe(smsCustomer.customer_id);
    await saveScreenshot(page, 'customers-undone-en.png', { fullPage: true });
  });
});
