import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { saveScreenshot } from '../helpers/browser.js';
import { acceptOffer, consoleSuite, goAvailable } from '../helpers/console-e2e.js';
import { chatSocket, createAgent, eventually } from '../helpers/hub.js';

// The agent desk in a real browser: a canned response through "/", a private
// note the visitor never sees, a tag, and a close that insists on a disposition.

const e2e = consoleSuite('e2e_console_desk');

describe('agent desk in the console', () => {
  it('canned response, private note, tag and wrap-up with a disposition', async () => {
    const admin = e2e.admin;
    expect((await admin.json('POST', '/api/dispositions', { code: 'resolved', labelEn: 'Resolved', labelFa: 'حل شد' })).status).toBe(201);
    expect((await admin.json('POST', '/api/canned-responses', { title: 'Greeting', shortcut: 'hello', body: 'Hello {{customer.name}}, I am {{agent.name}}.', language: 'en' })).status).toBe(201);
    const agent = await createAgent(e2e.url, admin, { name: 'Sara' });
    await createAgent(e2e.url, admin, { name: 'Nima' });

    const page = await e2e.openConsole(agent, { locale: 'en-US' });
    await goAvailable(page);

    const visitor = await chatSocket(e2e.url, { name: 'Reza' });
    expect((await visitor.socket.timeout(10_000).emitWithAck('message', { clientId: randomUUID(), body: 'hi there' })).ok).toBe(true);
    await acceptOffer(page);

    // "/" in the empty reply box opens the picker; Enter inserts the filled response.
    const reply = page.getByTestId('reply-input');
    await reply.click();
    await reply.press('/');
    const search = page.getByTestId('canned-search');
    await expect.poll(() => page.locator(':focus').getAttribute('data-testid')).toBe('canned-search');
    await page.getByTestId('canned-option').first().waitFor();
    await search.press('Enter');
    await expect.poll(() => reply.inputValue()).toBe('Hello Reza, I am Sara.');
    await page.getByTestId('reply-send').click();

    await page.getByTestId('note-open').click();
    await page.getByTestId('note-input').fill('Please double-check the address @Nima');
    await page.getByTestId('note-submit').click();
    await expect.poll(() => page.getByTestId('note-item').textContent()).toContain('Mentions: Nima');

    await page.getByTestId('tag-input').fill('VIP Customer');
    await page.getByTestId('tag-input').press('Enter');
    await expect.poll(() => page.getByTestId('tag-chip').textContent()).toBe('#vip-customer×');
    await saveScreenshot(page, 'console-desk.png');

    // The list filters by tag, spelled any way the tag normalises to.
    await page.getByTestId('tag-filter').fill('other');
    await expect.poll(() => page.getByTestId('conversation-item').count()).toBe(0);
    await page.getByTestId('tag-filter').fill('#VIP customer');
    await expect.poll(() => page.getByTestId('conversation-item').count()).toBe(1);

    // The visitor got the reply and nothing else.
    await eventually(async () => visitor.received.some((m) => m.body === 'Hello Reza, I am Sara.'));
    expect(visitor.received.map((m) => m.body)).toEqual(['Hello Reza, I am Sara.']);

    // Close asks for a disposition and will not go on without one.
    await page.getByTestId('close-conversation').click();
    await page.getByTestId('wrapup-dialog').waitFor();
    await page.getByTestId('wrapup-submit').click();
    await page.getByTestId('field-error-dispositionCode').waitFor();
    await page.getByTestId('wrapup-code').selectOption('resolved');
    await page.getByTestId('wrapup-note').fill('Greeted and done');
    await page.getByTestId('wrapup-submit').click();
    await page.getByTestId('wrapup-dialog').waitFor({ state: 'hidden' });

    const row = await eventually(() => e2e.hub.db.selectFrom('conversation_wrap_ups').selectAll().executeTakeFirst());
    expect(row.note).toBe('Greeted and done');
    const conv = await e2e.hub.db.selectFrom('conversations').select('status').executeTakeFirstOrThrow();
    expect(conv.status).toBe('closed');
    visitor.socket.disconnect();
  });
});
