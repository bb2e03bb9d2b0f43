import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import { sql } from 'kysely';
import { Server as IoServer } from 'socket.io';
import { authRoutes } from './api/auth-routes.js';
import { conversationsRoutes } from './api/conversations-routes.js';
import { deskRoutes } from './desk/api.js';
import { customersRoutes } from './customers/api.js';
import { openApiDocument } from './api/openapi.js';
import { routingRoutes } from './api/routing-routes.js';
import { usersRoutes } from './api/users-routes.js';
import { reportsRoutes } from './reports/api.js';
import { announceClosedChats } from './reports/csat.js';
import { RateLimiter } from './auth/rate-limit.js';
import { resolveSecretKey } from './auth/secret.js';
import { SessionStore } from './auth/sessions.js';
import { emailChannel } from './channels/email/index.js';
import { smsChannel } from './channels/sms/index.js';
import { voiceChannel } from './channels/voice/index.js';
import type { ChannelAdapter, ChannelFactory, ChannelModule, ChannelOptions } from './channels/types.js';
import { attachWebchat } from './channels/webchat/inbound.js';
import { agentTypingToVisitor, WebchatAdapter, type ChatNamespace } from './channels/webchat/outbound.js';
import type { Config } from './config.js';
import type { Channel } from './contracts/index.js';
import { messageForAssignedAgent } from './conversations/dto.js';
import { applySmsOpt } from './dialer/campaigns/dnc.js';
import { createDialer, type DialerOptions, type DialerRuntime } from './dialer/runtime/index.js';
import { createDb, ensureDatabase, type Db } from './db/index.js';
import { migrateToLatest } from './db/migrate.js';
import { HubEvents } from './events.js';
import { dialerCampaignRoutes } from './dialer/campaigns/api.js';
import { createApp } from './http/app.js';
import { Metrics } from './http/metrics.js';
import { Ingest } from './ingest/ingest.js';
import { Outbox } from './jobs/outbox.js';
import { InFlight } from './lifecycle.js';
import { createLogger, type Logger } from './logger.js';
import { agentNotifier, attachAgentNamespace, type AgentNamespace } from './realtime/agent-namespace.js';
import { requireRole } from './realtime/auth.js';
import { announceClosedToAgents } from './realtime/closed-notice.js';
import { ConsoleSessions } from './realtime/console-sessions.js';
import { AgentEventLog } from './realtime/event-log.js';
import { Presence } from './realtime/presence.js';
import { visitorTypingRelay } from './realtime/typing.js';
import { ConversationViewers } from './realtime/viewers.js';
import { attachSupervisorNamespace, type SupervisorNamespace } from './realtime/supervisor-namespace.js';
import { validateQueues } from './routing/engine/index.js';
import { RedisPokeBus } from './routing/runtime/bus.js';
import { LeaderLease } from './routing/runtime/leader.js';
import { RoutingRuntime } from './routing/runtime/runtime.js';
import { agentStats, queueStats } from './routing/runtime/stats.js';
import { bootstrapAdmin } from './users.js';

export interface Hub {
  config: Config;
  log: Logger;
  db: Db;
  redis: Redis;
  io: IoServer;
  server: HttpServer;
  routing: RoutingRuntime;
  /** `routing.closeConversation`, which announces the close (consoles, the chat widget) itself. */
  closeConversation: (conversationId: string) => Promise<boolean>;
  outbox: Outbox;
  ingest: Ingest;
  events: HubEvents;
  metrics: Metrics;
  /** The outbound campaign runtime (active on the routing leader); `dialer.tick(now)` drives it by hand. */
  dialer: DialerRuntime;
  /** Records agents offline once their last console stays away (swept on the routing leader; `sweep(now)` by hand). */
  consoleSessions: ConsoleSessions;
  /** Listens on config.port (0 = any free port) and resolves with the port. */
  listen(): Promise<number>;
  /** Graceful: stop accepting, finish work under way, close pools. */
  stop(): Promise<void>;
}

export interface HubOptions {
  log?: Logger;
  /** Extra or replacement channel adapters (tests, later channels). */
  adapters?: ChannelAdapter[];
  /** Per-channel seams (a recording Twilio HTTP client in tests, the attachments folder). */
  channelOptions?: ChannelOptions;
  /** Channel modules to load; all of them by default. */
  channels?: ChannelFactory[];
  routingTickMs?: number;
  /**
   * 'leader' (default): one active routing engine among the processes sharing
   * Redis, chosen by a lease. 'always': this process routes regardless (tests of
   * racing runtimes).
   */
  routingMode?: 'leader' | 'always';
  leaderLeaseMs?: number;
  outbox?: { backoffMs?: number; sweepAfterMs?: number; sweepEveryMs?: number };
  /** Dialer runtime: calls per second, tick period (0 = ticks only by hand). */
  dialer?: DialerOptions;
}

/** 'ok', or why not: a dependency that hangs counts as down after two seconds. */
async function probe(check: Promise<unknown>): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('no answer within 2 s')), 2_000)));
  try {
    await Promise.race([check, timeout]);
    return 'ok';
  } catch (err) {
    return `unreachable: ${err instanceof Error ? err.message : String(err)}`;
  } finally {
    clearTimeout(timer);
  }
}

/** Builds the whole hub: database (created and migrated), Redis, sockets, routing, outbox, HTTP. */
export async function createHub(config: Config, options: HubOptions = {}): Promise<Hub> {
  const log = options.log ?? createLogger(config.logLevel);
  await ensureDatabase(config.databaseUrl);
  const { db } = createDb(config.databaseUrl);
  const applied = await migrateToLatest(db);
  if (applied.length > 0) log.info({ applied }, 'migrations applied');
  const secret = await resolveSecretKey(db, config.secretKey, log);
  await bootstrapAdmin(db, config.admin, log);

  const redisOptions = { maxRetriesPerRequest: null, lazyConnect: false } as const;
  const newRedis = () => {
    const r = new Redis(config.redisUrl, redisOptions);
    r.on('error', (err) => log.debug({ err }, 'redis connection error'));
    return r;
  };
  const redis = newRedis();
  const pub = newRedis();
  const sub = pub.duplicate();
  sub.on('error', (err) => log.debug({ err }, 'redis connection error'));

  const events = new HubEvents();
  const inFlight = new InFlight();
  const sessions = new SessionStore(db, secret, config.sessionTtlMs);
  // Failed logins per account and address, and (ten times looser) per address alone.
  const limiter = new RateLimiter(redis, `${config.redisPrefix}:ratelimit:login`, config.loginRateLimit, 15 * 60);
  const ipLimiter = new RateLimiter(redis, `${config.redisPrefix}:ratelimit:login`, config.loginRateLimit * 10, 15 * 60);
  const presence = new Presence(redis, config.redisPrefix);
  const ingest = new Ingest(db, events);

  const server = createServer();
  const io = new IoServer(server, {
    adapter: createAdapter(pub, sub, { key: `${config.redisPrefix}:socket.io` }),
    // Widgets connect from customers' sites; staff namespaces check the Origin themselves.
    cors: { origin: true, credentials: false },
    maxHttpBufferSize: 64 * 1024,
    serveClient: false,
  });

  const staffOriginOk = (origin: string | undefined, host: string | undefined) => {
    if (!origin) return true;
    try {
      return new URL(origin).host === host || origin === config.publicUrl;
    } catch {
      return false;
    }
  };
  // One untyped server, typed per namespace: each namespace has its own event map.
  const agentNs = io.of('/agent') as unknown as AgentNamespace;
  const supervisorNs = io.of('/supervisor') as unknown as SupervisorNamespace;
  for (const [ns, roles] of [
    [agentNs, ['agent', 'supervisor', 'admin']],
    [supervisorNs, ['supervisor', 'admin']],
  ] as const) {
    // Cross-site pages must not drive a logged-in agent's socket with their cookie.
    ns.use((socket, next) => (staffOriginOk(socket.handshake.headers.origin, socket.handshake.headers.host) ? next() : next(new Error('forbidden origin'))));
    ns.use(requireRole(sessions, roles));
  }

  // Per-agent event log: consoles replay what they missed while disconnected (src/realtime/event-log.ts).
  const agentEvents = new AgentEventLog(redis, config.redisPrefix);
  const notifier = agentNotifier(agentNs, agentEvents, log.child({ component: 'agent-socket' }));
  const supervisorFeed = attachSupervisorNamespace(supervisorNs, { db, presence, log });
  const routingBus = new RedisPokeBus(redis, `${config.redisPrefix}:routing:pokes`, log);
  // Sources are read at scrape time, after everything below exists.
  const metrics = new Metrics({
    socketCounts: () => ({ agent: agentNs.sockets.size, supervisor: supervisorNs.sockets.size, chat: chatNs.sockets.size }),
    outboxJobCounts: () => outbox.queue.getJobCounts('waiting', 'active', 'delayed', 'failed'),
    waitingTasks: async () => (await db.selectFrom('routing_tasks').select((eb) => eb.fn.countAll<number>().as('n')).where('status', '=', 'waiting').executeTakeFirstOrThrow()).n,
    queueStats: () => queueStats(db),
    agentsByStatus: async () => {
      const connected = await presence.connectedAgents();
      const counts: Record<string, number> = {};
      for (const a of await agentStats(db, connected)) {
        const key = a.connected ? a.status : 'offline';
        counts[key] = (counts[key] ?? 0) + 1;
      }
      return counts;
    },
    dialerCampaigns: () => dialer.allStats(),
  });

  const routing = new RoutingRuntime({
    db,
    log: log.child({ component: 'routing' }),
    notifier,
    presence,
    metrics,
    offerTimeoutMs: config.offerTimeoutMs,
    tickMs: options.routingTickMs ?? 1000,
    bus: routingBus,
    onChange: () => supervisorFeed.changed(),
    onAssigned: (assigned) => events.emit('task.assigned', assigned),
    onClosed: (closed) => events.emit('conversation.closed', closed),
  });
  const closeConversation = (conversationId: string): Promise<boolean> => routing.closeConversation(conversationId);
  announceClosedToAgents(events, { notifier, log: log.child({ component: 'agent-socket' }) });
  const leader = new LeaderLease(
    redis,
    `${config.redisPrefix}:routing:leader`,
    presence.processId,
    // The dialer runs where routing runs: its capacity is routing's.
    async (isLeader) => {
      if (isLeader) {
        await routing.activate();
        await dialer.activate();
      } else {
        await dialer.deactivate();
        await routing.deactivate();
      }
    },
    options.leaderLeaseMs ?? config.routingLeaseMs,
  );

  const { runtime: dialer, routers: dialerRouters } = createDialer({
    config,
    db,
    log: log.child({ component: 'dialer' }),
    events,
    ingest,
    inFlight,
    routing: { assignDirect: (conversationId, agentId) => routing.assignDirect(conversationId, agentId), closeConversation },
    presence,
    twilioHttpClient: options.channelOptions?.twilioHttpClient,
    onStats: (campaigns) => supervisorNs.emit('dialer', { at: new Date().toISOString(), campaigns }),
    ...(options.dialer ? { options: options.dialer } : {}),
  });

  const consoleSessions = new ConsoleSessions({
    db,
    presence,
    log: log.child({ component: 'console-sessions' }),
    graceMs: config.presenceGraceMs,
    isSweeper: () => routing.isActive,
    onChange: (agentId) => {
      void routing.agentChanged(agentId).catch((err: unknown) => log.warn({ err, agentId }, 'routing refresh after offline failed'));
      void routing.pushSelf(agentId).catch(() => undefined);
      supervisorFeed.changed();
    },
  });

  const chatNs = io.of('/chat') as unknown as ChatNamespace;
  attachWebchat(chatNs, { db, ingest, log: log.child({ channel: 'webchat' }), inFlight, onTyping: visitorTypingRelay(db, agentNs, log) });
  announceClosedChats(chatNs, events, log.child({ channel: 'webchat' }));
  attachAgentNamespace(agentNs, {
    routing,
    presence,
    sessions: consoleSessions,
    log: log.child({ component: 'agent-socket' }),
    inFlight,
    db,
    events: agentEvents,
    viewers: new ConversationViewers(redis, config.redisPrefix),
    toVisitorTyping: agentTypingToVisitor(chatNs),
  });

  const channelModules: ChannelModule[] = [];
  for (const factory of options.channels ?? [smsChannel, emailChannel, voiceChannel]) {
    channelModules.push(
      await factory({
        config,
        db,
        redis,
        log: log.child({ component: 'channel' }),
        ingest,
        events,
        inFlight,
        secretKey: secret,
        // SMS STOP / START keep the dialer's do-not-call list in step, committed with the opt-out.
        onPhoneOptChange: applySmsOpt,
        routing: {
          requeue: (conversationId, reason, opts) => routing.requeue(conversationId, reason, opts),
          reassign: (conversationId, toAgentId) => routing.reassign(conversationId, toAgentId),
          closeConversation,
        },
        options: { attachmentsDir: config.attachmentsDir, ...options.channelOptions },
      }),
    );
  }
  const adapters = new Map<Channel, ChannelAdapter>([['webchat', new WebchatAdapter(chatNs)]]);
  for (const m of channelModules) if (m.adapter) adapters.set(m.channel, m.adapter);
  for (const a of options.adapters ?? []) adapters.set(a.channel, a);
  const outbox = new Outbox({ db, connection: newRedis, prefix: `${config.redisPrefix}:bull`, log: log.child({ component: 'outbox' }), events, adapters, ...options.outbox });

  // After-commit fan-out: routing learns of new tasks, consoles of new messages and delivery states.
  events.on('task.created', ({ taskId }) => {
    void routing.taskCreated(taskId).catch((err: unknown) => log.error({ err, taskId }, 'routing a new task failed'));
  });
  const toAssignedAgent = async (conversationId: string, messageId: string, event: 'conversation:message' | 'message:status') => {
    const found = await messageForAssignedAgent(db, messageId);
    if (!found) return;
    const { agentId, message: dto } = found;
    if (event === 'conversation:message') notifier.notify(agentId, 'conversation:message', dto);
    else notifier.notify(agentId, 'message:status', { id: dto.id, conversationId, status: dto.status, statusReason: dto.statusReason });
  };
  events.on('message.created', ({ conversationId, messageId }) => {
    void toAssignedAgent(conversationId, messageId, 'conversation:message').catch((err: unknown) => log.warn({ err }, 'agent notify failed'));
  });
  events.on('message.status', ({ conversationId, messageId }) => {
    void toAssignedAgent(conversationId, messageId, 'message:status').catch((err: unknown) => log.warn({ err }, 'agent notify failed'));
  });

  let accepting = true;
  const app = createApp({
    log,
    metrics,
    sessions,
    bodyLimitBytes: config.bodyLimitBytes,
    accepting: () => accepting,
    https: config.publicUrl.startsWith('https:'),
    openApi: () => openApiDocument(config.publicUrl),
    readiness: async () => ({
      postgres: await probe(sql`select 1`.execute(db)),
      redis: await probe(redis.ping().then((p) => (p === 'PONG' ? undefined : Promise.reject(new Error(`unexpected reply ${p}`))))),
    }),
    routers: [
      authRoutes({ db, sessions, limiter, ipLimiter, secureCookies: config.cookieSecure === 'auto' ? config.publicUrl.startsWith('https:') : config.cookieSecure, sessionTtlMs: config.sessionTtlMs }),
      usersRoutes({ db }),
      conversationsRoutes({ db, routing, outbox, events }),
      deskRoutes({ db, notifier }),
      customersRoutes({ db, log: log.child({ component: 'customers' }), phoneRegion: config.phoneRegion, chat: chatNs }),
      routingRoutes({ db, routing, validate: validateQueues }),
      reportsRoutes({ db }),
      dialerCampaignRoutes({ db, log: log.child({ component: 'dialer-campaigns' }), inFlight }),
      ...channelModules.flatMap((m) => m.routers ?? []),
      ...dialerRouters,
    ],
  });
  server.on('request', app);

  presence.start();
  consoleSessions.start();
  await routingBus.listen(routing);
  if (options.routingMode === 'always') {
    await routing.start();
    await dialer.activate();
  }
  else await leader.start();
  outbox.startWorker();
  for (const m of channelModules) await m.start?.();

  const hub: Hub = {
    config,
    log,
    db,
    redis,
    io,
    server,
    routing,
    closeConversation,
    outbox,
    ingest,
    events,
    metrics,
    dialer,
    consoleSessions,
    listen: () =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.port, config.host, () => resolve((server.address() as AddressInfo).port));
      }),
    stop: async () => {
      accepting = false;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      // Let acknowledged-but-unfinished socket work commit before sockets go.
      const drained = await inFlight.drain(config.shutdownTimeoutMs);
      if (!drained) log.warn({ pending: inFlight.size }, 'shutdown: work still under way after the timeout');
      supervisorFeed.stop();
      for (const m of channelModules) await m.stop?.();
      await leader.stop();
      await dialer.stop();
      await routing.stop();
      await routingBus.close();
      io.disconnectSockets(true);
      await new Promise<void>((resolve) => io.close(() => resolve()));
      // What the disconnects started (presence, who-is-viewing broadcasts) still needs Redis.
      await inFlight.drain(config.shutdownTimeoutMs);
      await closed;
      await outbox.close();
      await consoleSessions.stop();
      await presence.stop();
      await Promise.allSettled([redis.quit(), pub.quit(), sub.quit()]);
      await db.destroy();
      log.info('hub stopped');
    },
  };
  return hub;
}
