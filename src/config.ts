import { z } from 'zod';

const emptyToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optionalString = z.preprocess(emptyToUndefined, z.string().optional());
const int = (def: number, min: number, max: number) =>
  z.preprocess(emptyToUndefined, z.coerce.number().int().min(min).max(max).default(def));

const schema = z
  .object({
    NODE_ENV: z.preprocess(emptyToUndefined, z.enum(['development', 'production', 'test']).default('development')),
    PORT: int(3000, 0, 65535),
    HOST: z.preprocess(emptyToUndefined, z.string().default('0.0.0.0')),
    DATABASE_URL: z.preprocess(
      emptyToUndefined,
      z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// URL' }).default('postgres://postgres@127.0.0.1:5432/pasokh'),
    ),
    REDIS_URL: z.preprocess(
      emptyToUndefined,
      z.url({ protocol: /^rediss?$/, error: 'must be a redis:// URL' }).default('redis://127.0.0.1:6379'),
    ),
    REDIS_PREFIX: z.preprocess(emptyToUndefined, z.string().regex(/^[\w:.-]+$/).default('pasokh')),
    PUBLIC_URL: z.preprocess(emptyToUndefined, z.url({ error: 'must be an absolute URL' }).optional()),
    TWILIO_ACCOUNT_SID: z.preprocess(emptyToUndefined, z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'must look like AC followed by 32 hex digits').optional()),
    TWILIO_AUTH_TOKEN: optionalString,
    // Browser phones (Twilio Voice SDK): an API key and secret sign access tokens for a TwiML app.
    TWILIO_API_KEY: z.preprocess(emptyToUndefined, z.string().regex(/^SK[0-9a-fA-F]{32}$/, 'must look like SK followed by 32 hex digits').optional()),
    TWILIO_API_SECRET: optionalString,
    TWILIO_TWIML_APP_SID: z.preprocess(emptyToUndefined, z.string().regex(/^AP[0-9a-fA-F]{32}$/, 'must look like AP followed by 32 hex digits').optional()),
    ADMIN_EMAIL: z.preprocess(emptyToUndefined, z.email({ error: 'must be an email address' }).optional()),
    ADMIN_PASSWORD: z.preprocess(emptyToUndefined, z.string().min(10, 'must be at least 10 characters').optional()),
    SECRET_KEY: z.preprocess(emptyToUndefined, z.string().min(32, 'must be at least 32 characters').optional()),
    LOG_LEVEL: z.preprocess(emptyToUndefined, z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info')),
    OFFER_TIMEOUT_SECONDS: int(20, 3, 600),
    // An agent with no console open anywhere this long is recorded offline (reports, dashboards).
    PRESENCE_GRACE_SECONDS: int(30, 1, 3600),
    SESSION_TTL_HOURS: int(12, 1, 24 * 30),
    ROUTING_LEASE_SECONDS: int(10, 2, 300),
    BODY_LIMIT_KB: int(256, 1, 10_240),
    LOGIN_RATE_LIMIT: int(10, 1, 1000),
    SHUTDOWN_TIMEOUT_SECONDS: int(20, 1, 300),
    ATTACHMENTS_DIR: z.preprocess(emptyToUndefined, z.string().default('./data/attachments')),
    COOKIE_SECURE: z.preprocess(emptyToUndefined, z.enum(['auto', 'true', 'false']).default('auto')),
    // Region for phone numbers typed without a country code (agents' searches): ISO 3166 alpha-2.
    PHONE_REGION: z.preprocess(emptyToUndefined, z.string().regex(/^[A-Z]{2}$/, 'must be a two-letter region code such as IR').default('IR')),
  })
  .superRefine((c, ctx) => {
    if ((c.ADMIN_EMAIL === undefined) !== (c.ADMIN_PASSWORD === undefined)) {
      ctx.addIssue({ code: 'custom', path: [c.ADMIN_EMAIL ? 'ADMIN_PASSWORD' : 'ADMIN_EMAIL'], message: 'ADMIN_EMAIL and ADMIN_PASSWORD are set together' });
    }
  });

export type Env = z.infer<typeof schema>;

export interface Config {
  env: Env['NODE_ENV'];
  port: number;
  host: string;
  databaseUrl: string;
  redisUrl: string;
  redisPrefix: string;
  publicUrl: string;
  twilio: {
    accountSid: string | undefined;
    authToken: string | undefined;
    /** Voice access tokens for agents' browsers (all three, or the token endpoint answers 503). */
    apiKey?: string | undefined;
    apiSecret?: string | undefined;
    twimlAppSid?: string | undefined;
  };
  admin: { email: string; password: string } | undefined;
  secretKey: string | undefined;
  logLevel: Env['LOG_LEVEL'];
  offerTimeoutMs: number;
  /** How long an agent may be without any console before the hub records them offline. */
  presenceGraceMs: number;
  sessionTtlMs: number;
  routingLeaseMs: number;
  bodyLimitBytes: number;
  loginRateLimit: number;
  shutdownTimeoutMs: number;
  cookieSecure: 'auto' | boolean;
  attachmentsDir: string;
  /** Default region for phone numbers typed without a country code. */
  phoneRegion: string;
}

export class ConfigError extends Error {
  constructor(readonly variable: string, detail: string) {
    super(`config: ${variable} ${detail}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment into one typed object; the first problem is reported as one line naming the variable. */
export function loadConfig(source: Record<string, string | undefined> = process.env): Config {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(String(issue.path[0] ?? 'environment'), `is invalid: ${issue.message}`);
  }
  const e = parsed.data;
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    redisPrefix: e.REDIS_PREFIX,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, ''),
    twilio: { accountSid: e.TWILIO_ACCOUNT_SID, authToken: e.TWILIO_AUTH_TOKEN, apiKey: e.TWILIO_API_KEY, apiSecret: e.TWILIO_API_SECRET, twimlAppSid: e.TWILIO_TWIML_APP_SID },
    admin: e.ADMIN_EMAIL && e.ADMIN_PASSWORD ? { email: e.ADMIN_EMAIL.toLowerCase(), password: e.ADMIN_PASSWORD } : undefined,
    secretKey: e.SECRET_KEY,
    logLevel: e.LOG_LEVEL,
    offerTimeoutMs: e.OFFER_TIMEOUT_SECONDS * 1000,
    presenceGraceMs: e.PRESENCE_GRACE_SECONDS * 1000,
    sessionTtlMs: e.SESSION_TTL_HOURS * 3_600_000,
    routingLeaseMs: e.ROUTING_LEASE_SECONDS * 1000,
    bodyLimitBytes: e.BODY_LIMIT_KB * 1024,
    loginRateLimit: e.LOGIN_RATE_LIMIT,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_SECONDS * 1000,
    cookieSecure: e.COOKIE_SECURE === 'auto' ? 'auto' : e.COOKIE_SECURE === 'true',
    attachmentsDir: e.ATTACHMENTS_DIR,
    phoneRegion: e.PHONE_REGION,
  };
}
