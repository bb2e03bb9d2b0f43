/**
 * e2e-chat: a real hub in this process (its own database on the local Postgres, its own Redis
 * prefix, both removed afterwards), 200 agents with consoles connected, web-chat visitors sending
 * at fixed rates from a separate load process (bench/e2e/load.ts). Measures visitor `message` emit
 * → agent `offer` (p50/p99) per rate and the highest rate the hub keeps up with; then the same load
 * against a bare express + socket.io relay, in the same run, for the machine's ceiling.
 *
 * Rates go up until the hub stops keeping up; if that happens below the issue's target (500/s), the
 * target is still measured, as a one-second burst after the backlog drains (labelled in the line).
 *
 * "Keeps up" at a rate: the load process could send at ≥ 95 % of the rate, ≥ 95 % of the messages
 * reached an agent as an offer within the phase plus the drain time, and p99 ≤ 1 s.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { Server, type Socket } from 'socket.io';
import { adminClient, createAgent, isolate, startHub, testConfig } from '../../tests/helpers/hub.js';
import { emit, log } from '../lib/out.js';
import type { LoadCommand, LoadReport, PhaseResult } from './load.js';

const AGENTS = 200;
const VISITORS = 600;
const PHASE_MS = 6_000;
const DRAIN_MS = 2_500;
const HUB_RATES = [10, 25, 50, 100, 250, 500, 750, 1000];
const BARE_RATES = [500, 1000, 2000, 4000, 8000, 16000];
const TARGET_RATE = 500;

class LoadProcess {
  private readonly child: ChildProcess;
  private waiters: ((r: LoadReport) => void)[] = [];

  constructor() {
    this.child = fork(fileURLToPath(new URL('./load.ts', import.meta.url)), [], {
      execArgv: ['--import', import.meta.resolve('tsx')],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.child.on('message', (m: LoadReport) => {
      const w = this.waiters.shift();
      if (w) w(m);
    });
  }

  ask(cmd: LoadCommand, timeoutMs = 120_000): Promise<LoadReport> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`load process: no answer to ${cmd.type} within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push((r) => {
        clearTimeout(timer);
        if (r.type === 'error') reject(new Error(r.message));
        else resolve(r);
      });
      this.child.send(cmd);
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise<void>((r) => this.child.once('exit', () => r()));
    this.child.send({ type: 'stop' } satisfies LoadCommand);
    await Promise.race([exited, new Promise((r) => setTimeout(r, 3_000))]);
    if (this.child.exitCode === null) this.child.kill();
  }
}

/** NaN crosses the IPC channel as null. */
function normalize(r: PhaseResult): PhaseResult {
  const n = (x: number | null) => (x === null ? Number.NaN : x);
  return { ...r, p50: n(r.p50), p99: n(r.p99), max: n(r.max) };
}

function keptUp(r: PhaseResult): boolean {
  return r.achievedRate >= 0.95 * r.rate && r.deliveredFraction >= 0.95 && r.p99 <= 1_000;
}

async function runPhases(load: LoadProcess, rates: readonly number[], label: string, mustReach: number): Promise<PhaseResult[]> {
  const out: PhaseResult[] = [];
  for (const rate of rates) {
    const rep = await load.ask({ type: 'phase', rate, durationMs: PHASE_MS, drainMs: DRAIN_MS });
    if (rep.type !== 'phase') throw new Error(`unexpected ${rep.type}`);
    const r = normalize(rep.result);
    out.push(r);
    log(
      `  ${label} ${rate}/s: sent ${r.sent} (${r.achievedRate.toFixed(0)}/s), offers ${r.delivered} (${(r.deliveredFraction * 100).toFixed(1)} %), ` +
        `p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms, max ${r.max.toFixed(0)} ms${r.poolDry ? `, ${r.poolDry} sends skipped (no free visitor)` : ''}${r.errors ? `, ${r.errors} errors` : ''} → ${keptUp(r) ? 'kept up' : 'did not keep up'}`,
    );
    if (!keptUp(r) && rate >= mustReach) break;
  }
  return out;
}

const maxKept = (rs: readonly (PhaseResult & { burst?: boolean })[], ok: (r: PhaseResult) => boolean) =>
  rs.filter((r) => !r.burst && ok(r)).reduce((m, r) => Math.max(m, r.rate), 0);

async function measureHub(rates: readonly number[]): Promise<PhaseResult[]> {
  const iso = isolate('bench_e2e_chat');
  const config = testConfig(iso, { OFFER_TIMEOUT_SECONDS: '60' });
  let running: Awaited<ReturnType<typeof startHub>> | null = null;
  const load = new LoadProcess();
  try {
    const t0 = performance.now();
    // The production routing tick (1 s), not the tests' 200 ms.
    running = await startHub(config, { routingTickMs: 1000 });
    const admin = await adminClient(running.url);
    const cookies: string[] = [];
    for (let i = 0; i < AGENTS; i += 10) {
      const batch = await Promise.all(Array.from({ length: Math.min(10, AGENTS - i) }, (_, j) => createAgent(running!.url, admin, { name: `Bench agent ${i + j + 1}` })));
      for (const a of batch) cookies.push(a.client.cookie);
    }
    log(`e2e-chat: hub up, ${AGENTS} agents created in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const ready = await load.ask({ type: 'setup', mode: 'hub', url: running.url, agentCookies: cookies, visitors: VISITORS });
    if (ready.type === 'ready') log(`e2e-chat: ${ready.agents} agent consoles available, ${ready.visitors} visitors connected in ${(ready.ms / 1000).toFixed(1)} s`);
    const phases = await runPhases(load, rates, 'hub', 0);
    if (!phases.some((r) => r.rate === TARGET_RATE)) {
      // The hub did not get to the target rate: measure it anyway, as a one-second burst of
      // TARGET_RATE new conversations once the backlog has drained, waiting for every offer.
      const settled = await load.ask({ type: 'settle', timeoutMs: 40_000 }, 60_000);
      if (settled.type === 'settled') log(`e2e-chat: backlog drained in ${(settled.ms / 1000).toFixed(1)} s (${settled.busy} conversations still open)`);
      const rep = await load.ask({ type: 'phase', rate: TARGET_RATE, durationMs: 1_000, drainMs: 30_000 }, 60_000);
      if (rep.type === 'phase') {
        const r = { ...normalize(rep.result), burst: true };
        log(`  hub ${TARGET_RATE}/s for 1 s (burst): sent ${r.sent}, offers ${r.delivered}, p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms, max ${r.max.toFixed(0)} ms`);
        phases.push(r);
      }
    }
    return phases;
  } finally {
    await load.stop();
    if (running) await running.stop();
    await iso.cleanup();
  }
}

/** A bare relay: visitor `message` → `offer` to one agent socket (round robin), ack to the visitor. */
async function measureBare(): Promise<PhaseResult[]> {
  const app = express();
  app.get('/healthz', (_req, res) => void res.json({ ok: true }));
  const http = createServer(app);
  const ioServer = new Server(http, { transports: ['websocket'] });
  const agents: Socket[] = [];
  let rr = 0;
  ioServer.of('/agent').on('connection', (s) => {
    agents.push(s);
    s.on('disconnect', () => agents.splice(agents.indexOf(s), 1));
  });
  ioServer.of('/chat').on('connection', (s) => {
    s.on('message', (payload: { clientId: string }, ack: (r: unknown) => void) => {
      const a = agents[rr++ % agents.length];
      a?.emit('offer', { offerId: payload.clientId, conversationId: payload.clientId, clientId: payload.clientId });
      if (typeof ack === 'function') ack({ ok: true, conversationId: payload.clientId });
    });
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const load = new LoadProcess();
  try {
    const ready = await load.ask({ type: 'setup', mode: 'bare', url, agentCookies: Array.from({ length: AGENTS }, () => ''), visitors: VISITORS });
    if (ready.type === 'ready') log(`e2e-chat bare: ${ready.agents} agents, ${ready.visitors} visitors connected`);
    return await runPhases(load, BARE_RATES, 'bare', BARE_RATES[0]!);
  } finally {
    await load.stop();
    await new Promise<void>((r) => ioServer.close(() => r()));
  }
}

export async function runE2eChatBench(opts: { rates?: number[] } = {}): Promise<void> {
  const started = performance.now();
  const hub = await measureHub(opts.rates ?? HUB_RATES);
  const bare = await measureBare();
  const at = (hub.find((r) => r.rate === TARGET_RATE) ?? hub[hub.length - 1]!) as PhaseResult & { burst?: boolean };
  const maxRate = maxKept(hub, keptUp);
  const bareMax = maxKept(bare, keptUp);
  const summary = (rs: (PhaseResult & { burst?: boolean })[]) =>
    rs.map((r) => ({ rate: r.rate, p50_ms: r.p50, p99_ms: r.p99, achieved_per_s: r.achievedRate, delivered: r.deliveredFraction, kept_up: r.burst ? null : keptUp(r), ...(r.burst ? { burst_s: 1 } : {}) }));
  emit({
    bench: 'e2e-chat',
    rate: at.rate,
    p50_ms: at.p50,
    p99_ms: at.p99,
    // When the hub could not sustain lower rates, `rate` was measured as a 1 s burst (see stderr).
    rate_phase_s: at.burst ? 1 : PHASE_MS / 1000,
    max_rate: maxRate,
    bare_max_rate: bareMax,
    max_rate_p99_le_50ms: maxKept(hub, (r) => keptUp(r) && r.p99 <= 50),
    bare_max_rate_p99_le_50ms: maxKept(bare, (r) => keptUp(r) && r.p99 <= 50),
    fraction_of_bare: bareMax > 0 ? maxRate / bareMax : null,
    agents: AGENTS,
    visitors: VISITORS,
    phase_s: PHASE_MS / 1000,
    hub_rates: summary(hub),
    bare_rates: summary(bare),
    kept_up_definition: 'sent ≥ 95 % of the rate, ≥ 95 % of messages reached an agent as an offer, p99 ≤ 1 s',
    seconds: (performance.now() - started) / 1000,
  });
}
