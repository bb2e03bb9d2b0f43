import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import type { Hub, HubOptions } from '../../src/hub.js';
import { launchChromium, screenshotFailure } from './browser.js';
import { adminClient, isolate, startHub, testConfig, type Client, type RunningHub } from './hub.js';

// The setup every browser test of the console shares: a hub on a database and
// Redis prefix of its own, Chromium, pages that are screenshotted when their
// test fails and closed after it, and signing in through the real login page.
//
// The suites register Vitest hooks when called, so call them at the top of a
// test file. Hooks a file registers after the call run after the suite's
// beforeAll (the hub, admin client and browser are up) and before its
// afterAll (Vitest's default `sequence.hooks: 'stack'`); hooks registered
// before the call wrap it, e.g. a fake Twilio started before the hub and
// stopped after it.

/** Anyone who can sign in: ADMIN, or what createAgent returns. */
export interface Credentials {
  email: string;
  password: string;
}

/** A desktop screen, unless a test asks for another (a tablet, a taller page for screenshots). */
const DESKTOP = { width: 1280, height: 800 };

/** Values that exist only once beforeAll has run; a clear error if a test reaches for one earlier. */
function ready<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`${what} is not started yet: use it inside a test or a hook`);
  return value;
}

export interface BrowserSuite {
  readonly browser: Browser;
  /** A page in a context of its own (cookies, locale), closed after the test and screenshotted if it fails. Defaults: en-GB, 1280×800. */
  newPage(options?: BrowserContextOptions): Promise<Page>;
}

/** Chromium for one test file, for files that run their own hubs (see consoleSuite for the usual case). */
export function browserSuite(): BrowserSuite {
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  const pages: Page[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail') await screenshotFailure(ctx.task.name, pages);
    // Closing the context also takes its agent offline, so offers go to the next test's agent.
    for (const c of contexts.splice(0)) await c.close().catch(() => undefined);
    pages.length = 0;
  });
  afterAll(async () => {
    await browser?.close();
  });

  return {
    get browser() {
      return ready(browser, 'the browser');
    },
    async newPage(options = {}) {
      const context = await ready(browser, 'the browser').newContext({ locale: 'en-GB', viewport: DESKTOP, ...options });
      contexts.push(context);
      const page = await context.newPage();
      pages.push(page);
      return page;
    },
  };
}

export interface ConsoleSuiteOptions {
  /** Environment over testConfig's defaults (Twilio credentials, PUBLIC_URL, …). */
  env?: Record<string, string>;
  hubOptions?: HubOptions;
}

export interface ConsoleSuite extends BrowserSuite {
  /** The hub now running (restartHub replaces it). */
  readonly running: RunningHub;
  readonly hub: Hub;
  readonly url: string;
  /** An HTTP client signed in as ADMIN. */
  readonly admin: Client;
  /** A new page on the console's login page, in the browser's language (see openConsole). */
  openLoginPage(user: Credentials, options?: BrowserContextOptions): Promise<Page>;
  /** A new page signed in to the console as `user`, its top bar showing. */
  openConsole(user: Credentials, options?: BrowserContextOptions): Promise<Page>;
  /** Starts the hub again on the same database and Redis prefix (after `running.stop()`, to test reconnecting). */
  restartHub(env?: Record<string, string>): Promise<RunningHub>;
}

/** A hub of its own, an admin client and Chromium for one test file; `label` names its database. */
export function consoleSuite(label: string, options: ConsoleSuiteOptions = {}): ConsoleSuite {
  const iso = isolate(label);
  let running: RunningHub | undefined;
  let admin: Client | undefined;

  beforeAll(async () => {
    running = await startHub(testConfig(iso, options.env), options.hubOptions);
    admin = await adminClient(running.url);
  });
  // Registered after the hub's hooks: the browser closes before the hub stops.
  const browser = browserSuite();
  afterAll(async () => {
    await running?.stop();
    await iso.cleanup();
  });

  async function openLoginPage(user: Credentials, contextOptions: BrowserContextOptions = {}): Promise<Page> {
    const current = ready(running, 'the hub');
    const page = await browser.newPage(contextOptions);
    // The hub keeps each user's chosen language: a test that switched to Persian would otherwise
    // hand it on to the next one that signs in as the same user. Each starts from the browser's.
    await current.hub.db.updateTable('users').set({ language: null }).where('email', '=', user.email.toLowerCase()).execute();
    await page.goto(current.url + '/');
    return page;
  }

  return {
    get browser() {
      return browser.browser;
    },
    newPage: (contextOptions) => browser.newPage(contextOptions),
    get running() {
      return ready(running, 'the hub');
    },
    get hub() {
      return ready(running, 'the hub').hub;
    },
    get url() {
      return ready(running, 'the hub').url;
    },
    get admin() {
      return ready(admin, 'the admin client');
    },
    openLoginPage,
    async openConsole(user, contextOptions) {
      const page = await openLoginPage(user, contextOptions);
      await signIn(page, user);
      return page;
    },
    async restartHub(env = {}) {
      await running?.stop();
      running = await startHub(testConfig(iso, { ...options.env, ...env }), options.hubOptions);
      return running;
    },
  };
}

/** Fills the login form on `page` and waits for the console's top bar. */
export async function signIn(page: Page, user: Credentials): Promise<void> {
  await page.getByTestId('login-email').fill(user.email);
  await page.getByTestId('login-password').fill(user.password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('presence-select').waitFor();
}

/** Waits for the agent socket, then sets the agent available, so the next offer comes to this page. */
export async function goAvailable(page: Page): Promise<void> {
  await expect.poll(() => page.getByTestId('connection-state').getAttribute('class')).toContain('connection-connected');
  await page.getByTestId('presence-select').selectOption('available');
  await expect.poll(() => page.getByTestId('presence-select').inputValue()).toBe('available');
}

/** Accepts the next offer that pops up on `page`. */
export async function acceptOffer(page: Page, timeout = 15_000): Promise<void> {
  const popup = page.getByTestId('offer-popup');
  await popup.waitFor({ state: 'visible', timeout });
  await page.getByTestId('offer-accept').click();
  await popup.waitFor({ state: 'hidden' });
}
