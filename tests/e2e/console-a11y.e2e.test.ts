import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OfferDto } from '../../src/contracts/index.js';
import { consoleSuite, signIn } from '../helpers/console-e2e.js';
import { agentSocket, chatSocket, createAgent, nextEvent, type AgentSocket, type ChatSocket, type Client } from '../helpers/hub.js';

// The console's main screens checked by axe-core in a real browser, in English
// and in Persian (right to left): no critical or serious violation on the
// login page, an open conversation, a customer's profile, the supervisor
// dashboard, reports and every admin tab. axe's default rules run (WCAG 2.x A
// and AA, and its best practices); none is switched off.

const LOCALES = [
  { lang: 'en', locale: 'en-GB' },
  { lang: 'fa', locale: 'fa-IR' },
] as const;

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

const e2e = consoleSuite('e2e_console_a11y');
let user: { id: string; email: string; password: string; client: Client };
let visitor: ChatSocket;
let agent: AgentSocket;
let conversationId: string;

beforeAll(async () => {
  const admin = e2e.admin;
  // An administrator who also answers chats reaches every screen.
  user = await createAgent(e2e.url, admin, { name: 'Dorsa Dastresi', role: 'admin' });
  expect((await admin.json('POST', '/api/dispositions', { code: 'resolved', labelEn: 'Resolved', labelFa: 'حل شد', active: true })).status).toBe(201);
  // A number whose IVR checks business hours, so the hours tab has a calendar to open.
  const flow = {
    start: 'hours',
    calendars: { office: { timezone: 'Asia/Tehran', weekly: { sat: ['08:00-17:00'], sun: ['08:00-17:00'] }, jalaliHolidays: ['01-01'] } },
    nodes: { hours: { type: 'hours', calendar: 'office', open: 'queue', closed: 'bye' }, queue: { type: 'queue', queue: 'voice' }, bye: { type: 'hangup', prompt: 'We are closed.' } },
  };
  expect((await admin.json('PUT', '/api/voice/flows/+15005550006', flow)).status).toBe(200);
  expect((await admin.json('POST', '/api/canned-responses', { title: 'Greeting', shortcut: 'hi', body: 'Hello {{customer.name}}', language: 'en', queueId: null, channel: null })).status).toBe(201);

  // A customer with an earlier, closed conversation and an open one assigned to Dorsa.
  const chat = await chatSocket(e2e.url, { name: 'Mahsa Karimi', email: 'mahsa@example.com' });
  visitor = chat.socket;
  agent = await agentSocket(e2e.url, user.client);
  expect((await agent.timeout(5_000).emitWithAck('presence:set', { status: 'available' })).ok).toBe(true);
  const first = await takeNextChat('My order #48213 arrived broken.');
  expect((await user.client.json('POST', `/api/conversations/${first}/close`, { dispositionCode: 'resolved' })).status).toBe(200);
  conversationId = await takeNextChat('سلام، سفارش دوم من هنوز نرسیده است.');
  // Away: no further offer pops up over the screens being checked.
  expect((await agent.timeout(5_000).emitWithAck('presence:set', { status: 'away' })).ok).toBe(true);
});

afterAll(() => {
  visitor?.disconnect();
  agent?.disconnect();
});

/** The visitor writes; Dorsa accepts over her own socket, before any browser opens. */
async function takeNextChat(body: string): Promise<string> {
  const offered = nextEvent<OfferDto>(agent, 'offer', 15_000);
  const ack = await visitor.timeout(10_000).emitWithAck('message', { clientId: randomUUID(), body });
  expect(ack.ok).toBe(true);
  const offer = await offered;
  expect((await agent.timeout(5_000).emitWithAck('offer:accept', { offerId: offer.offerId })).ok).toBe(true);
  return offer.conversationId;
}

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  /** Each failing element: its selector and what axe found wrong with it (e.g. the contrast ratio). */
  nodes: { target: string; why: string }[];
}

/**
 * Runs axe over the whole document and returns the critical and serious
 * violations. Injected through the DevTools protocol (page.evaluate), which the
 * console's Content-Security-Policy does not apply to. A string, not a
 * function: the tests compile without the DOM library.
 */
async function seriousViolations(page: Page): Promise<Violation[]> {
  if (!(await page.evaluate('typeof window.axe !== "undefined"'))) await page.evaluate(AXE_SOURCE);
  return page.evaluate(`(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations
      .filter((v) => v.impact === 'critical' || v.impact === 'serious')
      .map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.map((n) => ({ target: n.target.join(' '), why: [...n.any, ...n.all, ...n.none].map((c) => c.message).join('; ') })),
      }));
  })()`);
}

async function expectAccessible(page: Page, screen: string): Promise<void> {
  const found = await seriousViolations(page);
  // One line per element, so the failure names each rule and where it failed.
  const lines = found.flatMap((v) => v.nodes.map((n) => `${screen}: ${v.id} (${v.impact}) at ${n.target} — ${v.help}: ${n.why}`));
  // Soft: the other screens are still checked, so one run lists everything to fix.
  expect.soft(lines, `axe found critical or serious violations on ${screen}`).toEqual([]);
}

describe('console accessibility (axe-core)', () => {
  for (const locale of LOCALES) {
    it(`${locale.lang}: login, conversation, customer, supervisor, reports and admin screens have no critical or serious violations`, async () => {
      const page = await e2e.openLoginPage(user, { locale: locale.locale });
      const dir = locale.lang === 'fa' ? 'rtl' : 'ltr';
      await page.locator(`html[lang="${locale.lang}"][dir="${dir}"]`).waitFor({ state: 'attached' });

      await page.getByTestId('login-submit').waitFor();
      await expectAccessible(page, 'login');
      // A failed sign-in shows its error in the form.
      await page.getByTestId('login-email').fill(user.email);
      await page.getByTestId('login-password').fill('not-the-password');
      await page.getByTestId('login-submit').click();
      await page.getByTestId('login-error').waitFor();
      await expectAccessible(page, 'login (failed)');

      await signIn(page, user);
      await expect.poll(() => page.getByTestId('connection-state').getAttribute('class')).toContain('connection-connected');

      await page.getByTestId('nav-conversations').click();
      await page.locator(`[data-testid="conversation-item"][data-conversation-id="${conversationId}"] button`).click();
      await page.getByTestId('message').first().waitFor();
      await page.getByTestId('customer-history').getByTestId('history-message').first().waitFor();
      await expectAccessible(page, 'conversation');
      // The wrap-up dialog the close asks for (a disposition code exists).
      await page.getByTestId('close-conversation').click();
      await page.getByTestId('wrapup-dialog').waitFor();
      await expectAccessible(page, 'wrap-up dialog');
      await page.keyboard.press('Escape');
      await page.getByTestId('wrapup-dialog').waitFor({ state: 'detached' });

      await page.getByTestId('open-customer').click();
      await page.getByTestId('customer-panel').waitFor();
      await page.getByTestId('customer-timeline').getByTestId('history-message').first().waitFor();
      await expectAccessible(page, 'customer');

      await page.getByTestId('nav-supervisor').click();
      await page.getByTestId('queue-tile').first().waitFor();
      await page.getByTestId('agent-row').first().waitFor();
      await expectAccessible(page, 'supervisor');

      await page.getByTestId('nav-reports').click();
      await page.getByTestId('reports-table').waitFor();
      await expectAccessible(page, 'reports');

      await page.getByTestId('nav-admin').click();
      await page.getByTestId('user-row').first().waitFor();
      await expectAccessible(page, 'admin/users');
      for (const [tab, row] of [
        ['queues', 'queue-row'],
        ['canned', 'canned-row'],
        ['dispositions', 'disp-row'],
        ['hours', 'hours-row'],
      ] as const) {
        await page.getByTestId(`admin-tab-${tab}`).click();
        await page.locator(`[data-testid="admin-tab-${tab}"][aria-current="page"]`).waitFor();
        await page.getByTestId(row).first().waitFor();
        await expectAccessible(page, `admin/${tab}`);
      }
      // The forms behind the lists: a new user, a queue, a calendar.
      await page.getByTestId('admin-tab-hours').click();
      await page.getByTestId('hours-row').getByTestId('hours-edit').click();
      await page.getByTestId('hours-form').waitFor();
      await expectAccessible(page, 'admin/hours form');
      await page.getByTestId('admin-tab-queues').click();
      await page.getByTestId('queue-row').first().getByTestId('queue-edit').click();
      await page.locator('form').first().waitFor();
      await expectAccessible(page, 'admin/queues form');
      await page.getByTestId('admin-tab-users').click();
      await page.getByTestId('user-new').click();
      await page.getByTestId('user-form').waitFor();
      await expectAccessible(page, 'admin/users form');
    }, 120_000);
  }
});
