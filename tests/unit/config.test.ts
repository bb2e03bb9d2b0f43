import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

/** Runs loadConfig and returns the ConfigError it throws (fails the test when it does not throw one). */
function configErrorOf(source: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(source);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(source)}`);
}

describe('loadConfig: defaults', () => {
  it('an empty environment gives the documented defaults', () => {
    const c = loadConfig({});
    expect(c.port).toBe(3000);
    expect(c.databaseUrl).toBe('postgres://postgres@127.0.0.1:5432/pasokh');
    expect(c.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(c.offerTimeoutMs).toBe(20_000);
    expect(c.publicUrl).toBe('http://localhost:3000');
    expect(c.env).toBe('development');
    // No admin is bootstrapped and no secret is invented at config time.
    expect(c.admin).toBeUndefined();
    expect(c.secretKey).toBeUndefined();
  });

  it('reads the documented variables and converts seconds to milliseconds', () => {
    const c = loadConfig({
      PORT: '8080',
      DATABASE_URL: 'postgresql://app@db.internal:5432/cc',
      REDIS_URL: 'rediss://cache.internal:6380',
      OFFER_TIMEOUT_SECONDS: '45',
      PUBLIC_URL: 'https://cc.example.com/',
      ADMIN_EMAIL: 'Boss@Example.com',
      ADMIN_PASSWORD: 'long-enough-password',
      SECRET_KEY: 'k'.repeat(32),
    });
    expect(c.port).toBe(8080);
    expect(c.databaseUrl).toBe('postgresql://app@db.internal:5432/cc');
    expect(c.redisUrl).toBe('rediss://cache.internal:6380');
    expect(c.offerTimeoutMs).toBe(45_000);
    // A trailing slash would produce '//' in URLs the hub builds (and Twilio signs).
    expect(c.publicUrl).toBe('https://cc.example.com');
    // The bootstrap admin logs in with the address however it was typed in the environment.
    expect(c.admin).toEqual({ email: 'boss@example.com', password: 'long-enough-password' });
    expect(c.secretKey).toBe('k'.repeat(32));
  });

  it('treats empty and blank strings as unset (a `PORT=` line in an env file)', () => {
    const c = loadConfig({
      PORT: '',
      DATABASE_URL: '',
      REDIS_URL: ' ',
      OFFER_TIMEOUT_SECONDS: '',
      ADMIN_EMAIL: '',
      ADMIN_PASSWORD: '',
      SECRET_KEY: '   ',
      PUBLIC_URL: '',
      NODE_ENV: '',
    });
    expect(c.port).toBe(3000);
    expect(c.databaseUrl).toBe('postgres://postgres@127.0.0.1:5432/pasokh');
    expect(c.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(c.offerTimeoutMs).toBe(20_000);
    expect(c.admin).toBeUndefined();
    expect(c.secretKey).toBeUndefined();
    expect(c.env).toBe('development');
  });
});

describe('loadConfig: invalid values fail with one line naming the variable', () => {
  const cases: [string, Record<string, string>, string][] = [
    ['a port that is not a number', { PORT: 'abc' }, 'PORT'],
    ['a port out of range', { PORT: '70000' }, 'PORT'],
    ['a non-Postgres database URL', { DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    ['a database URL that is not a URL', { DATABASE_URL: 'pasokh' }, 'DATABASE_URL'],
    ['a non-Redis Redis URL', { REDIS_URL: 'http://127.0.0.1:6379' }, 'REDIS_URL'],
    ['a SECRET_KEY that is too short', { SECRET_KEY: 'short-secret' }, 'SECRET_KEY'],
    ['an offer timeout below the minimum', { OFFER_TIMEOUT_SECONDS: '1' }, 'OFFER_TIMEOUT_SECONDS'],
    ['an offer timeout that is not a number', { OFFER_TIMEOUT_SECONDS: 'soon' }, 'OFFER_TIMEOUT_SECONDS'],
    ['an unknown NODE_ENV', { NODE_ENV: 'staging' }, 'NODE_ENV'],
    ['an ADMIN_EMAIL that is not an address', { ADMIN_EMAIL: 'boss', ADMIN_PASSWORD: 'long-enough-password' }, 'ADMIN_EMAIL'],
    ['ADMIN_EMAIL without ADMIN_PASSWORD', { ADMIN_EMAIL: 'boss@example.com' }, 'ADMIN_PASSWORD'],
    ['ADMIN_PASSWORD without ADMIN_EMAIL', { ADMIN_PASSWORD: 'long-enough-password' }, 'ADMIN_EMAIL'],
    ['ADMIN_EMAIL with an empty ADMIN_PASSWORD', { ADMIN_EMAIL: 'boss@example.com', ADMIN_PASSWORD: '' }, 'ADMIN_PASSWORD'],
  ];

  it.each(cases)('%s', (_label, source, variable) => {
    const err = configErrorOf(source);
    expect(err.variable).toBe(variable);
    expect(err.message.startsWith(`config: ${variable} `)).toBe(true);
    expect(err.message).not.toMatch(/[\r\n]/);
  });

  it('does not echo a rejected secret into the message (it ends up in logs)', () => {
    const err = configErrorOf({ SECRET_KEY: 'hunter2-do-not-print' });
    expect(err.message).not.toContain('hunter2-do-not-print');
    const adminErr = configErrorOf({ ADMIN_EMAIL: 'boss@example.com', ADMIN_PASSWORD: 'tiny' });
    expect(adminErr.variable).toBe('ADMIN_PASSWORD');
    expect(adminErr.message).not.toContain('tiny');
  });
});

describe('the real entry point with a bad environment', () => {
  it('exits non-zero and prints one line naming PORT on stderr', async () => {
    const child = spawn('npx', ['tsx', 'src/main.ts'], {
      cwd: new URL('../..', import.meta.url).pathname,
      // A clean environment: only what npx needs, and the bad PORT. npm's own warnings are silenced
      // so stderr is what the hub printed.
      env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', npm_config_loglevel: 'error', PORT: 'not-a-port' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (c) => resolve(c));
    });
    expect(code).not.toBe(0);
    expect(code).not.toBeNull();
    const lines = stderr.split('\n').filter((l) => l.trim() !== '');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^config: PORT /);
    // It did not start listening or log anything else.
    expect(stdout).toBe('');
  }, 20_000);
});
