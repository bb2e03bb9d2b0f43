import { describe, expect, it } from 'vitest';
import { consoleSuite } from '../helpers/console-e2e.js';
import { createAgent } from '../helpers/hub.js';

// The whole slice in a real browser: a customer writes in the widget on a web
// page, an agent accepts the offer in the console and replies, the customer sees it.

const e2e = consoleSuite('e2e');

describe('web chat in the browser', () => {
  it('visitor widget → agent accepts in the console → agent replies → visitor sees the reply', async () => {
    const agent = await createAgent(e2e.url, e2e.admin, { name: 'Sara Console' });

    // The agent logs in and becomes available.
    const console_ = await e2e.openConsole(agent);
    await console_.getByTestId('presence-select').selectOption('available');
    await expect.poll(() => console_.getByTestId('presence-select').inputValue()).toBe('available');

    // A customer on a web page opens the widget, fills the pre-chat form and writes.
    const site = await e2e.newPage();
    await site.goto(e2e.url + '/widget-demo.html');
    await site.getByTestId('widget-launcher').click();
    await site.getByTestId('widget-name').fill('Parisa');
    await site.getByTestId('widget-email').fill('parisa@example.com');
    await site.getByTestId('widget-start').click();
    await site.getByTestId('widget-input').fill('سلام! Is my order on its way?');
    await site.getByTestId('widget-send').click();

    // The offer pops up in the console with a countdown; the agent accepts.
    const popup = console_.getByTestId('offer-popup');
    await popup.waitFor({ state: 'visible', timeout: 15_000 });
    expect(await popup.textContent()).toContain('Parisa');
    expect(Number(await console_.getByTestId('offer-countdown').getAttribute('data-seconds'))).toBeGreaterThan(0);
    await console_.getByTestId('offer-accept').click();
    await popup.waitFor({ state: 'hidden' });

    // The conversation opens with the customer's message; the agent replies.
    await console_.getByTestId('message').filter({ hasText: 'Is my order on its way?' }).waitFor();
    expect(await console_.getByTestId('conversation-item').count()).toBe(1);
    // Typing shows on the other side, both ways, and is never stored.
    await site.getByTestId('widget-input').pressSequentially('one more');
    await expect.poll(() => console_.getByTestId('typing-indicator').textContent()).toBe('Customer is typing…');
    await site.getByTestId('widget-input').fill('');
    await console_.getByTestId('reply-input').pressSequentially('Yes');
    await site.getByTestId('widget-typing').waitFor({ state: 'visible' });
    await console_.getByTestId('reply-input').fill('Yes, it ships today. Thank you, Parisa!');
    await console_.getByTestId('reply-send').click();

    // The customer sees the agent's reply in the widget.
    const reply = site.locator('[data-testid="widget-message"][data-from="agent"]');
    await reply.filter({ hasText: 'it ships today' }).waitFor({ timeout: 15_000 });
    expect(await reply.count()).toBe(1);
    // And their own message is shown once, not duplicated by the echo.
    expect(await site.locator('[data-testid="widget-message"][data-from="customer"]').count()).toBe(1);

    // The agent's reply ends "typing…" in the widget.
    await site.getByTestId('widget-typing').waitFor({ state: 'hidden' });

    // "?" outside a text field lists the keyboard shortcuts.
    await console_.locator('body').click({ position: { x: 5, y: 700 } });
    await console_.keyboard.press('Shift+Slash');
    await console_.getByTestId('shortcuts-help').waitFor();
    await console_.keyboard.press('Escape');
    await console_.getByTestId('shortcuts-help').waitFor({ state: 'hidden' });

    // After a reload the widget resumes the same conversation without duplicates.
    await site.reload();
    await site.getByTestId('widget-launcher').click();
    await site.locator('[data-testid="widget-message"][data-from="agent"]').filter({ hasText: 'it ships today' }).waitFor();
    expect(await site.getByTestId('widget-message').count()).toBe(2);
  });
});
