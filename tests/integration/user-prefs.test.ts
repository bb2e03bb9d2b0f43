import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminClient, Client, createAgent, isolate, startHub, testConfig, type RunningHub } from '../helpers/hub.js';

const iso = isolate('user_prefs');
let running: RunningHub;

beforeAll(async () => {
  running = await startHub(testConfig(iso));
});

afterAll(async () => {
  await running?.stop();
  await iso.cleanup();
});

describe('per-user console language', () => {
  it('is unset until chosen, then stored and returned with the current user and at the next login', async () => {
    const admin = await adminClient(running.url);
    const agent = await createAgent(running.url, admin, { name: 'Lang Agent' });

    const before = await agent.client.json<{ user: { language: string | null } }>('GET', '/api/auth/me');
    expect(before.body.user.language).toBeNull();

    const set = await agent.client.json<{ user: { id: string; language: string | null } }>('PUT', '/api/auth/me/preferences', { language: 'fa' });
    expect(set.status).toBe(200);
    expect(set.body.user).toMatchObject({ id: agent.id, language: 'fa' });
    expect((await agent.client.json<{ user: { language: string } }>('GET', '/api/auth/me')).body.user.language).toBe('fa');

    // Another browser: the choice follows the user.
    const elsewhere = new Client(running.url);
    const login = await elsewhere.login(agent.email, agent.password);
    expect(((await login.json()) as { user: { language: string } }).user.language).toBe('fa');

    // Another user's choice is their own.
    expect((await admin.json<{ user: { language: string | null } }>('GET', '/api/auth/me')).body.user.language).toBeNull();

    // null: back to the browser's language.
    const cleared = await agent.client.json<{ user: { language: string | null } }>('PUT', '/api/auth/me/preferences', { language: null });
    expect(cleared.body.user.language).toBeNull();
  });

  it('rejects a language we do not have, naming the field, and keeps the stored one', async () => {
    const admin = await adminClient(running.url);
    const agent = await createAgent(running.url, admin);
    await agent.client.json('PUT', '/api/auth/me/preferences', { language: 'en' });
    const bad = await agent.client.json<{ error: { code: string; message: string } }>('PUT', '/api/auth/me/preferences', { language: 'de' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('body.language');
    const unknownField = await agent.client.json('PUT', '/api/auth/me/preferences', { language: 'fa', theme: 'dark' });
    expect(unknownField.status).toBe(400);
    expect((await agent.client.json<{ user: { language: string } }>('GET', '/api/auth/me')).body.user.language).toBe('en');
    // Signed out: no preferences to change.
    expect((await new Client(running.url).json('PUT', '/api/auth/me/preferences', { language: 'fa' })).status).toBe(401);
  });
});
