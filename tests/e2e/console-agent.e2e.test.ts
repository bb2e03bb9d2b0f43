import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { saveScreenshot } from '../helpers/browser.js';
import { acceptOffer, consoleSuite, goAvailable, signIn } from '../helpers/console-e2e.js';
import { chatSocket, createAgent, type ChatSocket } from '../helpers/hub.js';

// The agent console in a real browser against a hub with real services:
// Persian (RTL, Jalali dates, Persian digits), chat text that tries to run
// script, and an expired session that must not cost the agent a typed draft.

const e2e = consoleSuite('e2e_console_agent');
const visitors: ChatSocket[] = [];

afterEach(() => {
  for (const v of visitors.splice(0)) v.disconnect();
});

/** A web-chat visitor who writes `bodies`; resolves once the hub acknowledged each one. */
async function visitorWrites(name: string, bodies: string[]): Promise<void> {
  const v = await chatSocket(e2e.url, { name });
  visitors.push(v.socket);
  for (const body of bodies) {
    const ack = await v.socket.timeout(10_000).emitWithAck('message', { clientId: randomUUID(), body });
    expect(ack.ok).toBe(true);
  }
}

describe('agent console', () => {
  it('renders Persian right to left, with Jalali dates and Persian digits', async () => {
    const agent = await createAgent(e2e.url, e2e.admin, { name: 'سارا رضایی' });
    // The browser's language decides until the user picks one.
    const page = await e2e.openLoginPage(agent, { locale: 'fa-IR' });
    await page.locator('html[dir="rtl"][lang="fa"]').waitFor({ state: 'attached' });
    expect(await page.getByTestId('login-submit').textContent()).toBe('ورود');
    await signIn(page, agent);
    await goAvailable(page);

    await visitorWrites('پریسا', ['سلام! سفارش شماره 1024 من کی می‌رسد؟']);
    await acceptOffer(page);
    const message = page.getByTestId('message').filter({ hasText: 'سفارش شماره 1024' });
    await message.waitFor();
    await page.getByTestId('reply-input').fill('سلام پریسا، سفارش شما امروز ارسال می‌شود. Tracking: PX-1024');
    await page.getByTestId('reply-send').click();
    await page.locator('[data-testid="message"][data-from="agent"]').filter({ hasText: 'PX-1024' }).waitFor();

    // Still RTL after signing in; mixed-direction text gets dir=auto.
    expect(await page.locator('html').getAttribute('dir')).toBe('rtl');
    expect(await message.getAttribute('dir')).toBe('auto');
    // The day above the messages is a Jalali date in Persian digits: 2026-11-23 is 2 Azar 1405.
    const divider = (await page.getByTestId('day-divider').first().textContent()) ?? '';
    expect(divider).toContain('۱۴۰۵');
    expect(divider).toContain('آذر');
    // Each message's full time (tooltip) is Jalali too, and no Latin digit slips into it.
    const title = (await message.locator('xpath=..').locator('time').getAttribute('title')) ?? '';
    expect(title).toMatch(/۱۴۰۵/);
    expect(title).not.toMatch(/[0-9]/);
    // The conversation header names the start date the same way.
    expect(await page.locator('.conversation-sub').textContent()).toContain('۱۴۰۵');
    // The reply box sits below the messages and the sidebar is on the right (mirrored layout).
    const sidebar = await page.locator('.sidebar').boundingBox();
    const main = await page.locator('.workspace-main').boundingBox();
    expect(sidebar && main && sidebar.x > main.x).toBe(true);
    await saveScreenshot(page, 'console-fa.png');

    // Switching to English mirrors back and uses the Gregorian calendar.
    await page.getByTestId('lang-switch').click();
    await page.locator('html[dir="ltr"][lang="en"]').waitFor({ state: 'attached' });
    expect(await page.getByTestId('day-divider').first().textContent()).toContain('2026');
    await saveScreenshot(page, 'console-en.png');
  });

  it('shows script-like chat text as inert text', async () => {
    const agent = await createAgent(e2e.url, e2e.admin, { name: 'Xavier Safe' });
    const page = await e2e.openConsole(agent);
    await goAvailable(page);

    const img = '<img src=x onerror="window.__xss=1">';
    const script = '<script>window.__xss=2</script>';
    await visitorWrites('<img src=y onerror="window.__xss=3">', [img, script]);
    // The offer pop-up shows the customer's words (whichever message it caught) as text as well.
    await page.getByTestId('offer-popup').waitFor({ state: 'visible', timeout: 15_000 });
    expect([img, script]).toContain(await page.getByTestId('offer-preview').textContent());
    expect(await page.getByTestId('offer-customer').textContent()).toBe('<img src=y onerror="window.__xss=3">');
    await page.getByTestId('offer-accept').click();

    const bubbles = page.locator('[data-testid="message"][data-from="customer"]');
    await bubbles.filter({ hasText: 'window.__xss=2' }).waitFor();
    expect(await bubbles.allTextContents()).toEqual([img, script]);
    expect(await page.getByTestId('message').filter({ hasText: img }).isVisible()).toBe(true);
    // Nothing was parsed as markup, nothing ran.
    expect(await page.locator('.messages img, .messages script, .conversation-item img').count()).toBe(0);
    expect(await page.evaluate('typeof window.__xss')).toBe('undefined');
    expect(await page.locator('#conversation-title').textContent()).toBe('<img src=y onerror="window.__xss=3">');
  });

  it('returns to the login page when the session expires, keeping the typed draft', async () => {
    const agent = await createAgent(e2e.url, e2e.admin, { name: 'Dana Draft' });
    const page = await e2e.openConsole(agent);
    await goAvailable(page);
    await visitorWrites('Omid', ['Hello, I need to change my address.']);
    await acceptOffer(page);
    await page.getByTestId('message').filter({ hasText: 'change my address' }).waitFor();

    const draft = 'Of course, Omid. Which address should we use from now on';
    await page.getByTestId('reply-input').fill(draft);

    // The session ends on the hub (as when it expires or an admin revokes it).
    const cookie = (await page.context().cookies()).find((c) => c.name === 'pasokh_sid');
    expect(cookie).toBeDefined();
    const res = await fetch(e2e.url + '/api/auth/logout', { method: 'POST', headers: { cookie: `pasokh_sid=${cookie!.value}` } });
    expect(res.status).toBe(204);

    // The agent's next action gets a 401: back to the login page, which says why.
    await page.getByTestId('reply-send').click();
    await page.getByTestId('login-expired').waitFor();
    expect(await page.getByTestId('login-expired').textContent()).toContain('kept');

    // Signing in again reopens the conversation with the draft in the reply box.
    await signIn(page, agent);
    await expect.poll(() => page.getByTestId('reply-input').inputValue(), { timeout: 10_000 }).toBe(draft);
    // It survives a reload as well, and it is sent only when the agent sends it.
    await page.reload();
    await expect.poll(() => page.getByTestId('reply-input').inputValue(), { timeout: 10_000 }).toBe(draft);
    expect(await page.locator('[data-testid="message"][data-from="agent"]').count()).toBe(0);
    await page.getByTestId('reply-send').click();
    await page.locator('[data-testid="message"][data-from="agent"]').filter({ hasText: 'Which address' }).waitFor();
    await expect.poll(() => page.getByTestId('reply-input').inputValue()).toBe('');
  });
});
