import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { DialerCampaignStatsDto, QueueStatsDto } from '../contracts/index.js';
import type { RoutingMetrics } from '../routing/runtime/runtime.js';

export interface MetricSources {
  socketCounts: () => Record<string, number>;
  outboxJobCounts: () => Promise<Record<string, number>>;
  waitingTasks: () => Promise<number>;
  queueStats: () => Promise<QueueStatsDto[]>;
  agentsByStatus: () => Promise<Record<string, number>>;
  /** Outbound campaigns (running or paused) with their live figures. */
  dialerCampaigns?: () => Promise<DialerCampaignStatsDto[]>;
}

/** One registry per hub (tests run several hubs in one process). */
export class Metrics implements RoutingMetrics {
  readonly registry = new Registry();
  readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  readonly httpDuration: Histogram<'method' | 'route'>;
  private readonly offers: Counter<'outcome'>;
  private readonly decisions: Histogram;

  constructor(sources: MetricSources) {
    collectDefaultMetrics({ register: this.registry, prefix: 'pasokh_' });
    const registers = [this.registry];
    this.httpRequests = new Counter({ name: 'pasokh_http_requests_total', help: 'HTTP requests by route and status', labelNames: ['method', 'route', 'status'], registers });
    this.httpDuration = new Histogram({
      name: 'pasokh_http_request_duration_seconds',
      help: 'HTTP request duration',
      labelNames: ['method', 'route'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    this.offers = new Counter({ name: 'pasokh_routing_offers_total', help: 'Routing offers by outcome', labelNames: ['outcome'], registers });
    this.decisions = new Histogram({
      name: 'pasokh_routing_decision_seconds',
      help: 'Time the routing engine took per decision round',
      buckets: [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05],
      registers,
    });
    new Gauge({
      name: 'pasokh_socket_connections',
      help: 'Open socket.io connections on this process by namespace',
      labelNames: ['namespace'],
      registers,
      collect() {
        for (const [ns, n] of Object.entries(sources.socketCounts())) this.set({ namespace: ns }, n);
      },
    });
    new Gauge({
      name: 'pasokh_outbox_jobs',
      help: 'Outbound jobs in the BullMQ queue by state',
      labelNames: ['state'],
      registers,
      async collect() {
        for (const [state, n] of Object.entries(await sources.outboxJobCounts().catch(() => ({})))) this.set({ state }, n);
      },
    });
    new Gauge({
      name: 'pasokh_routing_tasks_waiting',
      help: 'Routing tasks waiting for an agent',
      registers,
      async collect() {
        this.set(await sources.waitingTasks().catch(() => 0));
      },
    });
    this.queueGauges(sources, registers);
    this.dialerGauges(sources, registers);
  }

  private dialerGauges(sources: MetricSources, registers: Registry[]): void {
    const campaigns = () => (sources.dialerCampaigns ? sources.dialerCampaigns().catch(() => []) : Promise.resolve([]));
    const perCampaign = (name: string, help: string, value: (c: DialerCampaignStatsDto) => number) =>
      new Gauge({
        name,
        help,
        labelNames: ['campaign', 'rule_set'],
        registers,
        async collect() {
          this.reset();
          for (const c of await campaigns()) this.set({ campaign: c.name, rule_set: c.ruleSet }, value(c));
        },
      });
    perCampaign('pasokh_dialer_abandon_rate_30d', 'Abandoned / live-answered outbound calls over 30 days (FCC counting)', (c) => c.abandon30d.rate);
    perCampaign('pasokh_dialer_abandon_rate_24h', 'Abandoned / live-answered outbound calls over 24 h (Ofcom counting for UK campaigns)', (c) => c.abandon24h.rate);
    perCampaign('pasokh_dialer_calls_in_flight', 'Outbound calls placed and not yet ended', (c) => c.inFlight);
    perCampaign('pasokh_dialer_attempts', 'Outbound call attempts of the campaign', (c) => c.attempts);
    perCampaign('pasokh_dialer_running', '1 while the campaign is running, 0 when paused', (c) => (c.status === 'running' ? 1 : 0));
  }

  private queueGauges(sources: MetricSources, registers: Registry[]): void {
    const stats = () => sources.queueStats().catch(() => []);
    const perQueue = (name: string, help: string, value: (q: QueueStatsDto) => number | null) =>
      new Gauge({
        name,
        help,
        labelNames: ['queue', 'channel'],
        registers,
        async collect() {
          this.reset();
          for (const q of await stats()) {
            const v = value(q);
            if (v !== null) this.set({ queue: q.name, channel: q.channel }, v);
          }
        },
      });
    perQueue('pasokh_queue_waiting', 'Tasks waiting in the queue now', (q) => q.waiting);
    perQueue('pasokh_queue_longest_wait_seconds', 'Age of the oldest waiting task', (q) => q.longestWaitSeconds);
    perQueue('pasokh_queue_service_level_today', 'Answered within the threshold / answered, since midnight UTC', (q) => q.today.serviceLevel);
    perQueue('pasokh_queue_asa_seconds_today', 'Average speed of answer since midnight UTC', (q) => q.today.asaSeconds);
    perQueue('pasokh_queue_abandon_rate_today', 'Abandoned / (answered + abandoned) since midnight UTC', (q) => q.today.abandonRate);
    new Gauge({
      name: 'pasokh_agents',
      help: 'Agents by presence status',
      labelNames: ['status'],
      registers,
      async collect() {
        this.reset();
        for (const [status, n] of Object.entries(await sources.agentsByStatus().catch(() => ({})))) this.set({ status }, n);
      },
    });
  }

  offer(outcome: 'offered' | 'accepted' | 'rejected' | 'expired' | 'lease_lost'): void {
    this.offers.inc({ outcome });
  }

  decision(seconds: number): void {
    this.decisions.observe(seconds);
  }
}
