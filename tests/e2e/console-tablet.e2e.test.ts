import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCREENSHOTS } from '../helpers/browser.js';
import { consoleSuite } from '../helpers/console-e2e.js';
import type { OfferDto } from '../../src/contracts/index.js';
import { agentSocket, chatSocket, createAgent, nextEvent, type AgentSocket, type ChatSocket, type Client } from '../helpers/hub.js';

// The console on a tablet, held upright (768×1024) and sideways (1024×768), in
// English and in Persian (mirrored): no screen may scroll the page sideways,
// the conversation, its customer history and the customer profile stay usable,
// and the main actions are big enough to hit with a finger.

const SIZES = [
  { name: 'portrait', width: 768, height: 1024 },
  { name: 'landscape', width: 1024, height: 768 },
] as const;
const LOCALES = [
  { lang: 'en', locale: 'en-GB' },
  { lang: 'fa', locale: 'fa-IR' },
] as const;
/** WCAG 2.5.5 asks for 44 px; 40 px is what the console promises for its main actions. */
const MIN_TOUCH = 40;

const e2e = consoleSuite('e2e_console_tablet');
let user: { id: string; email: string; password: string; client: Client };
let visitor: ChatSocket;
let agent: AgentSocket;
let conversationId: string;

beforeAll(async () => {
  const admin = e2e.admin;
  // A number whose IVR checks business hours, so the hours screen has a calendar to open.
  const flow = {
    start: 'hours',
    calendars: { office: { timezone: 'Asia/Tehran', weekly: { sat: ['08:00-13:00', '14:00-17:00'], sun: ['08:00-17:00'] }, holidays: ['12-25'], jalaliHolidays: ['01-01', '1404-01-13'] } },
    nodes: { hours: { type: 'hours', calendar: 'office', open: 'queue', closed: 'bye' }, queue: { type: 'queue', queue: 'voice' }, bye: { type: 'hangup', prompt: 'We are closed.' } },
  };
  expect((await admin.json('PUT', '/api/voice/flows/+15005550006', flow)).status).toBe(200);
  // An administrator who also answers chats sees every screen the console has.
  user = await createAgent(e2e.url, admin, { name: 'Tara Tablet-Sanjari', role: 'admin' });

  // A customer with an earlier, closed conversation and an open one assigned to Tara.
  const chat = await chatSocket(e2e.url, { name: 'Kourosh Bahrami-Nejad', email: 'kourosh.bahrami@example.com' });
  visitor = chat.socket;
  agent = await agentSocket(e2e.url, user.client);
  expect((await agent.timeout(5_000).emitWithAck('presence:set', { status: 'available' })).ok).toBe(true);
  const first = await takeNextChat(chat.socket, 'My order #48213 arrived with a broken lid, what can I do about it?');
  expect((await user.client.json('POST', `/api/conversations/${first}/close`)).status).toBe(200);
  conversationId = await takeNextChat(chat.socket, 'سلام، سفارش دوم من هم هنوز نرسیده است. لطفاً بررسی کنید.');
});

afterAll(() => {
  visitor?.disconnect();
  agent?.disconnect();
});

/** The visitor writes; Tara accepts the offer (over her own socket, before any browser opens). */
async function takeNextChat(socket: ChatSocket, body: string): Promise<string> {
  const offered = nextEvent<OfferDto>(agent, 'offer', 15_000);
  const ack = await socket.timeout(10_000).emitWithAck('message', { clientId: randomUUID(), body });
  expect(ack.ok).toBe(true);
  const offer = await offered;
  expect((await agent.timeout(5_000).emitWithAck('offer:accept', { offerId: offer.offerId })).ok).toBe(true);
  return offer.conversationId;
}

async function open(size: (typeof SIZES)[number], locale: (typeof LOCALES)[number]): Promise<Page> {
  const page = await e2e.openConsole(user, { locale: locale.locale, viewport: { width: size.width, height: size.height }, hasTouch: true });
  expect(await page.evaluate('document.documentElement.dir')).toBe(locale.lang === 'fa' ? 'rtl' : 'ltr');
  return page;
}

interface Overflow {
  /** How far the page scrolls sideways, in CSS pixels. */
  page: number;
  /** Visible elements sticking out of the viewport sideways (tag.class, with their edges). */
  offenders: string[];
}

/** Sideways overflow of the document, and which elements cause it. A string, not a function: the tests compile without the DOM library. */
function overflow(page: Page): Promise<Overflow> {
  return page.evaluate(`(() => {
    const root = document.documentElement;
    const width = root.clientWidth;
    const offenders = [];
    for (const el of document.querySelectorAll('body *')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      // Inside a scroller of its own (tables, the timeline) is fine: only the page must not scroll.
      // An absolutely positioned element escapes every scroller below its containing block, though.
      let from = el.parentElement;
      if (getComputedStyle(el).position === 'absolute') {
        while (from && from !== document.body && getComputedStyle(from).position === 'static') from = from.parentElement;
      }
      let clipped = false;
      for (let p = from; p && p !== document.body; p = p.parentElement) {
        if (getComputedStyle(p).overflowX !== 'visible') { clipped = true; break; }
      }
      if (clipped) continue;
      if (r.right > width + 1 || r.left < -1) offenders.push(el.tagName.toLowerCase() + '.' + String(el.className).split(' ').join('.') + ' [' + Math.round(r.left) + '..' + Math.round(r.right) + ']');
    }
    return { page: Math.max(root.scrollWidth, document.body.scrollWidth) - width, offenders: offenders.slice(0, 10) };
  })()`);
}

async function expectNoSidewaysScroll(page: Page, where: string): Promise<void> {
  const o = await overflow(page);
  expect({ where, ...o }).toEqual({ where, page: 0, offenders: [] });
}

/** Height and width of each element matched, for the touch-target check. */
async function sizes(page: Page, selector: string): Promise<{ name: string; width: number; height: number }[]> {
  return page.locator(selector).evaluateAll((els) =>
    els
      .filter((e) => e.getClientRects().length > 0)
      .map((e) => {
        const r = e.getBoundingClientRect();
        return { name: (e.getAttribute('data-testid') ?? e.textContent ?? '').trim().slice(0, 30), width: Math.round(r.width), height: Math.round(r.height) };
      }),
  );
}

async function expectTouchable(page: Page, selector: string): Promise<void> {
  const found = await sizes(page, selector);
  expect(found.length, `${selector} on screen`).toBeGreaterThan(0);
  for (const s of found) expect(s, `${selector} "${s.name}" is at least ${MIN_TOUCH} px high`).toMatchObject({ height: expect.toSatisfy((h: number) => h >= MIN_TOUCH) });
}

describe('console on a tablet', () => {
  for (const size of SIZES) {
    for (const locale of LOCALES) {
      it(`${size.name} ${size.width}×${size.height}, ${locale.lang}: no sideways scroll; conversation, history and customer panels usable`, async () => {
        const page = await open(size, locale);
        const shot = (screen: string) => page.screenshot({ path: path.join(SCREENSHOTS, `tablet-${size.name}-${locale.lang}-${screen}.png`) });

        // Inbox and the open conversation, with the customer's earlier conversation above it.
        await page.getByTestId('nav-conversations').click();
        await page.locator(`[data-testid="conversation-item"][data-conversation-id="${conversationId}"] button`).first().click();
        await page.getByTestId('message').first().waitFor();
        await page.getByTestId('customer-history').getByTestId('history-message').first().waitFor();
        await expectNoSidewaysScroll(page, 'conversation');
        for (const [panel, minWidth] of [
          ['conversation-list', 180],
          ['reply-input', 300],
          ['close-conversation', 0],
          ['reply-send', 0],
        ] as const) {
          const box = await page.getByTestId(panel).first().boundingBox();
          expect(box, `${panel} is laid out`).not.toBeNull();
          expect(box!.x, `${panel} starts on screen`).toBeGreaterThanOrEqual(0);
          expect(box!.x + box!.width, `${panel} ends on screen`).toBeLessThanOrEqual(size.width + 1);
          expect(box!.y + box!.height, `${panel} is above the bottom of the screen`).toBeLessThanOrEqual(size.height + 1);
          expect(box!.width, `${panel} is wide enough to use`).toBeGreaterThanOrEqual(minWidth);
        }
        // The reply box can be typed into and its send button reached.
        await page.getByTestId('reply-input').fill('Checking it now');
        await expectTouchable(page, '[data-testid="reply-send"], [data-testid="close-conversation"], [data-testid="presence-select"], .main-nav .nav-link, [data-testid="lang-switch"], [data-testid="logout"], [data-testid="conversation-item"] button');
        await shot('conversation');

        // The customer profile: search beside the profile, or above it when narrow.
        await page.getByTestId('open-customer').click();
        await page.getByTestId('customer-panel').waitFor();
        await page.getByTestId('customer-timeline').getByTestId('history-message').first().waitFor();
        await expectNoSidewaysScroll(page, 'customer');
        const panel = await page.getByTestId('customer-panel').boundingBox();
        expect(panel!.width, 'customer panel is wide enough to read').toBeGreaterThan(300);
        await shot('customer');

        for (const view of ['supervisor', 'reports', 'campaigns', 'admin'] as const) {
          await page.getByTestId(`nav-${view}`).click();
          await page.locator('.page').first().waitFor();
          await expectNoSidewaysScroll(page, view);
        }
        for (const tab of ['users', 'queues', 'canned'] as const) {
          await page.getByTestId(`admin-tab-${tab}`).click();
          await page.locator(`[data-testid="admin-tab-${tab}"][aria-current="page"]`).waitFor();
          await expectNoSidewaysScroll(page, `admin/${tab}`);
        }
        // Business hours with a calendar open: the week, holidays and the adders fit too.
        await page.getByTestId('admin-tab-hours').click();
        await page.getByTestId('hours-row').getByTestId('hours-edit').click();
        await page.getByTestId('hours-form').waitFor();
        await expectNoSidewaysScroll(page, 'admin/hours');
        await expectTouchable(page, '[data-testid="hours-save"], [data-testid="hours-add-interval"], [data-testid="hours-holiday-add"]');
        await shot('admin-hours');
      }, 120_000);
    }
  }
});
