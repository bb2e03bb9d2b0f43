import { afterAll, describe, expect, it } from 'vitest';
import { chatSocket, isolate, startHub, testConfig } from '../helpers/hub.js';

const iso = isolate('shutdown');

afterAll(async () => {
  await iso.cleanup();
});

describe('graceful shutdown', () => {
  it('every message acknowledged while the hub stops is in the database, none twice', async () => {
    const running = await startHub(testConfig(iso));
    const { socket } = await chatSocket(running.url, { name: 'Last words' });
    const sends = Array.from({ length: 30 }, (_, i) =>
      socket
        .timeout(5_000)
        .emitWithAck('message', { clientId: `s-${i}`, body: `message ${i}` })
        .then(
          (ack) => ({ i, ack }),
          () => ({ i, ack: null }),
        ),
    );
    // Stop while the hub is in the middle of the burst.
    await sends[0];
    const stopping = running.stop();
    const results = await Promise.all(sends);
    await stopping;

    const acked = results.filter((r) => r.ack?.ok).map((r) => (r.ack as { id: string }).id);
    expect(acked.length).toBeGreaterThan(0);
    // Unacknowledged ones are the widget's to resend (same clientId); acknowledged ones must be stored.
    // Check with a fresh hub on the same database: what was acknowledged survived.
    const again = await startHub(testConfig(iso));
    const stored = await again.hub.db.selectFrom('messages').select('id').where('id', 'in', acked).execute();
    expect(stored).toHaveLength(acked.length);
    // And nothing was stored twice.
    const all = await again.hub.db.selectFrom('messages').select('external_id').execute();
    expect(new Set(all.map((m) => m.external_id)).size).toBe(all.length);
    await again.stop();
    socket.close();
  });

  it('/readyz reports 503 naming Redis when Redis is unreachable', async () => {
    const running = await startHub(testConfig(iso));
    running.hub.redis.disconnect();
    const res = await fetch(`${running.url}/readyz`);
    expect(res.status).toBe(503);
    const body = (await res.json()) as { checks: Record<string, string> };
    expect(body.checks['postgres']).toBe('ok');
    expect(body.checks['redis']).toMatch(/unreachable|closed|timeout/i);
    await running.stop();
  });
});
