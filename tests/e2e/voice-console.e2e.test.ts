import { type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveScreenshot } from '../helpers/browser.js';
import { browserSuite, signIn } from '../helpers/console-e2e.js';
import { adminClient, createAgent, isolate, startHub, testConfig, type Client, type RunningHub } from '../helpers/hub.js';

// The console's phone in a real browser against real hubs: one without Twilio
// credentials (the phone says what to set, once, and the agent can choose to
// be rung on a phone number instead), and one with them, where the real
// @twilio/voice-sdk loads and, with Twilio out of reach on this closed
// network, reports a connection problem the agent can read.

const bare = isolate('e2e_voice_bare');
const configured = isolate('e2e_voice_cfg');
let noVoice: RunningHub;
let withVoice: RunningHub;
// Two hubs, so not consoleSuite: the browser and its pages only.
const browser = browserSuite();

beforeAll(async () => {
  noVoice = await startHub(testConfig(bare));
  withVoice = await startHub(
    testConfig(configured, {
      TWILIO_ACCOUNT_SID: `AC${'3'.repeat(32)}`,
      TWILIO_AUTH_TOKEN: 'auth-token-for-tests',
      TWILIO_API_KEY: `SK${'1'.repeat(32)}`,
      TWILIO_API_SECRET: 'api-secret-for-tests',
      TWILIO_TWIML_APP_SID: `AP${'2'.repeat(32)}`,
    }),
  );
});

afterAll(async () => {
  await noVoice?.stop();
  await withVoice?.stop();
  await bare.cleanup();
  await configured.cleanup();
});

async function signedIn(hub: RunningHub, admin: Client, name: string, locale: string): Promise<{ page: Page; tokenRequests: () => number; agentId: string }> {
  const agent = await createAgent(hub.url, admin, { name });
  const page = await browser.newPage({ locale });
  let tokens = 0;
  page.on('request', (r) => {
    if (new URL(r.url()).pathname === '/api/voice/token') tokens += 1;
  });
  await page.goto(hub.url + '/');
  await signIn(page, agent);
  return { page, tokenRequests: () => tokens, agentId: agent.id };
}

describe('the console phone in a browser', () => {
  it('without voice credentials: "not configured" in Persian with what to set, asked once; the agent chooses a phone number', async () => {
    const admin = await adminClient(noVoice.url);
    const { page, tokenRequests, agentId } = await signedIn(noVoice, admin, 'نگار', 'fa-IR');
    await expect.poll(() => page.getByTestId('phone-status').textContent()).toBe('تلفن پیکربندی نشده');
    const note = (await page.getByTestId('phone-not-configured').textContent()) ?? '';
    expect(note).toContain('تماس از مرورگر روی این سامانه راه‌اندازی نشده است');
    expect(note).toContain('TWILIO_API_KEY');
    expect(note).toContain('TWILIO_TWIML_APP_SID');
    await saveScreenshot(page, 'voice-not-configured-fa.png');

    // Phone settings: a number that is not E.164 is refused with the hub's reason, nothing saved.
    await page.getByTestId('phone-settings-toggle').click();
    await page.getByTestId('device-phone').check();
    await page.getByTestId('device-number').fill('09121234567');
    await page.getByTestId('device-save').click();
    await expect.poll(() => page.locator('.phone-settings [role="alert"]').textContent()).toContain('phoneNumber must be a phone number in E.164 form');
    expect(await noVoice.hub.db.selectFrom('voice_agent_settings').selectAll().where('user_id', '=', agentId).executeTakeFirst()).toBeUndefined();

    await page.getByTestId('device-number').fill('+989121234567');
    await page.getByTestId('device-save').click();
    await expect.poll(() => page.getByTestId('phone-status').textContent()).toBe('تماس‌ها روی گوشی شما زنگ می‌خورند');
    const saved = await noVoice.hub.db.selectFrom('voice_agent_settings').select(['device', 'phone_number']).where('user_id', '=', agentId).executeTakeFirstOrThrow();
    expect(saved).toEqual({ device: 'phone', phone_number: '+989121234567' });
    await saveScreenshot(page, 'voice-phone-settings-fa.png');
    // The 503 was taken as an answer: the token was asked for once, not in a loop.
    expect(tokenRequests()).toBe(1);
  });

  it('with credentials the real Twilio SDK loads and registers; Twilio out of reach is shown as a network problem', async () => {
    const admin = await adminClient(withVoice.url);
    const { page, tokenRequests } = await signedIn(withVoice, admin, 'Leila Browser', 'en-GB');
    await expect.poll(() => tokenRequests()).toBe(1);
    const error = page.getByTestId('phone-error');
    await error.waitFor({ state: 'visible', timeout: 25_000 });
    expect(await error.getAttribute('data-kind')).toBe('network');
    expect(await error.textContent()).toContain('The phone lost its connection to Twilio');
    await saveScreenshot(page, 'voice-network-error-en.png');
  });
});
