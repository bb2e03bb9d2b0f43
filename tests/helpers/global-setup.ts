// Vitest global setup: runs once in the main process before any test file.
// 1. Makes sure the agent console and chat widget are built (browser tests load agent-ui/dist).
// 2. Makes sure the real Postgres and Redis the tests use are reachable, failing with one clear message if not.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import pg from 'pg';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const UI_ARTIFACTS = ['agent-ui/dist/index.html', 'agent-ui/dist/widget.js'];
const CONNECT_TIMEOUT_MS = 5_000;

const DATABASE_URL = process.env['TEST_DATABASE_URL'] || 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env['TEST_REDIS_URL'] || 'redis://127.0.0.1:6379';

const START_POSTGRES = 'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql | head -1) main start';
const START_REDIS =
  'mkdir -p /var/lib/redis /var/log/redis && redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 ' +
  '--save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log';

/** The URL without its password, for messages. */
function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}

function errorText(err: unknown): string {
  if (err instanceof AggregateError && err.errors.length > 0) return err.errors.map(errorText).join('; ');
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}

function ensureUiBuilt(): void {
  const missing = UI_ARTIFACTS.filter((file) => !existsSync(path.join(ROOT, file)));
  if (missing.length === 0) return;
  console.log(`[global-setup] ${missing.join(', ')} missing: running npm run build:ui`);
  const result = spawnSync('npm', ['run', 'build:ui'], { cwd: ROOT, stdio: 'inherit', env: process.env });
  if (result.error) throw new Error(`[global-setup] could not run npm run build:ui: ${result.error.message}`);
  if (result.status !== 0) {
    throw new Error(`[global-setup] npm run build:ui failed (exit ${result.status ?? result.signal}); browser tests need agent-ui/dist`);
  }
  const stillMissing = UI_ARTIFACTS.filter((file) => !existsSync(path.join(ROOT, file)));
  if (stillMissing.length > 0) {
    throw new Error(`[global-setup] npm run build:ui succeeded but did not produce ${stillMissing.join(', ')}`);
  }
}

async function checkPostgres(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  client.on('error', () => {
    /* reported through connect/query */
  });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (err) {
    return `Postgres is not reachable at ${redact(DATABASE_URL)} (${errorText(err)}); start it with: ${START_POSTGRES}`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function checkRedis(): Promise<string | undefined> {
  const redis = new Redis(REDIS_URL, {
    lazyConnect: true,
    connectTimeout: CONNECT_TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  // With retries off, connect() rejects with a bare "Connection is closed"; the socket error says why.
  let socketError: unknown;
  redis.on('error', (err: unknown) => {
    socketError ??= err;
  });
  try {
    await redis.connect();
    const pong = await redis.ping();
    if (pong !== 'PONG') throw new Error(`unexpected PING reply ${JSON.stringify(pong)}`);
    return undefined;
  } catch (err) {
    return `Redis is not reachable at ${redact(REDIS_URL)} (${errorText(socketError ?? err)}); start it with: ${START_REDIS}`;
  } finally {
    redis.disconnect();
  }
}

export default async function setup(): Promise<void> {
  const problems = (await Promise.all([checkPostgres(), checkRedis()])).filter((p): p is string => p !== undefined);
  if (problems.length > 0) {
    const which = problems.length === 2 ? 'Postgres and Redis are' : problems[0]!.startsWith('Postgres') ? 'Postgres is' : 'Redis is';
    throw new Error(`${which} down; the tests need the real services.\n  - ${problems.join('\n  - ')}`);
  }
  ensureUiBuilt();
}
