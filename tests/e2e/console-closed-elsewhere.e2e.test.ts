import { randomUUID } from 'node:crypto';
import { type Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { acceptOffer, consoleSuite, goAvailable } from '../helpers/console-e2e.js';
import { chatSocket, createAgent, type ChatSocket } from '../helpers/hub.js';

// A conversation closed anywhere but this console's own Close button — the
// agent's API session or another tab, a supervisor — leaves the inbox at once
// and the open view says it is closed. It used to stay listed until a reload.

const e2e = consoleSuite('e2e_closed_elsewhere');
let page: Page;
const visitors: ChatSocket[] = [];

afterEach(() => {
  for (const v of visitors.splice(0)) v.disconnect();
});

/** A visitor writes and the agent accepts the offer in the browser; resolves with the conversation id. */
async function acceptChat(from: string): Promise<string> {
  const chat = await chatSocket(e2e.url, { name: from });
  visitors.push(chat.socket);
  const ack = await chat.socket.timeout(10_000).emitWithAck('message', { clientId: randomUUID(), body: `Hello, this is ${from}` });
  expect(ack.ok).toBe(true);
  await acceptOffer(page);
  return ack.ok ? ack.conversationId : '';
}

const item = (id: string) => page.locator(`[data-testid="conversation-item"][data-conversation-id="${id}"]`);

describe('inbox', () => {
  it('drops a conversation closed through the API or by a supervisor, and the open view says it is closed', async () => {
    const agent = await createAgent(e2e.url, e2e.admin, { name: 'Roya Rahimi' });
    const supervisor = await createAgent(e2e.url, e2e.admin, { name: 'Saman Sarparast', role: 'supervisor' });
    page = await e2e.openConsole(agent);
    await goAvailable(page);

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
