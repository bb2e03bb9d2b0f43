import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import type { OfferDto } from '../../src/contracts/index.js';
import { ADMIN, REDIS_URL, adminClient, agentSocket, chatSocket, createAgent, isolate, nextEvent, Client } from '../helpers/hub.js';

// The hub runs as a real child process here, so it can be killed with SIGKILL
// between the visitor's acknowledged message and any agent accepting it.
const iso = isolate('restart');
const children: ChildProcess[] = [];

afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  await iso.cleanup();
});

async function startChild(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: iso.databaseUrl,
      REDIS_URL,
      REDIS_PREFIX: iso.redisPrefix,
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      SECRET_KEY: 'restart-test-secret-key-0123456789abcdef',
      LOG_LEVEL: 'info',
      // The killed hub's routing lease lapses quickly, so the new one takes over fast.
      ROUTING_LEASE_SECONDS: '2',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const lines = createInterface({ input: child.stdout! });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    lines.on('line', (line) => {
      try {
        const entry = JSON.parse(line) as { msg?: string; port?: number };
        if (entry.msg === 'Pasokh is listening' && entry.port) resolve(entry.port);
      } catch {
        // not a log line
      }
    });
    child.once('exit', (code) => reject(new Error(`hub exited with ${code}: ${stderr}`)));
  });
  return { child, url: `http://127.0.0.1:${port}` };
}

describe('nothing acknowledged is lost when the hub dies', () => {
  it('a message acknowledged before SIGKILL is offered to an agent after restart', async () => {
    const first = await startChild();
    const admin = await adminClient(first.url);
    const agent = await createAgent(first.url, admin, { name: 'Survivor' });

    const visitor = await chatSocket(first.url, { name: 'Before the crash' });
    const ack = await visitor.socket.emitWithAck('message', { clientId: 'k-1', body: 'please do not lose me' });
    expect(ack.ok).toBe(true);
    const { conversationId } = ack as { conversationId: string };
    visitor.socket.close();

    first.child.kill('SIGKILL');
    await once(first.child, 'exit');

    const second = await startChild();
    const client = new Client(second.url);
    expect((await client.login(agent.email, agent.password)).status).toBe(200);
    const ws = await agentSocket(second.url, client);
    const offerP = nextEvent<OfferDto>(ws, 'offer');
    expect(await ws.emitWithAck('presence:set', { status: 'available' })).toMatchObject({ ok: true });
    const offer = await offerP;
    expect(offer.conversationId).toBe(conversationId);
    expect(offer.preview).toBe('please do not lose me');
    expect(await ws.emitWithAck('offer:accept', { offerId: offer.offerId })).toMatchObject({ ok: true });
    ws.close();

    // SIGTERM is a graceful stop: the process exits 0.
    second.child.kill('SIGTERM');
    const [code] = (await once(second.child, 'exit')) as [number | null];
    expect(code).toBe(0);
  }, 60_000);

  it('an offer pending when the hub died is sent again to the agent when their console reconnects', async () => {
    const first = await startChild();
    const admin = await adminClient(first.url);
    const agent = await createAgent(first.url, admin, { name: 'Reconnector' });
    const ws1 = await agentSocket(first.url, agent.client);
    const offerP = nextEvent<OfferDto>(ws1, 'offer');
    await ws1.emitWithAck('presence:set', { status: 'available' });
    const visitor = await chatSocket(first.url, { name: 'Mid-offer' });
    await visitor.socket.emitWithAck('message', { clientId: 'k-2', body: 'offer me' });
    const offer = await offerP;
    ws1.close();
    visitor.socket.close();
    first.child.kill('SIGKILL');
    await once(first.child, 'exit');

    const second = await startChild();
    const client = new Client(second.url);
    await client.login(agent.email, agent.password);
    // Listen before the handshake completes: the server re-sends live offers right after connecting.
    const again = await new Promise<{ offer: OfferDto; ws: Awaited<ReturnType<typeof agentSocket>> }>((resolve, reject) => {
      const wsP = agentSocket(second.url, client);
      void wsP.then((ws) => ws.once('offer', (o) => resolve({ offer: o, ws })), reject);
    });
    expect(again.offer.offerId).toBe(offer.offerId);
    expect(await again.ws.emitWithAck('offer:accept', { offerId: again.offer.offerId })).toMatchObject({ ok: true });
    again.ws.close();
    second.child.kill('SIGTERM');
    await once(second.child, 'exit');
  }, 60_000);
});
