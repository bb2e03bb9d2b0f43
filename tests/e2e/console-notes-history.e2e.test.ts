import { randomUUID } from 'node:crypto';
import { type Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { saveScreenshot } from '../helpers/browser.js';
import { acceptOffer, consoleSuite, goAvailable } from '../helpers/console-e2e.js';
import { chatSocket, createAgent, type ChatSocket } from '../helpers/hub.js';

// The conversation view in a real browser against a hub with real services:
// the customer's earlier conversation pages in as the agent scrolls up (the
// timeline's cursor, an IntersectionObserver), without losing their place;
// and "@" in a private note suggests colleagues, picked with the keyboard, in
// English and in Persian (right to left).

const EARLIER_MESSAGES = 45;
const e2e = consoleSuite('e2e_notes_history');
let page: Page;
let visitor: ChatSocket;

afterAll(() => {
  visitor?.disconnect();
});

async function say(body: string): Promise<void> {
  const ack = await visitor.timeout(10_000).emitWithAck('message', { clientId: randomUUID(), body });
  expect(ack.ok).toBe(true);
}

/** Where a history message sits from the top of the conversation's scroll area, in pixels (negative: above it). */
function offsetOf(messageId: string): Promise<number> {
  return page.evaluate(`(() => {
    const area = document.querySelector('.conversation-scroll');
    const el = document.querySelector('[data-message-id="${messageId}"]');
    return el.getBoundingClientRect().top - area.getBoundingClientRect().top;
  })()`);
}

const historyCount = () => page.getByTestId('customer-history').getByTestId('history-message').count();
const firstHistoryId = () => page.getByTestId('customer-history').locator('[data-message-id]').first().getAttribute('data-message-id');
const scrollTop = async () => Number(await page.evaluate(`document.querySelector('.conversation-scroll').scrollTop`));
const scrollToTop = () => page.evaluate(`document.querySelector('.conversation-scroll').scrollTop = 0`);

describe('conversation view: customer history and @mentions', () => {
  it('pages the earlier conversation in while scrolling up, keeping the place; "@" suggests colleagues in English and Persian', async () => {
    const sara = await createAgent(e2e.url, e2e.admin, { name: 'Sara Ahmadi' });
    await createAgent(e2e.url, e2e.admin, { name: 'Nima Sadeghi' });
    await createAgent(e2e.url, e2e.admin, { name: 'Niloufar Karimi' });
    await createAgent(e2e.url, e2e.admin, { name: 'نیلوفر احمدی' });

    page = await e2e.openConsole(sara);
    await goAvailable(page);

    // A long first visit, closed; then the customer comes back.
    const chat = await chatSocket(e2e.url, { name: 'Kaveh' });
    visitor = chat.socket;
    await say('visit 1, message 1');
    await acceptOffer(page);
    for (let i = 2; i <= EARLIER_MESSAGES; i += 1) await say(`visit 1, message ${i}`);
    const first = await e2e.hub.db.selectFrom('conversations').select('id').executeTakeFirstOrThrow();
    expect((await sara.client.json('POST', `/api/conversations/${first.id}/close`)).status).toBe(200);
    await say('Hello again, about my last question');
    await acceptOffer(page);
    await page.getByTestId('message').first().waitFor();

    // The newest page of the earlier visit is above the new one, oldest first; the view shows the newest message.
    await expect.poll(historyCount).toBe(20);
    const history = page.getByTestId('customer-history');
    expect(await history.getByTestId('history-message').last().textContent()).toContain(`visit 1, message ${EARLIER_MESSAGES}`);
    expect(await history.getByTestId('history-message').first().textContent()).toContain('visit 1, message 26');
    await expect.poll(() => page.getByTestId('message').last().isVisible()).toBe(true);

    // Scrolling to the top brings the next page in above, and what was first stays where the agent was looking.
    const anchorId = (await firstHistoryId())!;
    // Where that message will be on screen once the area is scrolled to the very top.
    const atTop = (await offsetOf(anchorId)) + (await scrollTop());
    await scrollToTop();
    await expect.poll(historyCount).toBe(40);
    expect(await history.getByTestId('history-message').first().textContent()).toContain('visit 1, message 6');
    expect(Math.abs((await offsetOf(anchorId)) - atTop)).toBeLessThan(3);
    expect(await scrollTop()).toBeGreaterThan(500);
    await scrollToTop();
    await expect.poll(historyCount).toBe(EARLIER_MESSAGES);
    expect(await page.getByTestId('history-start').textContent()).toBe('Beginning of the customer’s history.');
    expect(await history.getByTestId('history-message').first().textContent()).toContain('visit 1, message 1');
    await saveScreenshot(page, 'conversation-history-en.png');

    // "@ni" lists Niloufar and Nima (never Sara herself); arrows and Enter pick Nima.
    await page.getByTestId('note-open').click();
    const note = page.getByTestId('note-input');
    await note.pressSequentially('Please check the address @ni');
    const options = page.getByTestId('mention-option');
    await expect.poll(() => options.locator('.mention-name').allTextContents()).toEqual(['Niloufar Karimi', 'Nima Sadeghi']);
    expect(await note.getAttribute('aria-expanded')).toBe('true');
    await note.press('ArrowDown');
    expect(await note.getAttribute('aria-activedescendant')).toBe(await options.nth(1).getAttribute('id'));
    await saveScreenshot(page, 'mention-suggestions-en.png');
    await note.press('Enter');
    await expect.poll(() => note.inputValue()).toBe('Please check the address @Nima Sadeghi ');
    expect(await options.count()).toBe(0);
    await note.pressSequentially('before noon');
    await page.getByTestId('note-submit').click();
    await expect.poll(() => page.getByTestId('note-item').last().textContent()).toContain('Mentions: Nima Sadeghi');

    // In Persian the list hangs from the right edge of the note; Esc closes it and leaves the note open.
    await page.getByTestId('lang-switch').click();
    await page.getByTestId('note-open').click();
    await note.pressSequentially('لطفاً @نیل');
    await expect.poll(() => options.locator('.mention-name').allTextContents()).toEqual(['نیلوفر احمدی']);
    const list = await page.getByTestId('mention-list').boundingBox();
    const field = await note.boundingBox();
    expect(Math.abs(list!.x + list!.width - (field!.x + field!.width))).toBeLessThan(2);
    await saveScreenshot(page, 'mention-suggestions-fa.png');
    await note.press('Escape');
    expect(await options.count()).toBe(0);
    expect(await note.isVisible()).toBe(true);
    await note.press('Backspace');
    await note.pressSequentially('ل');
    expect(await options.count()).toBe(0);
  }, 90_000);
});
