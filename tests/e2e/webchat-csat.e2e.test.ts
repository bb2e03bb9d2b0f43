import { describe, expect, it } from 'vitest';
import { saveScreenshot as shot } from '../helpers/browser.js';
import { acceptOffer, consoleSuite, goAvailable } from '../helpers/console-e2e.js';
import { createAgent } from '../helpers/hub.js';

// Customer satisfaction end to end in real browsers: a visitor chats in the
// widget, the agent closes the chat in the console, the widget asks for a
// rating, the visitor rates, and a supervisor sees it in the Reports CSAT.

const e2e = consoleSuite('e2e_csat');
const SCREEN = { viewport: { width: 1280, height: 860 } };

describe('web-chat rating (CSAT)', () => {
  it('visitor chats → agent closes → widget asks → visitor rates → Reports CSAT shows it', async () => {
    const agent = await createAgent(e2e.url, e2e.admin, { name: 'Leila Rated' });
    const supervisor = await createAgent(e2e.url, e2e.admin, { name: 'Omid Watch', role: 'supervisor' });

    const console_ = await e2e.openConsole(agent, SCREEN);
    await goAvailable(console_);

    const site = await e2e.newPage(SCREEN);
    await site.goto(e2e.url + '/widget-demo.html');
    await site.getByTestId('widget-launcher').click();
    await site.getByTestId('widget-name').fill('Parisa');
    await site.getByTestId('widget-start').click();
    await site.getByTestId('widget-input').fill('Where is my parcel?');
    await site.getByTestId('widget-send').click();

    await acceptOffer(console_);
    await console_.getByTestId('message').filter({ hasText: 'Where is my parcel?' }).waitFor();
    await console_.getByTestId('reply-input').fill('It arrives tomorrow.');
    await console_.getByTestId('reply-send').click();
    await site.locator('[data-testid="widget-message"][data-from="agent"]').filter({ hasText: 'arrives tomorrow' }).waitFor({ timeout: 15_000 });

    // No rating question while the chat is open.
    expect(await site.getByTestId('widget-rating').isVisible()).toBe(false);
    // No disposition codes on this hub: the close goes straight through.
    await console_.getByTestId('close-conversation').click();
    await console_.locator('.closed-banner').waitFor();

    // The widget asks; the visitor picks 4 and says why.
    const rating = site.getByTestId('widget-rating');
    await rating.waitFor({ state: 'visible', timeout: 15_000 });
    await rating.locator('[data-score="4"]').click();
    await site.getByTestId('widget-rating-comment').fill('Quick, thanks');
    await shot(site, 'widget-rating-en.png');
    await site.getByTestId('widget-rating-submit').click();
    await expect.poll(() => rating.locator('.rating-message').textContent()).toBe('Thank you for your feedback!');
    await shot(site, 'widget-rating-thanks-en.png');
    const stored = await e2e.hub.db.selectFrom('csat_responses').select(['score', 'comment']).execute();
    expect(stored).toEqual([{ score: 4, comment: 'Quick, thanks' }]);

    // The supervisor's Reports: today, by agent and by queue.
    const reports = await e2e.openConsole(supervisor, SCREEN);
    await reports.getByTestId('nav-reports').click();
    await reports.getByTestId('reports-page').waitFor();
    await reports.getByRole('button', { name: 'Today' }).click();
    await reports.getByTestId('reports-group').selectOption('agent');
    await reports.getByTestId('reports-show').click();
    const row = reports.locator(`[data-testid="reports-row"][data-id="${agent.id}"]`);
    await row.waitFor();
    // The last column is CSAT: average (count).
    await expect.poll(async () => (await row.locator('td').allTextContents()).at(-1)).toBe('4 (1)');
    expect((await row.locator('td').allTextContents()).slice(0, 2)).toEqual(['1', '1']);
    await reports.getByTestId('reports-group').selectOption('queue');
    await reports.getByTestId('reports-show').click();
    await expect.poll(async () => (await reports.getByTestId('reports-total').locator('td').allTextContents()).at(-1)).toBe('4 (1)');
    await shot(reports, 'reports-csat-en.png');
  }, 90_000);
});
