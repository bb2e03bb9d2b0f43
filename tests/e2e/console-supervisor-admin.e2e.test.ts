import { randomUUID } from 'node:crypto';
import { type Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import type { OfferDto } from '../../src/contracts/index.js';
import { saveConsoleScreenshot as shot } from '../helpers/browser.js';
import { consoleSuite } from '../helpers/console-e2e.js';
import { ADMIN, agentSocket, chatSocket, createAgent, nextEvent, type AgentSocket, type ChatSocket } from '../helpers/hub.js';

// The supervisor dashboard and the admin screens in a real browser against a
// hub with real services: live queue figures while a visitor waits and after an
// agent answers, admin forms that show the hub's own field errors, and the
// banner while the hub is away.

const e2e = consoleSuite('e2e_console_sup');
const SCREEN = { viewport: { width: 1280, height: 860 } };
const sockets: (ChatSocket | AgentSocket)[] = [];

afterEach(() => {
  for (const s of sockets.splice(0)) s.disconnect();
});

const tile = (page: Page, queue: string) => page.locator(`[data-testid="queue-tile"][data-queue-name="${queue}"]`);
const num = async (page: Page, selector: string, attr: string) => Number(await page.locator(selector).first().getAttribute(attr));

describe('supervisor dashboard', () => {
  it("shows a waiting visitor on the queue's tile, then 0 waiting and 1 answered once an agent accepts", async () => {
    const supervisor = await createAgent(e2e.url, e2e.admin, { name: 'Mina Supervisor', role: 'supervisor' });
    const agent = await createAgent(e2e.url, e2e.admin, { name: 'Ali Agent' });
    const page = await e2e.openConsole(supervisor, SCREEN);
    // A supervisor lands on the dashboard; the nav offers the conversations too, not the admin screens.
    await page.getByTestId('supervisor-dashboard').waitFor();
    expect(await page.getByTestId('nav-admin').count()).toBe(0);
    const webchat = tile(page, 'webchat');
    await webchat.waitFor();
    expect(await webchat.getByTestId('tile-waiting').getAttribute('data-value')).toBe('0');

    // A visitor writes while no agent is available: the tile shows them waiting.
    const visitor = await chatSocket(e2e.url, { name: 'Waiting Visitor' });
    sockets.push(visitor.socket);
    const ack = await visitor.socket.timeout(10_000).emitWithAck('message', { clientId: randomUUID(), body: 'Is anybody there?' });
    expect(ack.ok).toBe(true);
    await expect.poll(() => webchat.getByTestId('tile-waiting').getAttribute('data-value'), { timeout: 10_000 }).toBe('1');
    expect(await webchat.getAttribute('class')).toContain('tile-busy');

    // The longest wait ticks in the browser between pushes.
    const before = Number(await webchat.getByTestId('tile-longest').getAttribute('data-seconds'));
    await expect.poll(() => webchat.getByTestId('tile-longest').getAttribute('data-seconds').then(Number), { timeout: 5_000 }).toBeGreaterThanOrEqual(before + 2);
    await shot(page, 'supervisor-en.png');

    // An agent comes online and accepts the offer.
    const s = await agentSocket(e2e.url, agent.client);
    sockets.push(s);
    const offered = nextEvent<OfferDto>(s, 'offer', 15_000);
    const presence = await s.timeout(5_000).emitWithAck('presence:set', { status: 'available' });
    expect(presence.ok).toBe(true);
    const offer = await offered;
    const accepted = await s.timeout(5_000).emitWithAck('offer:accept', { offerId: offer.offerId });
    expect(accepted.ok).toBe(true);

    await expect.poll(() => webchat.getByTestId('tile-waiting').getAttribute('data-value'), { timeout: 10_000 }).toBe('0');
    await expect.poll(() => webchat.getByTestId('tile-answered').getAttribute('data-answered'), { timeout: 10_000 }).toBe('1');
    expect(await webchat.getByTestId('tile-answered').getAttribute('data-offered')).toBe('1');
    expect(await webchat.getByTestId('tile-longest').getAttribute('data-seconds')).toBe('0');
    // Answered within the 20 s threshold: SL 100 %, shown as meeting the target.
    expect(await webchat.getByTestId('tile-sl').getAttribute('data-state')).toBe('ok');
    expect(await webchat.getByTestId('tile-sl').textContent()).toContain('100%');

    // The agents table shows the agent available, connected, carrying the chat.
    const row = page.locator(`[data-testid="agent-row"][data-agent-id="${agent.id}"]`);
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 10_000 }).toBe('available');
    await expect.poll(() => row.textContent(), { timeout: 10_000 }).toContain('34 / 100');
    expect(await row.textContent()).toContain('Yes');

    // In Persian: mirrored, Persian digits in the figures.
    await page.getByTestId('lang-switch').click();
    await page.locator('html[dir="rtl"]').waitFor({ state: 'attached' });
    expect(await webchat.getByTestId('tile-answered').textContent()).toBe('۱ از ۱');
    expect(await webchat.getByTestId('tile-sl').textContent()).toContain('۱۰۰٪');
    expect(await row.textContent()).toContain('۳۴ / ۱۰۰');
    await shot(page, 'supervisor-fa.png');
  });
});

describe('admin screens', () => {
  it('creates a queue through the form and shows the hub’s field errors next to the fields', async () => {
    // Someone has the skills the new queue will ask for.
    await createAgent(e2e.url, e2e.admin, { name: 'Vida Vip', skills: [{ skill: 'vip', level: 5 }, { skill: 'premium', level: 3 }] });
    const page = await e2e.openConsole(ADMIN, SCREEN);
    await page.getByTestId('nav-admin').click();
    await page.getByTestId('admin-tab-queues').click();
    await page.getByTestId('queues-table').waitFor();
    await page.getByTestId('queue-new').click();
    const form = page.getByTestId('queue-form');

    // Obvious mistakes are caught before anything is sent.
    await form.getByTestId('queue-name').fill('vip-chat');
    await form.getByTestId('queue-sl-threshold').fill('0');
    await form.getByTestId('queue-requirement').fill('{"skill": "vip",');
    await form.getByTestId('queue-save').click();
    expect(await form.getByTestId('field-error-serviceLevel.thresholdSeconds').textContent()).toContain('1 to 86,400');
    expect(await form.getByTestId('field-error-requirement').textContent()).toContain('JSON');

    // A well-formed expression the hub refuses: its message and path land under the field.
    await form.getByTestId('queue-sl-threshold').fill('30');
    await form.getByTestId('queue-requirement').fill('{"all": [{"skill": "vip"}, {"skill": "Premium Support"}]}');
    await form.getByTestId('step-add').click();
    await form.getByTestId('step-after').fill('45');
    await form.getByTestId('step-lower').fill('1');
    await form.getByTestId('queue-save').click();
    const requirementError = form.getByTestId('field-error-requirement');
    await requirementError.waitFor();
    expect(await requirementError.textContent()).toContain('all.1.skill');
    expect(await requirementError.textContent()).toContain('lower-case');
    expect(await form.getByTestId('queue-requirement').getAttribute('aria-invalid')).toBe('true');
    expect(await form.getByTestId('field-error-serviceLevel.thresholdSeconds').count()).toBe(0);
    await shot(page, 'admin-queue-error-en.png');

    await form.getByTestId('queue-requirement').fill('{"all": [{"skill": "vip", "minLevel": 2}, {"skill": "premium"}]}');
    await form.getByTestId('queue-save').click();
    await page.getByTestId('admin-saved').waitFor();
    const row = page.locator('[data-testid="queue-row"][data-queue-name="vip-chat"]');
    await row.waitFor();
    expect(await row.getByTestId('queue-requirement-text').textContent()).toBe('vip ≥ 2 and premium');

    // Stored as typed.
    const { body } = await e2e.admin.json<{ queues: { name: string; requirement: unknown; serviceLevel: unknown; escalation: unknown }[] }>('GET', '/api/queues');
    const stored = body.queues.find((q) => q.name === 'vip-chat');
    expect(stored?.requirement).toEqual({ all: [{ skill: 'vip', minLevel: 2 }, { skill: 'premium' }] });
    expect(stored?.serviceLevel).toEqual({ targetFraction: 0.8, thresholdSeconds: 30 });
    expect(stored?.escalation).toEqual([{ afterSeconds: 45, lowerMinLevelBy: 1 }]);

    // A second queue with the same name: the hub's 409 is shown at the name.
    await page.getByTestId('queue-new').click();
    await form.getByTestId('queue-name').fill('vip-chat');
    await form.getByTestId('queue-save').click();
    await form.getByTestId('field-error-name').waitFor();
    expect(await form.getByTestId('field-error-name').textContent()).toContain('already exists');
    await form.getByRole('button', { name: 'Cancel' }).click();

    // Editing sends only what changed.
    await row.getByTestId('queue-edit').click();
    await form.getByTestId('queue-wrapup').fill('15');
    await form.getByTestId('queue-save').click();
    await page.getByTestId('admin-saved').waitFor();
    await expect.poll(async () => (await e2e.admin.json<{ queues: { name: string; wrapUpSeconds: number }[] }>('GET', '/api/queues')).body.queues.find((q) => q.name === 'vip-chat')?.wrapUpSeconds).toBe(15);
    await shot(page, 'admin-queues-en.png');

    // The same form in Persian, mirrored, with its help texts translated.
    await page.getByTestId('lang-switch').click();
    await page.locator('html[dir="rtl"]').waitFor({ state: 'attached' });
    await row.getByTestId('queue-edit').click();
    expect(await form.locator('legend').first().textContent()).toBe('سطح خدمت');
    await shot(page, 'admin-queue-form-fa.png');
  });

  it('creates a user with skills, edits skills and capacity, and shows the hub’s errors per skill row', async () => {
    const page = await e2e.openConsole(ADMIN, SCREEN);
    await page.goto(e2e.url + '/#/admin/users');
    await page.getByTestId('users-table').waitFor();
    await page.getByTestId('user-new').click();
    const form = page.getByTestId('user-form');
    const email = `niloofar-${randomUUID().slice(0, 6)}@test.pasokh`;
    await form.getByTestId('user-email').fill(email);
    await form.getByTestId('user-name').fill('نیلوفر Karimi');
    await form.getByTestId('user-password').fill('short');
    await form.getByTestId('user-role').selectOption('agent');
    await form.getByTestId('skill-add').click();
    await form.getByTestId('skill-add').click();
    await form.getByTestId('skill-name').nth(0).fill('billing');
    await form.getByTestId('skill-level').nth(0).fill('۷'); // Persian digits are read as numbers
    await form.getByTestId('skill-name').nth(1).fill('bad skill!');
    await form.getByTestId('user-save').click();
    // The password is checked here; the skill name only by the hub.
    expect(await form.getByTestId('field-error-password').textContent()).toContain('10');
    await form.getByTestId('user-password').fill('a-long-enough-password');
    await form.getByTestId('user-save').click();
    const skillError = form.getByTestId('field-error-skills.1.skill');
    await skillError.waitFor();
    expect(await skillError.textContent()).toContain('lower-case');
    expect(await form.getByTestId('field-error-skills.0.skill').count()).toBe(0);

    await form.getByTestId('skill-name').nth(1).fill('persian');
    await form.getByTestId('user-save').click();
    await page.getByTestId('admin-saved').waitFor();
    const row = page.locator(`[data-testid="user-row"][data-user-email="${email}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain('billing 7');

    // Edit: capacity, then skills.
    await row.getByTestId('user-edit').click();
    const panel = page.getByTestId('user-edit-panel');
    await panel.getByTestId('capacity-input').fill('0');
    await panel.getByTestId('capacity-save').click();
    expect(await panel.getByTestId('field-error-capacity').textContent()).toContain('1 to 1,000');
    await panel.getByTestId('capacity-input').fill('68');
    await panel.getByTestId('capacity-save').click();
    await expect.poll(() => row.getByTestId('user-capacity').textContent()).toBe('68');
    await panel.getByTestId('skill-add').click();
    await panel.getByTestId('skill-name').nth(2).fill('billing');
    await panel.getByTestId('skills-save').click();
    expect(await panel.getByTestId('field-error-skills.2.skill').textContent()).toContain('twice');
    await panel.getByTestId('skill-name').nth(2).fill('english');
    await panel.getByTestId('skill-level').nth(2).fill('9');
    await panel.getByTestId('skills-save').click();
    await expect.poll(() => row.textContent()).toContain('english 9');
    await shot(page, 'admin-users-en.png');

    await page.getByTestId('lang-switch').click();
    await page.locator('html[dir="rtl"]').waitFor({ state: 'attached' });
    await shot(page, 'admin-users-fa.png');
  });
});

describe('connection loss', () => {
  it('shows a banner on the console and the dashboard while the hub is away, and refreshes after it returns', async () => {
    const supervisor = await createAgent(e2e.url, e2e.admin, { name: 'Reza Watch', role: 'supervisor' });
    const page = await e2e.openConsole(supervisor, SCREEN);
    await tile(page, 'webchat').waitFor();
    const port = new URL(e2e.url).port;

    await e2e.running.stop();
    await page.getByTestId('supervisor-disconnected').waitFor({ timeout: 15_000 });
    await page.getByTestId('agent-disconnected').waitFor({ timeout: 15_000 });
    await shot(page, 'supervisor-disconnected-en.png');

    // The hub comes back on the same address; both sockets reconnect by themselves.
    await e2e.restartHub({ PORT: port });
    await page.getByTestId('supervisor-disconnected').waitFor({ state: 'detached', timeout: 20_000 });
    await page.getByTestId('agent-disconnected').waitFor({ state: 'detached', timeout: 20_000 });
    const updated = await page.getByTestId('supervisor-updated').getAttribute('data-at');
    await expect.poll(() => page.getByTestId('supervisor-updated').getAttribute('data-at'), { timeout: 10_000 }).not.toBe(updated);
    expect(await num(page, '[data-queue-name="webchat"] [data-testid="tile-answered"]', 'data-answered')).toBe(1);
    // A whole hub stop and start (dialer, voice, mail and routing included) plus two reconnects: more than the default 30 s on a loaded machine.
  }, 90_000);
});
