// @vitest-environment happy-dom
// Supervisor monitoring from the agents table: an agent on a live call gets
// listen / whisper / barge buttons; each goes to the hub's monitor endpoint,
// and stop ends the supervisor's leg. Agents not on a call get none.
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AgentStatsDto, VoiceLiveCallDto, VoiceMonitorMode } from '../../src/contracts/index.js';
import { I18nProvider } from '../src/console/i18n/I18nProvider.js';
import { AgentsTable } from '../src/console/supervisor/AgentsTable.js';

const agent = (id: string, name: string, p: Partial<AgentStatsDto> = {}): AgentStatsDto => ({
  id,
  name,
  status: 'available',
  connected: true,
  used: 100,
  capacity: 100,
  since: '2026-11-23T10:00:00Z',
  secondsInState: 60,
  conversations: 1,
  wrapUpUntil: null,
  ...p,
});

const CONV = '9a0c1e52-7b6a-4c55-9a8e-2b1f0c9d7e11';
let requests: { method: string; url: string; body: unknown }[];
let monitoring: VoiceMonitorMode | null;
let monitorAnswer: () => Response;
const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

beforeEach(() => {
  requests = [];
  monitoring = null;
  monitorAnswer = () => json({ mode: monitoring, legSid: `CA${'5'.repeat(32)}` }, 201);
  window.localStorage.setItem('pasokh:console:lang', 'en');
  vi.stubGlobal('fetch', (url: string, init?: RequestInit) => {
    const method = init?.method ?? 'GET';
    const body: unknown = init?.body ? JSON.parse(String(init.body)) : undefined;
    requests.push({ method, url, body });
    if (url === '/api/voice/live') {
      const calls: VoiceLiveCallDto[] = [{ conversationId: CONV, callSid: `CA${'4'.repeat(32)}`, agentId: 'a1', state: 'connected', from: '+989121234567', onHold: false, connectedAt: '2026-11-23T10:00:00Z', monitoring }];
      return Promise.resolve(json({ calls }));
    }
    if (url === `/api/voice/calls/${CONV}/monitor` && method === 'POST') {
      monitoring = (body as { mode: VoiceMonitorMode }).mode;
      return Promise.resolve(monitorAnswer());
    }
    if (url === `/api/voice/calls/${CONV}/monitor` && method === 'DELETE') {
      monitoring = null;
      return Promise.resolve(new Response(null, { status: 204 }));
    }
    return Promise.resolve(json({ conversations: [] }));
  });
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const row = (id: string) => screen.getAllByTestId('agent-row').find((r) => r.getAttribute('data-agent-id') === id)!;

describe('supervisor monitoring buttons', () => {
  it('listen, then whisper, then stop, on the agent who is on a call; nobody else has the buttons', async () => {
    render(
      <I18nProvider>
        <AgentsTable agents={[agent('a1', 'Sara'), agent('a2', 'Reza', { used: 0, conversations: 0 })]} elapsedSeconds={0} hubNow={Date.now()} />
      </I18nProvider>,
    );
    const cell = await waitFor(() => within(row('a1')).getByTestId('monitor-cell'));
    expect(within(row('a2')).queryByTestId('monitor-cell')).toBeNull();
    expect(within(cell).queryByTestId('monitor-stop')).toBeNull();

    fireEvent.click(within(cell).getByTestId('monitor-listen'));
    await waitFor(() => expect(within(cell).getByTestId('monitor-listen').getAttribute('aria-pressed')).toBe('true'));
    expect(requests.filter((r) => r.method !== 'GET')).toEqual([{ method: 'POST', url: `/api/voice/calls/${CONV}/monitor`, body: { mode: 'listen' } }]);

    fireEvent.click(within(cell).getByTestId('monitor-whisper'));
    await waitFor(() => expect(within(cell).getByTestId('monitor-whisper').getAttribute('aria-pressed')).toBe('true'));
    expect(requests.filter((r) => r.method !== 'GET').at(-1)).toEqual({ method: 'POST', url: `/api/voice/calls/${CONV}/monitor`, body: { mode: 'whisper' } });

    fireEvent.click(within(cell).getByTestId('monitor-stop'));
    await waitFor(() => expect(within(cell).queryByTestId('monitor-stop')).toBeNull());
    expect(requests.filter((r) => r.method !== 'GET').at(-1)).toEqual({ method: 'DELETE', url: `/api/voice/calls/${CONV}/monitor`, body: undefined });
  });

  it('a refusal from the hub is shown in the row', async () => {
    monitorAnswer = () => json({ error: { code: 'twilio_failed', message: 'could not start monitoring: Twilio answered HTTP 400' } }, 502);
    render(
      <I18nProvider>
        <AgentsTable agents={[agent('a1', 'Sara')]} elapsedSeconds={0} hubNow={Date.now()} />
      </I18nProvider>,
    );
    const cell = await waitFor(() => within(row('a1')).getByTestId('monitor-cell'));
    fireEvent.click(within(cell).getByTestId('monitor-barge'));
    expect((await within(cell).findByRole('alert')).textContent).toBe('could not start monitoring: Twilio answered HTTP 400');
  });
});
