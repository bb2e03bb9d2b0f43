// @vitest-environment happy-dom
// The console's browser phone with a fake Twilio Device: the hub's ring is
// answered and the call bar shows the caller; hold goes through the hub's hold
// endpoint; a hub without voice credentials says what to set (once, no retry
// loop); Device errors are explained in the user's language; tokens are
// renewed before they expire; agents on a phone set their number.
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { VoiceCallDto, VoiceLegCallDto } from '../../src/contracts/index.js';
import { I18nProvider } from '../src/console/i18n/I18nProvider.js';
import type { DeviceErrorLike, PhoneCall, PhoneDevice } from '../src/console/voice/device.js';
import { Phone } from '../src/console/voice/phone.js';
import { PhoneDock } from '../src/console/voice/PhoneDock.js';
import { voiceApi } from '../src/console/voice/voiceApi.js';

type Listener = (...args: never[]) => void;

class Emitter {
  private readonly handlers = new Map<string, Listener[]>();
  on(event: string, listener: Listener): this {
    this.handlers.set(event, [...(this.handlers.get(event) ?? []), listener]);
    return this;
  }
  emit(event: string, ...args: unknown[]): void {
    for (const h of this.handlers.get(event) ?? []) (h as (...a: unknown[]) => void)(...args);
  }
}

class FakeCall extends Emitter implements PhoneCall {
  accepted = false;
  rejected = false;
  muted = false;
  constructor(readonly parameters: Record<string, string>) {
    super();
  }
  accept(): void {
    this.accepted = true;
    this.emit('accept');
  }
  reject(): void {
    this.rejected = true;
    this.emit('reject');
  }
  disconnect(): void {
    this.emit('disconnect');
  }
  mute(shouldMute = true): void {
    this.muted = shouldMute;
  }
  isMuted(): boolean {
    return this.muted;
  }
}

class FakeDevice extends Emitter implements PhoneDevice {
  tokens: string[] = [];
  destroyed = false;
  constructor(token: string) {
    super();
    this.tokens.push(token);
  }
  register(): Promise<void> {
    this.emit('registered');
    return Promise.resolve();
  }
  updateToken(token: string): void {
    this.tokens.push(token);
  }
  destroy(): void {
    this.destroyed = true;
  }
  /** Twilio's side: the hub rang this browser. */
  ring(legSid: string, from: string): FakeCall {
    const call = new FakeCall({ CallSid: legSid, From: from });
    act(() => this.emit('incoming', call));
    return call;
  }
  fail(err: DeviceErrorLike): void {
    act(() => this.emit('error', err));
  }
}

// ---- the hub, as far as the phone sees it (its real endpoint paths) ----------------------

const LEG = `CA${'1'.repeat(32)}`;
const CONSULT = `CA${'6'.repeat(32)}`;
const CONV = '3f0c1e52-7b6a-4c55-9a8e-2b1f0c9d7e11';
const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

let requests: { method: string; url: string; body: unknown }[];
let tokenAnswer: () => Response;
let device: { device: 'browser' | 'phone'; phoneNumber: string | null };
let call: VoiceCallDto;
let tokenCount: number;

function baseCall(): VoiceCallDto {
  return {
    callSid: `CA${'2'.repeat(32)}`,
    conversationId: CONV,
    state: 'connected',
    from: '+989121234567',
    to: '+15005550006',
    language: 'fa',
    queue: 'voice',
    onHold: false,
    agentId: 'me',
    callbackRequested: false,
    transfer: null,
    ivrPath: [],
    legs: [{ callSid: LEG, role: 'agent', userId: 'me', mode: null, status: 'in-progress', answeredAt: new Date().toISOString() }],
    createdAt: new Date().toISOString(),
    connectedAt: new Date().toISOString(),
    endedAt: null,
  };
}

function route(method: string, url: string, body: unknown): Response {
  if (method === 'GET' && url === '/api/voice/token') {
    tokenCount += 1;
    return tokenAnswer();
  }
  if (url === '/api/voice/me') {
    if (method === 'PUT') device = body as typeof device;
    return json(device);
  }
  if (method === 'GET' && url === `/api/voice/legs/${LEG}`) return json({ call, leg: { callSid: LEG, role: 'agent', mode: null } } satisfies VoiceLegCallDto);
  if (method === 'GET' && url === '/api/voice/me/leg') return new Response(null, { status: 204 });
  if (method === 'POST' && url === `/api/voice/calls/${CONV}/hold`) {
    call = { ...call, onHold: (body as { hold: boolean }).hold };
    return json({ call });
  }
  if (method === 'GET' && url === '/api/voice/transfer-targets') {
    return json({ agents: [{ id: 'kian', name: 'Kian', status: 'available', canTakeCall: true }, { id: 'mina', name: 'Mina', status: 'away', canTakeCall: false }], queues: [{ id: 'q1', name: 'billing' }] });
  }
  if (method === 'POST' && url === `/api/voice/calls/${CONV}/transfer`) {
    const t = body as { mode: string; agentId?: string };
    if (t.mode === 'warm') {
      call = { ...call, onHold: true, transfer: { toAgentId: t.agentId!, legSid: CONSULT, byUserId: 'me' }, legs: [...call.legs, { callSid: CONSULT, role: 'consult', userId: t.agentId!, mode: null, status: 'ringing', answeredAt: null }] };
    }
    return json({ transfer: body });
  }
  if (method === 'POST' && url === `/api/voice/calls/${CONV}/transfer/complete`) {
    call = { ...call, state: 'ended' };
    return json({ ok: true });
  }
  if (method === 'POST' && url === `/api/voice/calls/${CONV}/hangup`) {
    call = { ...call, state: 'ended', endedAt: new Date().toISOString() };
    return json({ call });
  }
  return json({ error: { code: 'not_found', message: `no route ${method} ${url}` } }, 404);
}

beforeEach(() => {
  requests = [];
  tokenCount = 0;
  device = { device: 'browser', phoneNumber: null };
  call = baseCall();
  tokenAnswer = () => json({ token: `token-${tokenCount}`, identity: 'agent_me', expiresAt: new Date(Date.now() + 3_600_000).toISOString() });
  window.localStorage.setItem('pasokh:console:lang', 'en');
  window.localStorage.removeItem('pasokh:voice:autoAnswer');
  vi.stubGlobal('fetch', (url: string, init?: RequestInit) => {
    const method = init?.method ?? 'GET';
    const body: unknown = init?.body ? JSON.parse(String(init.body)) : undefined;
    requests.push({ method, url, body });
    return Promise.resolve(route(method, url, body));
  });
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

/** Renders the dock with a phone whose Device is a fake; returns the Device once it exists. */
function renderPhone(): { devices: FakeDevice[]; phone: Phone } {
  const devices: FakeDevice[] = [];
  const phone = new Phone({
    fetchToken: voiceApi.token,
    createDevice: (token) => {
      const d = new FakeDevice(token);
      devices.push(d);
      return Promise.resolve(d);
    },
    storage: window.localStorage,
  });
  render(
    <I18nProvider>
      <PhoneDock phone={phone} />
    </I18nProvider>,
  );
  return { devices, phone };
}

const ready = () => waitFor(() => expect(screen.getByTestId('phone-status').textContent).toBe('Phone ready'));

describe('the console phone', () => {
  it('registers with a token from the hub, answers the hub ring by itself and shows the call bar with the caller and a timer', async () => {
    const { devices } = renderPhone();
    await ready();
    expect(devices).toHaveLength(1);
    expect(devices[0]!.tokens).toEqual(['token-1']);

    const ring = devices[0]!.ring(LEG, '+989121234567');
    expect(ring.accepted).toBe(true); // the agent already accepted the offer: no second click
    const bar = await screen.findByTestId('call-bar');
    expect(within(bar).getByTestId('call-customer').textContent).toBe('+989121234567');
    expect(within(bar).getByText('On a call with')).toBeTruthy();
    expect(within(bar).getByTestId('call-timer').textContent).toMatch(/^0:0\d$/);
    expect(requests.some((r) => r.url === `/api/voice/legs/${LEG}`)).toBe(true);

    // Mute is this browser's microphone.
    fireEvent.click(within(bar).getByTestId('call-mute'));
    expect(ring.muted).toBe(true);
    expect(within(bar).getByText('Muted')).toBeTruthy();

    // The caller hangs up: the bar goes.
    act(() => ring.disconnect());
    await waitFor(() => expect(screen.queryByTestId('call-bar')).toBeNull());
  });

  it('hold calls the hub hold endpoint and shows "On hold"; resume takes it off; hang up ends the call on the hub', async () => {
    const { devices } = renderPhone();
    await ready();
    devices[0]!.ring(LEG, '+989121234567');
    const bar = await screen.findByTestId('call-bar');

    fireEvent.click(within(bar).getByTestId('call-hold'));
    await waitFor(() => expect(within(bar).getByTestId('call-on-hold').textContent).toBe('On hold'));
    expect(requests.filter((r) => r.method === 'POST')).toEqual([{ method: 'POST', url: `/api/voice/calls/${CONV}/hold`, body: { hold: true } }]);
    expect(within(bar).getByTestId('call-hold').textContent).toBe('Resume');

    fireEvent.click(within(bar).getByTestId('call-hold'));
    await waitFor(() => expect(within(bar).queryByTestId('call-on-hold')).toBeNull());
    expect(requests.filter((r) => r.method === 'POST').at(-1)).toEqual({ method: 'POST', url: `/api/voice/calls/${CONV}/hold`, body: { hold: false } });

    fireEvent.click(within(bar).getByTestId('call-hangup'));
    await waitFor(() => expect(screen.queryByTestId('call-bar')).toBeNull());
    expect(requests.filter((r) => r.method === 'POST').at(-1)?.url).toBe(`/api/voice/calls/${CONV}/hangup`);
  });

  it('a hub without voice credentials: "not configured" and what to set, asked once and not again', async () => {
    tokenAnswer = () =>
      json({ error: { code: 'voice_not_configured', message: 'browser calls are not configured: set TWILIO_API_KEY, TWILIO_API_SECRET, TWILIO_TWIML_APP_SID' } }, 503);
    const { devices } = renderPhone();
    const note = await screen.findByTestId('phone-not-configured');
    expect(note.textContent).toContain('Browser calls are not set up on this hub');
    expect(note.textContent).toContain('TWILIO_API_KEY, TWILIO_API_SECRET, TWILIO_TWIML_APP_SID');
    expect(screen.getByTestId('phone-status').textContent).toBe('Phone not configured');
    expect(devices).toHaveLength(0);
    // Other work on the page goes on; the token is not asked for again behind the user's back.
    await act(() => voiceApi.device());
    expect(tokenCount).toBe(1);
  });

  it('device errors are explained: microphone blocked, expired token, lost network — in English and in Persian', async () => {
    const { devices } = renderPhone();
    await ready();
    devices[0]!.fail({ code: 31401, message: 'Permission denied by user' });
    const alert = await screen.findByTestId('phone-error');
    expect(alert.getAttribute('data-kind')).toBe('mic');
    expect(alert.textContent).toContain('The microphone is blocked. Allow microphone access for this site');
    expect(alert.textContent).toContain('31401: Permission denied by user');

    devices[0]!.fail({ code: 20104, message: 'Access token expired' });
    await waitFor(() => expect(screen.getByTestId('phone-error').getAttribute('data-kind')).toBe('token'));
    devices[0]!.fail({ code: 31005, message: 'Connection error' });
    await waitFor(() => expect(screen.getByTestId('phone-error').textContent).toContain('The phone lost its connection to Twilio'));

    // The same, for a Persian-speaking agent.
    cleanup();
    window.localStorage.setItem('pasokh:console:lang', 'fa');
    const fa = renderPhone();
    await waitFor(() => expect(screen.getByTestId('phone-status').textContent).toBe('تلفن آماده'));
    fa.devices[0]!.fail({ code: 31401, message: 'Permission denied by user' });
    expect((await screen.findByTestId('phone-error')).textContent).toContain('دسترسی به میکروفون مسدود است');
  });

  it('renews the token before it expires (tokenWillExpire) without dropping the Device', async () => {
    const { devices } = renderPhone();
    await ready();
    act(() => devices[0]!.emit('tokenWillExpire'));
    await waitFor(() => expect(devices[0]!.tokens).toEqual(['token-1', 'token-2']));
    expect(devices).toHaveLength(1);
    expect(devices[0]!.destroyed).toBe(false);
  });

  it('with auto-answer off the ring waits for one click', async () => {
    window.localStorage.setItem('pasokh:voice:autoAnswer', 'false');
    const { devices } = renderPhone();
    await ready();
    const ring = devices[0]!.ring(LEG, '+989121234567');
    expect(ring.accepted).toBe(false);
    const ringing = await screen.findByTestId('phone-ringing');
    expect(ringing.textContent).toContain('Call for you from +989121234567');
    fireEvent.click(within(ringing).getByTestId('phone-answer'));
    expect(ring.accepted).toBe(true);
    expect(await screen.findByTestId('call-bar')).toBeTruthy();
  });

  it('an agent who takes calls on a phone sets the number; the browser phone stops', async () => {
    const { devices } = renderPhone();
    await ready();
    fireEvent.click(screen.getByTestId('phone-settings-toggle'));
    fireEvent.click(screen.getByTestId('device-phone'));
    fireEvent.change(screen.getByTestId('device-number'), { target: { value: '+989121234567' } });
    fireEvent.click(screen.getByTestId('device-save'));
    await waitFor(() => expect(screen.getByTestId('phone-status').textContent).toBe('Calls ring your phone'));
    expect(requests.find((r) => r.method === 'PUT')).toEqual({ method: 'PUT', url: '/api/voice/me', body: { device: 'phone', phoneNumber: '+989121234567' } });
    expect(devices[0]!.destroyed).toBe(true);

    // Back to the browser: a new Device registers.
    fireEvent.click(screen.getByTestId('device-browser'));
    fireEvent.click(screen.getByTestId('device-save'));
    await ready();
    expect(devices).toHaveLength(2);
  });

  it('warm transfer: the other agent is chosen, rung while the caller holds, and the handover is completed once they answer', async () => {
    const { devices } = renderPhone();
    await ready();
    devices[0]!.ring(LEG, '+989121234567');
    const bar = await screen.findByTestId('call-bar');
    fireEvent.click(within(bar).getByTestId('call-transfer'));
    const panel = await within(bar).findByTestId('transfer-panel');
    expect(within(panel).getByRole('option', { name: 'Mina (busy)' })).toBeTruthy();
    fireEvent.change(within(panel).getByTestId('transfer-target'), { target: { value: 'kian' } });
    fireEvent.click(within(panel).getByLabelText('Warm: talk to them first'));
    fireEvent.click(within(panel).getByTestId('transfer-submit'));
    const warm = await within(bar).findByTestId('call-warm');
    expect(requests.filter((r) => r.method === 'POST')).toEqual([{ method: 'POST', url: `/api/voice/calls/${CONV}/transfer`, body: { mode: 'warm', agentId: 'kian' } }]);
    expect(warm.textContent).toContain('Ringing the other agent; the caller is on hold.');
    expect(within(bar).getByTestId('call-on-hold')).toBeTruthy();
    // Nothing to hand over until Kian answers.
    expect((within(warm).getByTestId('call-warm-complete') as HTMLButtonElement).disabled).toBe(true);

    call = { ...call, legs: call.legs.map((l) => (l.callSid === CONSULT ? { ...l, status: 'in-progress', answeredAt: new Date().toISOString() } : l)) };
    await waitFor(() => expect(within(warm).getByText('You are talking with the other agent; the caller is on hold.')).toBeTruthy(), { timeout: 5_000 });
    fireEvent.click(within(warm).getByTestId('call-warm-complete'));
    await waitFor(() => expect(screen.queryByTestId('call-bar')).toBeNull());
    expect(requests.filter((r) => r.method === 'POST').at(-1)?.url).toBe(`/api/voice/calls/${CONV}/transfer/complete`);
  });
});
