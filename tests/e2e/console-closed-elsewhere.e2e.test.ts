import { randomUUID } from 'node:crypto';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, screenshotFailure } from '../helpers/browser.js';
import { adminClient, chatSocket, createAgent, isolate, startHub, testConfig, type ChatSocket, type Client, type RunningHub } from '../helpers/hub.js';

// A conversation closed anywhere but this console's own Close button — the
// agent's API session or another tab, a supervisor — leaves the inbox at once
// and the open view says it is closed. It used to stay listed until a reload.

const iso = isolate('e2e_closed_elsewhere');
let running: RunningHub;
let browser: Browser;
let admin: Client;
let context: BrowserContext | undefined;
let page: Page;
const visitors: ChatSocket[] = [];

beforeAll(async () => {
  running = await startHub(testConfig(iso));
  admin = await adminClient(running.url);
  browser = await launchChromium();
});

afterEach(async (ctx) => {
  if (ctx.task.result?.state === 'fail' && page) await screenshotFailure(ctx.task.name, [page]);
  for (const v of visitors.splice(0)) v.disconnect();
  await context?.close().catch(() => undefined);
});

afterAll(async () => {
  await browser?.close();
  await running?.stop();
  await iso.cleanup();
});

/** A visitor writes and the agent accepts the offer in the browser; resolves with the conversation id. */
async function acceptChat(from: string): Promise<string> {
  const chat = await chatSocket(running.url, { name: from });
  visitors.push(chat.socket);
  const ack = await chat.socket.timeout(10_000).emitWithAck('message', { clientId: randomUUID(), body: `Hello, this is ${from}` });
  expect(ack.ok).toBe(true);
  const popup = page.getByTestId('offer-popup');
  await popup.waitFor({ state: 'visible', timeout: 15_000 });
  await page.getByTestId('offer-accept').click();
  await popup.waitFor({ state: 'hidden' });
  return ack.ok ? ack.conversationId : '';
}

const item = (id: string) => page.locator(`[data-testid="conversation-item"][data-conversation-id="${id}"]`);

describe('inbox', () => {
  it('drops a conversation closed through the API or by a supervisor, and the open view says it is closed', async () => {
    const agent = await createAgent(running.url, admin, { name: 'Roya Rahimi' });
    const supervisor = await createAgent(running.url, admin, { name: 'Saman Sarparast', role: 'supervisor' });
    context = await browser.newContext({ locale: 'en-GB', viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
    await page.goto(running.url + '/');
    await page.getByTestId('login-email').fill(agent.email);
    await page.getByTestId('login-password').fill(agent.password);
    await page.getByTestId('login-submit').click();
    await expect.poll(() => page.getByTestId('connection-state').getAttribute('class')).toContain('connection-connected');
    await page.getByTestId('presence-select').selectOption('available');

    const first = await acceptChat('Leila');
    const second = await acceptChat('Kian');
    await item(first).waitFor();
    await item(second).waitFor();

    // The agent's own session from elsewhere (another tab, a script) closes the one on screen.
    await item(first).locator('button').click();
    await page.getByTestId('message').first().waitFor();
    expect((await agent.client.json('POST', `/api/conversations/${first}/close`)).status).toBe(200);
    await item(first).waitFor({ state: 'detached' });
    await page.locator('.closed-banner').waitFor();
    expect(await page.locator('.closed-banner').textContent()).toBe('This conversation is closed.');
    expect(await page.getByTestId('reply-input').isDisabled()).toBe(true);

    // A supervisor closes the other one.
    expect((await supervisor.client.json('POST', `/api/conversations/${second}/close`)).status).toBe(200);
    await item(second).waitFor({ state: 'detached' });
    expect(await page.getByTestId('conversation-item').count()).toBe(0);
    // A reload agrees: nothing was left behind in the list.
    await page.reload();
    await page.locator('.sidebar .empty').waitFor();
    expect(await page.getByTestId('conversation-item').count()).toBe(0);
  }, 90_000);
});
