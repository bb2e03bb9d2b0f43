// Dialer campaigns through the HTTP API against real Postgres and Redis: create and validation errors,
// a contact list with broken rows, do-not-call (API and SMS STOP / START through the signed webhook),
// start and pause.
import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inboundSmsParams } from '../../src/cli/simulate.js';
import { adminClient, createAgent, eventually, isolate, startHub, testConfig, type Client, type RunningHub } from '../helpers/hub.js';
import { TwilioFake } from '../helpers/twilio-fake.js';

const PUBLIC_URL = 'https://pasokh.example.com';
const SMS_INBOUND = '/webhooks/twilio/sms';
const BUSINESS = '+15005550006';

const iso = isolate('dialer_campaigns');
const fake = new TwilioFake();
let running: RunningHub;
let admin: Client;
let supervisor: Client;
let agent: Client;
let voiceQueueId: string;
let chatQueueId: string;
let campaignCounter = 0;

interface CampaignBody {
  id: string;
  name: string;
  status: string;
  retry: Record<string, { gapMinutes: number; maxAttempts: number }>;
  counts: Record<string, number>;
}
interface ImportBody {
  status: string;
  total: number;
  imported: number;
  invalid: number;
  duplicates: number;
  dnc: number;
  error: string | null;
  report: { line: number; reason: string; value?: string }[];
}
interface ErrorBody {
  error: { code: string; message: string; details?: { path: string; message: string }[] };
}

const newSid = () => `SM${Array.from({ length: 32 }, () => '0123456789abcdef'[Math.floor(Math.random() * 16)]).join('')}`;

function validCampaign(overrides: Record<string, unknown> = {}) {
  campaignCounter += 1;
  return {
    name: `Renewals ${campaignCounter}`,
    ruleSet: 'US',
    mode: 'predictive',
    callerId: '+12025550100',
    queueId: voiceQueueId,
    message: { text: 'This is Pasokh Insurance. Call us back on 202 555 0100; press 9 to stop these calls.', language: 'en' },
    ...overrides,
  };
}

async function createCampaign(overrides: Record<string, unknown> = {}): Promise<CampaignBody> {
  const res = await supervisor.json<{ campaign: CampaignBody }>('POST', '/api/dialer/campaigns', validCampaign(overrides));
  expect(res.status).toBe(201);
  return res.body.campaign;
}

async function upload(client: Client, campaignId: string, csv: string, query = ''): Promise<Response> {
  return client.request('POST', `/api/dialer/campaigns/${campaignId}/imports${query}`, csv, { 'content-type': 'text/csv' });
}

/** Uploads and waits for the import to finish; returns the finished import. */
async function importCsv(campaignId: string, csv: string, query = ''): Promise<ImportBody> {
  const res = await upload(supervisor, campaignId, csv, query);
  expect(res.status).toBe(202);
  const { importId } = (await res.json()) as { importId: string };
  return eventually(
    async () => {
      const r = await supervisor.json<{ import: ImportBody }>('GET', `/api/dialer/imports/${importId}`);
      return r.body.import.status === 'running' ? null : r.body.import;
    },
    20_000,
    'the import to finish',
  );
}

async function contacts(campaignId: string, query = ''): Promise<{ phone: string; status: string; customerId: string | null; line: number; name: string | null; fields: Record<string, string>; timeZones: string[] }[]> {
  const res = await supervisor.json<{ contacts: never[] }>('GET', `/api/dialer/campaigns/${campaignId}/contacts${query}`);
  expect(res.status).toBe(200);
  return res.body.contacts;
}

function postSms(from: string, body: string) {
  const params = inboundSmsParams({ from, to: BUSINESS, body, sid: newSid(), accountSid: fake.accountSid });
  return fetch(running.url + SMS_INBOUND, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilio.getExpectedTwilioSignature(fake.authToken, PUBLIC_URL + SMS_INBOUND, params) },
    body: new URLSearchParams(params).toString(),
  });
}

async function dncRow(phone: string) {
  return running.hub.db.selectFrom('dialer_dnc').selectAll().where('phone', '=', phone).executeTakeFirst();
}

beforeAll(async () => {
  await fake.start();
  running = await startHub(testConfig(iso, { PUBLIC_URL, TWILIO_ACCOUNT_SID: fake.accountSid, TWILIO_AUTH_TOKEN: fake.authToken, COOKIE_SECURE: 'false' }), {
    channelOptions: { twilioHttpClient: fake.httpClient() },
  });
  admin = await adminClient(running.url);
  supervisor = (await createAgent(running.url, admin, { role: 'supervisor', name: 'Sima' })).client;
  agent = (await createAgent(running.url, admin, { name: 'Arash' })).client;
  const voice = await admin.json<{ queue: { id: string } }>('POST', '/api/queues', { name: 'Outbound sales', channel: 'voice' });
  expect(voice.status).toBe(201);
  voiceQueueId = voice.body.queue.id;
  const chat = await admin.json<{ queue: { id: string } }>('POST', '/api/queues', { name: 'Chat sales', channel: 'webchat' });
  chatQueueId = chat.body.queue.id;
});

afterAll(async () => {
  await running?.stop();
  await fake.stop();
  await iso.cleanup();
});

describe('campaigns API', () => {
  it('creates a campaign, lists it with counts, and audits it; agents read but may not create', async () => {
    const c = await createCampaign({ ruleSet: 'UK', callerId: '+442079460999' });
    expect(c).toMatchObject({ status: 'draft', counts: { pending: 0, total: 0 } });
    // UK defaults sit on Ofcom's minimum gaps.
    expect(c.retry['machine']).toEqual({ gapMinutes: 1440, maxAttempts: 2 });
    expect(c.retry['abandoned']).toEqual({ gapMinutes: 4320, maxAttempts: 2 });

    const list = await agent.json<{ campaigns: CampaignBody[] }>('GET', '/api/dialer/campaigns');
    expect(list.status).toBe(200);
    expect(list.body.campaigns.map((x) => x.id)).toContain(c.id);
    const refused = await agent.json<ErrorBody>('POST', '/api/dialer/campaigns', validCampaign());
    expect(refused.status).toBe(403);

    const logged = await running.hub.db.selectFrom('audit_log').selectAll().where('action', '=', 'dialer.campaign.create').where('subject_id', '=', c.id).executeTakeFirst();
    expect(logged).toBeDefined();
  });

  it('refuses bad settings with 400 and the field named', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ callingWindow: { start: '12:00', end: '11:00' } }, 'body.callingWindow.end'],
      [{ callingWindow: { start: '07:00', end: '20:00' } }, 'body.callingWindow.start'],
      [{ message: { language: 'en' } }, 'body.message'],
      [{ ruleSet: 'UK', retry: { abandoned: { gapMinutes: 60, maxAttempts: 2 } } }, 'body.retry.abandoned.gapMinutes'],
      [{ ruleSet: 'UK', retry: { machine: { gapMinutes: 600, maxAttempts: 2 } } }, 'body.retry.machine.gapMinutes'],
      [{ ringSeconds: 10 }, 'body.ringSeconds'],
      [{ abandonTarget: 0.04 }, 'body.abandonTarget'],
      [{ pacing: 'turbo' }, 'body.pacing'],
      [{ queueId: chatQueueId }, 'body.queueId'],
      [{ queueId: '00000000-0000-4000-8000-000000000000' }, 'body.queueId'],
    ];
    for (const [overrides, path] of cases) {
      const res = await supervisor.json<ErrorBody>('POST', '/api/dialer/campaigns', validCampaign(overrides));
      expect(res.status, path).toBe(400);
      expect(res.body.error.details?.map((d) => d.path), path).toContain(path);
    }
    const taken = await createCampaign();
    const dup = await supervisor.json<ErrorBody>('POST', '/api/dialer/campaigns', { ...validCampaign(), name: taken.name });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe('name_taken');
  });

  it('PATCH validates the merged campaign the same way and only while draft or paused', async () => {
    const c = await createCampaign({ ruleSet: 'UK', callerId: '+442079460998' });
    const bad = await supervisor.json<ErrorBody>('PATCH', `/api/dialer/campaigns/${c.id}`, { retry: { machine: { gapMinutes: 60, maxAttempts: 2 } } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details?.map((d) => d.path)).toEqual(['body.retry.machine.gapMinutes']);
    const good = await supervisor.json<{ campaign: CampaignBody & { ringSeconds: number } }>('PATCH', `/api/dialer/campaigns/${c.id}`, { ringSeconds: 30 });
    expect(good.status).toBe(200);
    expect(good.body.campaign.ringSeconds).toBe(30);
  });
});

describe('contact list import', () => {
  it('imports the good rows, reports the broken ones by physical line, links customers, and start/pause work', async () => {
    const c = await createCampaign();
    // Start refuses an empty campaign, with the reason.
    const early = await supervisor.json<ErrorBody>('POST', `/api/dialer/campaigns/${c.id}/start`);
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('no_pending_contacts');

    await supervisor.json('POST', '/api/dialer/dnc', { phone: '+12125550150', reason: 'asked on the phone' });
    const csv = [
      'phone,name,timezone,plan',
      '(202) 555-0171,Jane Doe,,gold', // 2
      '+12125550172,"Smith, John",America/Chicago,silver', // 3
      'not a number,Bad,,', // 4
      '"+12125550173,Unclosed quote,,', // 5
      '+12125550174,Kim,,', // 6: still imported after the broken line
      '202-555-0171,Jane again,,', // 7: duplicate of line 2
      '+12125550150,On the list,,', // 8: do-not-call
      '+12125550175,Zed,Moon/Base,', // 9: bad zone
      '',
    ].join('\n');
    const done = await importCsv(c.id, csv, '?filename=list.csv');
    expect(done).toMatchObject({ status: 'done', total: 8, imported: 3, invalid: 3, duplicates: 1, dnc: 1, error: null });
    expect(done.report.map((p) => [p.line, p.reason])).toEqual([
      [4, 'invalid-number'],
      [5, 'malformed-row'],
      [7, 'duplicate'],
      [8, 'do-not-call'],
      [9, 'invalid-time-zone'],
    ]);

    const list = await contacts(c.id);
    expect(list.map((x) => [x.line, x.phone, x.name, x.status])).toEqual([
      [2, '+12025550171', 'Jane Doe', 'pending'],
      [3, '+12125550172', 'Smith, John', 'pending'],
      [6, '+12125550174', 'Kim', 'pending'],
    ]);
    expect(list[1]!.timeZones).toEqual(['America/Chicago']);
    expect(list[0]!.fields).toEqual({ plan: 'gold' });
    // Each contact belongs to the customer owning that phone identity.
    for (const contact of list) {
      const identity = await running.hub.db.selectFrom('customer_identities').selectAll().where('kind', '=', 'phone').where('value', '=', contact.phone).executeTakeFirstOrThrow();
      expect(contact.customerId).toBe(identity.customer_id);
    }

    // The same file again adds nothing: everything is a duplicate, already in the campaign.
    const again = await importCsv(c.id, csv);
    expect(again).toMatchObject({ imported: 0, duplicates: 4, dnc: 1, invalid: 3 });

    const started = await supervisor.json<{ campaign: CampaignBody }>('POST', `/api/dialer/campaigns/${c.id}/start`);
    expect(started.status).toBe(200);
    expect(started.body.campaign).toMatchObject({ status: 'running', counts: { pending: 3, total: 3 } });
    const patchRunning = await supervisor.json<ErrorBody>('PATCH', `/api/dialer/campaigns/${c.id}`, { ringSeconds: 40 });
    expect(patchRunning.status).toBe(409);
    const paused = await supervisor.json<{ campaign: CampaignBody }>('POST', `/api/dialer/campaigns/${c.id}/pause`);
    expect(paused.body.campaign.status).toBe('paused');
  });

  it('a large file goes in by batches of 500, an existing SMS customer is reused, and paging walks every contact', async () => {
    const c = await createCampaign();
    const sms = await postSms('+12125551000', 'hello from a customer who texted first');
    expect(sms.status).toBe(200);
    const rows = ['phone,name'];
    for (let i = 0; i < 1200; i += 1) rows.push(`+1212${String(5550000 + i)},Person ${i}`);
    const done = await importCsv(c.id, rows.join('\n'));
    // +12125550150 went on the do-not-call list in the test before.
    expect(done).toMatchObject({ status: 'done', total: 1200, imported: 1199, dnc: 1, invalid: 0 });
    const batches = await running.hub.db.selectFrom('dialer_contacts').select('created_at').distinct().where('campaign_id', '=', c.id).execute();
    expect(batches).toHaveLength(3);
    const texted = await running.hub.db.selectFrom('dialer_contacts').select(['customer_id', 'line']).where('campaign_id', '=', c.id).where('phone', '=', '+12125551000').executeTakeFirstOrThrow();
    const texter = await running.hub.db.selectFrom('customer_identities').select('customer_id').where('kind', '=', 'phone').where('value', '=', '+12125551000').executeTakeFirstOrThrow();
    expect(texted).toEqual({ customer_id: texter.customer_id, line: 1002 });
    // Paging with the cursor walks every contact once.
    const seen = new Set<string>();
    let cursor: string | null = null;
    do {
      const page: { status: number; body: { contacts: { phone: string }[]; nextCursor: string | null } } = await supervisor.json('GET', `/api/dialer/campaigns/${c.id}/contacts?limit=500${cursor ? `&cursor=${cursor}` : ''}`);
      page.body.contacts.forEach((x) => seen.add(x.phone));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen.size).toBe(1199);
  });

  it('refuses a file without a phone column, a non-CSV body, and an agent', async () => {
    const c = await createCampaign();
    const failed = await importCsv(c.id, 'name,email\nJane,jane@example.com\n');
    expect(failed).toMatchObject({ status: 'failed', imported: 0 });
    expect(failed.error).toMatch(/phone/);
    const json = await supervisor.request('POST', `/api/dialer/campaigns/${c.id}/imports`, { rows: [] });
    expect(json.status).toBe(415);
    expect((await upload(agent, c.id, 'phone\n+12025550100\n')).status).toBe(403);
    const badRegion = await upload(supervisor, c.id, 'phone\n2025550100\n', '?defaultRegion=XX');
    expect(badRegion.status).toBe(400);
  });
});

describe('do-not-call', () => {
  it('adding a number stops pending contacts in every campaign; bad numbers are named; removing works', async () => {
    const a = await createCampaign();
    const b = await createCampaign();
    await importCsv(a.id, 'phone\n+13125550180\n+13125550181\n');
    await importCsv(b.id, 'phone\n+13125550180\n');
    const bad = await supervisor.json<ErrorBody>('POST', '/api/dialer/dnc', { phones: ['+13125550180', 'nope'] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details?.map((d) => d.path)).toEqual(['body.phones.1']);
    expect(await dncRow('+13125550180')).toBeUndefined();

    const added = await supervisor.json<{ added: number; contactsStopped: number }>('POST', '/api/dialer/dnc', { phones: ['(312) 555-0180'], reason: 'complaint' });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ added: 1, contactsStopped: 2 });
    expect((await contacts(a.id)).map((x) => [x.phone, x.status])).toEqual([
      ['+13125550180', 'dnc'],
      ['+13125550181', 'pending'],
    ]);
    expect((await contacts(b.id))[0]!.status).toBe('dnc');

    const listed = await supervisor.json<{ entries: { phone: string; source: string }[] }>('GET', '/api/dialer/dnc?q=3125550180');
    expect(listed.body.entries).toEqual([expect.objectContaining({ phone: '+13125550180', source: 'company', reason: 'complaint' })]);
    expect((await agent.json('GET', '/api/dialer/dnc')).status).toBe(403);

    const csv = await supervisor.request('POST', '/api/dialer/dnc?source=api', 'phone,note\n+13125550182,x\ngarbage,y\n', { 'content-type': 'text/csv' });
    expect(csv.status).toBe(201);
    expect(await csv.json()).toMatchObject({ added: 1, invalid: [{ line: 3, value: 'garbage' }] });
    expect((await dncRow('+13125550182'))?.source).toBe('api');

    const removed = await supervisor.request('DELETE', `/api/dialer/dnc?phone=${encodeURIComponent('+13125550182')}`);
    expect(removed.status).toBe(204);
    expect(await dncRow('+13125550182')).toBeUndefined();
  });

  it('SMS STOP puts the number on the list (source sms) and stops its contacts; START takes off only what STOP put there', async () => {
    const c = await createCampaign();
    await importCsv(c.id, 'phone\n+14155550190\n');
    expect((await postSms('+14155550190', 'STOP')).status).toBe(200);
    expect(await dncRow('+14155550190')).toMatchObject({ source: 'sms' });
    expect((await contacts(c.id))[0]!.status).toBe('dnc');
    // An import after the STOP leaves the number out.
    const later = await createCampaign();
    expect(await importCsv(later.id, 'phone\n+14155550190\n')).toMatchObject({ imported: 0, dnc: 1 });

    expect((await postSms('+14155550190', 'start')).status).toBe(200);
    expect(await dncRow('+14155550190')).toBeUndefined();

    // A company entry survives STOP then START.
    await supervisor.json('POST', '/api/dialer/dnc', { phone: '+14155550191' });
    expect((await postSms('+14155550191', 'STOP')).status).toBe(200);
    expect((await postSms('+14155550191', 'UNSTOP')).status).toBe(200);
    expect(await dncRow('+14155550191')).toMatchObject({ source: 'company' });

    // STOP first, then a supervisor adds it: the entry becomes the company's, and START leaves it.
    expect((await postSms('+14155550192', 'STOP')).status).toBe(200);
    await supervisor.json('POST', '/api/dialer/dnc', { phone: '+14155550192' });
    expect((await postSms('+14155550192', 'START')).status).toBe(200);
    expect(await dncRow('+14155550192')).toMatchObject({ source: 'company' });
  });
});
