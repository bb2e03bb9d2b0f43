import { readFile } from 'node:fs/promises';
import { parse as parseCsv } from 'csv-parse/sync';
import { sql } from 'kysely';
import { type Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { saveConsoleScreenshot as shot } from '../helpers/browser.js';
import { consoleSuite } from '../helpers/console-e2e.js';
import { createAgent } from '../helpers/hub.js';

// The Reports page in a real browser over a known, hand-built history: a
// supervisor picks a date range, reads the figures of a queue and of each agent
// (one conversation handed from Ann to Bob), sees them in Persian with Jalali
// dates, and downloads the CSV.

const e2e = consoleSuite('e2e_reports');

// 10:00 in Tehran on 2026-11-10 (19 Aban 1405).
const B = Date.parse('2026-11-10T06:30:00Z');
const at = (s: number) => new Date(B + s * 1000).toISOString();
const QUEUE = 'پشتیبانی Support';
let queueId = '';
let ann: Awaited<ReturnType<typeof createAgent>>;
let bob: Awaited<ReturnType<typeof createAgent>>;

async function seed(): Promise<void> {
  const db = e2e.hub.db;
  const q = await sql<{ id: string }>`insert into queues (name, channel, sl_threshold_seconds, wrap_up_seconds) values (${QUEUE}, 'webchat', 30, 10) returning id`.execute(db);
  queueId = q.rows[0]!.id;
  const conversation = async (p: { agent: string | null; closed: number; assigned: number | null; start: number; messages: [string | null, number][]; csat?: number }) => {
    const customer = (await sql<{ id: string }>`insert into customers (display_name) values ('c') returning id`.execute(db)).rows[0]!.id;
    const conv = (
      await sql<{ id: string }>`insert into conversations (customer_id, channel, status, queue_id, assigned_agent_id, created_at, updated_at, closed_at, last_seq)
        values (${customer}, 'webchat', 'closed', ${queueId}, ${p.agent}, ${at(p.start)}, ${at(p.closed)}, ${at(p.closed)}, ${p.messages.length}) returning id`.execute(db)
    ).rows[0]!.id;
    for (const [i, [author, t]] of p.messages.entries()) {
      await sql`insert into messages (conversation_id, seq, channel, direction, sender, author_user_id, body, created_at)
        values (${conv}, ${i + 1}, 'webchat', ${author ? 'out' : 'in'}, ${author ? 'agent' : 'customer'}, ${author}, 'hi', ${at(t)})`.execute(db);
    }
    const task = (
      await sql<{ id: string }>`insert into routing_tasks (conversation_id, queue_id, channel, status, cost, enqueued_at, assigned_agent_id, assigned_at, completed_at, abandoned_at, customer_id)
        values (${conv}, ${queueId}, 'webchat', ${p.assigned === null ? 'cancelled' : 'completed'}, 34, ${at(p.start)}, ${p.agent}, ${p.assigned === null ? null : at(p.assigned)}, ${at(p.closed)},
          ${p.assigned === null ? at(p.closed) : null}, ${customer}) returning id`.execute(db)
    ).rows[0]!.id;
    if (p.csat) await sql`insert into csat_responses (conversation_id, score) values (${conv}, ${p.csat})`.execute(db);
    return { conv, task };
  };
  // Ann takes it after 25 s and answers at 45 s; at 300 s it is handed to Bob, who answers at 330 s and closes at 600 s. Rated 4.
  const handed = await conversation({ agent: bob.id, start: 0, assigned: 25, closed: 600, messages: [[null, 0], [ann.id, 45], [null, 100], [bob.id, 330]], csat: 4 });
  await sql`delete from assignment_segments where task_id = ${handed.task}`.execute(db);
  await sql`insert into assignment_segments (task_id, conversation_id, queue_id, agent_id, started_at, ended_at, end_reason) values
    (${handed.task}, ${handed.conv}, ${queueId}, ${ann.id}, ${at(25)}, ${at(300)}, 'reassigned'),
    (${handed.task}, ${handed.conv}, ${queueId}, ${bob.id}, ${at(300)}, ${at(600)}, 'completed')`.execute(db);
  await sql`insert into offers (task_id, agent_id, cost, status, created_at, expires_at, decided_at) values (${handed.task}, ${ann.id}, 34, 'accepted', ${at(20)}, ${at(40)}, ${at(25)})`.execute(db);
  // A customer who gave up after 60 s.
  await conversation({ agent: null, start: 1000, assigned: null, closed: 1060, messages: [[null, 1000]] });
  // Ann logged in 2000 s, Bob 1000 s.
  for (const [user, status, t] of [
    [ann.id, 'available', -600],
    [ann.id, 'offline', 1400],
    [bob.id, 'available', 200],
    [bob.id, 'offline', 1200],
  ] as const) {
    await sql`insert into agent_status_history (user_id, status, at) values (${user}, ${status}, ${at(t)})`.execute(db);
  }
}

beforeAll(async () => {
  ann = await createAgent(e2e.url, e2e.admin, { name: 'Ann Report' });
  bob = await createAgent(e2e.url, e2e.admin, { name: 'Bob Report' });
  await seed();
});

const cells = async (page: Page, id: string) => page.locator(`[data-testid="reports-row"][data-id="${id}"] td`).allTextContents();

describe('Reports page', () => {
  it('a supervisor reads a known day per queue and per agent, in English and Persian, and downloads the CSV', async () => {
    const supervisor = await createAgent(e2e.url, e2e.admin, { name: 'Sima Supervisor', role: 'supervisor' });
    // The browser's zone is the report's: Tehran days.
    const page = await e2e.openConsole(supervisor, { timezoneId: 'Asia/Tehran', viewport: { width: 1400, height: 900 }, acceptDownloads: true });
    await page.getByTestId('nav-reports').click();
    await page.getByTestId('reports-page').waitFor();

    // One day: 2026-11-10, by queue.
    await page.getByTestId('reports-from').fill('2026-11-10');
    await page.getByTestId('reports-to').fill('2026-11-10');
    await page.getByTestId('reports-show').click();
    await expect.poll(() => page.getByTestId('reports-range').textContent()).toContain('10 Nov 2026');
    expect(await page.getByTestId('reports-range').textContent()).toContain('Asia/Tehran');
    // offered, answered, abandoned, SL, ASA, AHT (575 s + 10 s wrap-up), abandon rate, first response, resolution ((600 + 60) / 2), CSAT.
    await expect.poll(() => cells(page, queueId)).toEqual(['2', '1', '1', '100%', '0:25', '9:45', '50%', '0:45', '5:30', '4 (1)']);
    await shot(page, 'reports-queue-en.png');

    // By agent: each credited with the part they held.
    await page.getByTestId('reports-group').selectOption('agent');
    await page.getByTestId('reports-show').click();
    await page.locator(`[data-testid="reports-row"][data-id="${ann.id}"]`).waitFor();
    // offered, answered, SL, ASA, AHT, occupancy (275 / 2000), logged in, first response, resolution, CSAT.
    expect(await cells(page, ann.id)).toEqual(['1', '1', '100%', '0:25', '4:35', '14%', '33:20', '0:45', '—', '—']);
    // Bob was handed it at 300 s with the customer's 100 s message open: 300 → 330 s. 300 s + 10 s wrap-up; 310 / 1000 busy.
    expect(await cells(page, bob.id)).toEqual(['0', '1', '—', '—', '5:10', '31%', '16:40', '0:30', '10:00', '4 (1)']);
    expect(await page.getByTestId('reports-help').textContent()).toContain('credited with the part of a conversation they held');
    await shot(page, 'reports-agent-en.png');

    // The CSV of what is on screen.
    const downloadP = page.waitForEvent('download');
    await page.getByTestId('reports-csv').click();
    const download = await downloadP;
    expect(download.suggestedFilename()).toBe('pasokh-report-agent-2026-11-10-2026-11-11.csv');
    const file = await download.path();
    const bytes = await readFile(file);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const records = parseCsv(bytes.subarray(3).toString('utf8'), { columns: true }) as Record<string, string>[];
    expect(records.find((r) => r['id'] === ann.id)).toMatchObject({ kind: 'agent', name: 'Ann Report', offered: '1', answered: '1', asa_seconds: '25', aht_seconds: '275', occupancy_pct: '13.8', logged_in_seconds: '2000', busy_seconds: '275', first_response_seconds: '45', csat_count: '0' });
    expect(records.find((r) => r['id'] === bob.id)).toMatchObject({ kind: 'agent', name: 'Bob Report', offered: '0', answered: '1', asa_seconds: '', aht_seconds: '310', logged_in_seconds: '1000', first_response_seconds: '30', resolution_seconds: '600', csat_average: '4', csat_count: '1' });
    expect(records.at(-1)).toMatchObject({ kind: 'total', offered: '2', answered: '1', abandoned: '1', csat_average: '4' });

    // Persian: right to left, Persian digits, Jalali dates.
    await page.getByTestId('lang-switch').click();
    await page.locator('html[dir="rtl"]').waitFor({ state: 'attached' });
    await expect.poll(() => page.getByTestId('reports-range').textContent()).toContain('آبان');
    expect(await page.getByTestId('reports-range').textContent()).toContain('۱۴۰۵');
    expect(await page.getByTestId('reports-from-shown').textContent()).toContain('۱۹');
    expect(await cells(page, bob.id)).toEqual(['۰', '۱', '—', '—', '۵:۱۰', '۳۱٪', '۱۶:۴۰', '۰:۳۰', '۱۰:۰۰', '۴ (۱)']);
    await shot(page, 'reports-agent-fa.png');
  }, 60_000);
});
