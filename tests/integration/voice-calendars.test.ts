// Business hours through the calendars API: listed with the hours nodes that
// use them and whether they are open by the hub's clock; one calendar replaced
// at a time, refused with paths below the calendar, audited, the rest of the
// flow untouched. Real Postgres and Redis.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BusinessCalendarDto, BusinessCalendarsDto } from '../../src/channels/voice/contracts.js';
import { adminClient, createAgent, isolate, startHub, testConfig, type Client, type RunningHub } from '../helpers/hub.js';

const BUSINESS = '+15005550006';
const iso = isolate('voice_calendars');
let running: RunningHub;
let admin: Client;
/** Tuesday 6 May 2025, 10:00 in Tehran (UTC+3:30). */
let clock = new Date('2025-05-06T06:30:00Z');

const flow = {
  name: 'Main line',
  start: 'hours',
  calendars: {
    office: { timezone: 'Asia/Tehran', weekly: { sat: ['08:00-17:00'], tue: ['08:00-17:00'] }, jalaliHolidays: ['01-01'] },
    spare: { timezone: 'Europe/London', weekly: {} },
  },
  nodes: {
    hours: { type: 'hours', calendar: 'office', open: 'queue', closed: 'bye' },
    queue: { type: 'queue', queue: 'voice' },
    bye: { type: 'hangup', prompt: 'We are closed.' },
  },
};

beforeAll(async () => {
  running = await startHub(testConfig(iso), { channelOptions: { voiceNow: () => clock } });
  admin = await adminClient(running.url);
  expect((await admin.json('PUT', `/api/voice/flows/${BUSINESS}`, flow)).status).toBe(200);
});

afterAll(async () => {
  await running?.stop();
  await iso.cleanup();
});

const calendars = async () => (await admin.json<BusinessCalendarsDto>('GET', '/api/voice/calendars')).body;

describe('business hours API', () => {
  it('lists each calendar with the menus that use it and whether it is open now', async () => {
    const body = await calendars();
    expect(body.now).toBe(clock.toISOString());
    expect(body.calendars.map((c) => [c.number, c.name, c.usedBy, c.state])).toEqual([
      [BUSINESS, 'office', ['hours'], { open: true, reason: 'open' }],
      [BUSINESS, 'spare', [], { open: false, reason: 'outside-hours' }],
    ]);
    expect(body.calendars[0]!.flowName).toBe('Main line');
  });

  it('refuses a bad time zone and an interval ending before it starts, naming both fields, and changes nothing', async () => {
    const res = await admin.json<{ error: { code: string; details: { path: string; message: string }[] } }>('PUT', `/api/voice/flows/${BUSINESS}/calendars/office`, {
      timezone: 'Mars/Olympus_Mons',
      weekly: { mon: ['09:00-17:00', '18:00-12:00'] },
      jalaliHolidays: ['12-31'],
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
    expect(res.body.error.details.map((d) => d.path)).toEqual(['body.timezone', 'body.weekly.mon.1', 'body.jalaliHolidays.0']);
    expect(res.body.error.details[0]!.message).toContain('unknown time zone');
    const unchanged = await calendars();
    expect(unchanged.calendars[0]!.calendar.timezone).toBe('Asia/Tehran');
  });

  it('saves one calendar, keeps the rest of the flow, and audits who changed what', async () => {
    // Nowruz and a one-off Jalali date, Christmas every year; Tuesdays now close at 09:00, so 10:00 is closed.
    const next = { timezone: 'Asia/Tehran', weekly: { sat: ['08:00-17:00'], tue: ['07:00-09:00'] }, holidays: ['12-25'], jalaliHolidays: ['01-01', '1404-01-13'] };
    const res = await admin.json<{ calendar: BusinessCalendarDto }>('PUT', `/api/voice/flows/${BUSINESS}/calendars/office`, next);
    expect(res.status).toBe(200);
    expect(res.body.calendar).toMatchObject({ number: BUSINESS, name: 'office', calendar: next, usedBy: ['hours'], state: { open: false, reason: 'outside-hours' } });

    const stored = await admin.json<{ flow: typeof flow }>('GET', `/api/voice/flows/${BUSINESS}`);
    expect(stored.body.flow.calendars.office).toEqual(next);
    expect(stored.body.flow.calendars.spare).toEqual(flow.calendars.spare);
    expect(stored.body.flow.nodes).toMatchObject(flow.nodes);

    const audits = await running.hub.db.selectFrom('audit_log').select(['action', 'subject_id', 'data']).where('action', '=', 'voice_calendar.update').execute();
    expect(audits).toHaveLength(1);
    expect(audits[0]!.subject_id).toBe(BUSINESS);
    expect(audits[0]!.data).toMatchObject({ calendar: 'office', before: flow.calendars.office, after: next });

    // A one-off Jalali holiday on a working Saturday: 16 Farvardin 1404 is 5 April 2025, and 10:30 there is within its hours.
    clock = new Date('2025-04-05T07:00:00Z');
    const withHoliday = await admin.json<{ calendar: BusinessCalendarDto }>('PUT', `/api/voice/flows/${BUSINESS}/calendars/office`, { ...next, jalaliHolidays: ['1404-01-16'] });
    expect(withHoliday.body.calendar.state).toEqual({ open: false, reason: 'jalali-holiday' });
  });

  it('is for admins; an unknown calendar or number is a 404', async () => {
    const agent = await createAgent(running.url, admin);
    expect((await agent.client.json('GET', '/api/voice/calendars')).status).toBe(403);
    expect((await agent.client.json('PUT', `/api/voice/flows/${BUSINESS}/calendars/office`, flow.calendars.office)).status).toBe(403);
    expect((await admin.json('PUT', `/api/voice/flows/${BUSINESS}/calendars/nights`, flow.calendars.office)).status).toBe(404);
    expect((await admin.json('PUT', '/api/voice/flows/+15005550009/calendars/office', flow.calendars.office)).status).toBe(404);
  });

  it('is described in the OpenAPI document', async () => {
    const doc = (await (await fetch(`${running.url}/api/openapi.json`)).json()) as { paths: Record<string, Record<string, { requestBody?: unknown }>> };
    expect(doc.paths['/api/voice/calendars']?.['get']).toBeDefined();
    expect(doc.paths['/api/voice/flows/{number}/calendars/{name}']?.['put']?.requestBody).toBeDefined();
  });
});
