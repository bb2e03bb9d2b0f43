import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolate, startHub, testConfig, type RunningHub } from '../helpers/hub.js';

// Ingest finds-or-opens the customer's open conversation in one statement; when
// first messages of one customer race, the losers must land in the winner's
// conversation, never fail and never open a second one.

const iso = isolate('ingest_race');
const config = testConfig(iso);
let running: RunningHub;

beforeAll(async () => {
  running = await startHub(config);
});

afterAll(async () => {
  await running?.stop();
  await iso.cleanup();
});

describe('first messages of one customer arriving together', () => {
  it('all reach one customer and one open conversation; a later message continues it', async () => {
    const phone = '+989121234567';
    const first = (n: number) => running.hub.ingest.ingest({ channel: 'sms', externalId: `SMrace${n}`, identities: [{ kind: 'phone', value: phone }], body: `hello ${n}` });
    const results = await Promise.all([1, 2, 3, 4, 5, 6].map(first));
    expect(new Set(results.map((r) => r.customerId)).size).toBe(1);
    expect(new Set(results.map((r) => r.conversationId)).size).toBe(1);
    expect(results.every((r) => !r.duplicate)).toBe(true);

    const later = await first(7);
    expect(later.conversationId).toBe(results[0]!.conversationId);
    const open = await running.hub.db.selectFrom('conversations').select('id').where('customer_id', '=', later.customerId).where('status', '=', 'open').execute();
    expect(open).toHaveLength(1);
  });
});
