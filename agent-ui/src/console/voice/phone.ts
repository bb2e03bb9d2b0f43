// The console's browser phone: a Twilio Device registered with a token from the
// hub, kept fresh before it expires, answering the hub's ring. React reads it
// through subscribe/getSnapshot; the Device comes from a factory so tests can
// hand in a fake.
import type { VoiceTokenDto } from '../../../../src/contracts/index.js';
import { ApiError, NETWORK_ERROR } from '../api/http.js';
import { classifyDeviceError, type DeviceErrorLike, type DeviceFactory, type PhoneCall, type PhoneDevice, type PhoneError } from './device.js';

/**
 * idle: not started · starting: fetching a token / registering · ready: rings reach this tab ·
 * not-configured: the hub cannot mint tokens (503) · phone: the user takes calls on a phone ·
 * failed: could not start (see error; a retry is up to the user, never a loop).
 */
export type PhoneStatus = 'idle' | 'starting' | 'ready' | 'not-configured' | 'phone' | 'failed';

export interface RingingCall {
  legSid: string;
  from: string | null;
}

export interface ActiveCall extends RingingCall {
  /** When this tab answered (ms since the epoch). */
  since: number;
  muted: boolean;
}

export interface PhoneSnapshot {
  status: PhoneStatus;
  /** The hub's explanation of what to set, when it answered 503. */
  notConfigured: string | null;
  error: PhoneError | null;
  /** A ring waiting for the user (auto-answer off). */
  ringing: RingingCall | null;
  call: ActiveCall | null;
  autoAnswer: boolean;
}

export interface PhoneOptions {
  fetchToken: () => Promise<VoiceTokenDto>;
  createDevice: DeviceFactory;
  now?: () => number;
  /** Where the auto-answer choice is kept (null: not kept). */
  storage?: Pick<Storage, 'getItem' | 'setItem'> | null;
}

const AUTO_ANSWER_KEY = 'pasokh:voice:autoAnswer';

function storedAutoAnswer(storage: PhoneOptions['storage']): boolean {
  try {
    return storage?.getItem(AUTO_ANSWER_KEY) !== 'false';
  } catch {
    return true;
  }
}

/** A failed token request, as a phone error: no network, or the hub refusing. */
function tokenError(err: unknown): PhoneError {
  if (err instanceof ApiError && err.code !== NETWORK_ERROR) return { kind: 'token', code: err.status, detail: err.message };
  return { kind: 'network', code: null, detail: err instanceof Error ? err.message : '' };
}

export class Phone {
  private snap: PhoneSnapshot;
  private readonly listeners = new Set<() => void>();
  private device: PhoneDevice | null = null;
  private incoming: PhoneCall | null = null;
  private active: PhoneCall | null = null;
  /** Bumped by start/stop so a slow start that was overtaken does not install its Device. */
  private generation = 0;

  constructor(private readonly o: PhoneOptions) {
    this.snap = { status: 'idle', notConfigured: null, error: null, ringing: null, call: null, autoAnswer: storedAutoAnswer(o.storage) };
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getSnapshot = (): PhoneSnapshot => this.snap;

  private set(patch: Partial<PhoneSnapshot>): void {
    this.snap = { ...this.snap, ...patch };
    for (const l of this.listeners) l();
  }

  private now(): number {
    return this.o.now ? this.o.now() : Date.now();
  }

  /** Fetches a token and registers the Device. A 503 means "not configured": shown, not retried. */
  async start(): Promise<void> {
    if (this.device || this.snap.status === 'starting') return;
    const gen = ++this.generation;
    this.set({ status: 'starting', error: null, notConfigured: null });
    let token: string;
    try {
      token = (await this.o.fetchToken()).token;
    } catch (err) {
      if (gen !== this.generation) return;
      if (err instanceof ApiError && err.status === 503) this.set({ status: 'not-configured', notConfigured: err.message });
      else this.set({ status: 'failed', error: tokenError(err) });
      return;
    }
    if (gen !== this.generation) return;
    let device: PhoneDevice;
    try {
      device = await this.o.createDevice(token);
    } catch (err) {
      if (gen === this.generation) this.set({ status: 'failed', error: classifyDeviceError(err as DeviceErrorLike) });
      return;
    }
    if (gen !== this.generation) {
      device.destroy();
      return;
    }
    this.device = device;
    device.on('registered', () => this.set({ status: 'ready', error: null }));
    device.on('unregistered', () => {
      if (this.device === device && this.snap.status === 'ready') this.set({ status: 'starting' });
    });
    device.on('error', (err) => this.set({ error: classifyDeviceError(err) }));
    device.on('tokenWillExpire', () => void this.refreshToken(device));
    device.on('incoming', (call) => this.ring(call));
    try {
      await device.register();
    } catch (err) {
      if (this.device === device) this.set({ status: 'failed', error: classifyDeviceError(err as DeviceErrorLike) });
    }
  }

  /** Stops the Device (sign-out, or the user chose a phone). */
  stop(next: PhoneStatus = 'idle'): void {
    this.generation += 1;
    this.device?.destroy();
    this.device = null;
    this.incoming = null;
    this.active = null;
    this.set({ status: next, ringing: null, call: null, error: null, notConfigured: null });
  }

  /** Try again after a failure (the user's button). */
  async retry(): Promise<void> {
    this.stop();
    await this.start();
  }

  /** The user takes calls on a phone: no Device in this tab. */
  usePhoneNumber(): void {
    this.stop('phone');
  }

  private async refreshToken(device: PhoneDevice): Promise<void> {
    try {
      const { token } = await this.o.fetchToken();
      if (this.device === device) device.updateToken(token);
    } catch (err) {
      if (this.device !== device) return;
      // The current token still works until it expires; say so now rather than when calls stop arriving.
      this.set({ error: err instanceof ApiError && err.status === 503 ? { kind: 'token', code: 503, detail: err.message } : tokenError(err) });
    }
  }

  private ring(call: PhoneCall): void {
    if (this.incoming && this.incoming !== this.active) {
      call.reject(); // one ring at a time; the hub re-offers an unanswered leg
      return;
    }
    const legSid = call.parameters['CallSid'] ?? '';
    const from = call.parameters['From'] || null;
    this.incoming = call;
    const forget = () => {
      if (this.incoming === call) this.incoming = null;
      if (this.active === call) {
        this.active = null;
        this.set({ call: null });
      }
      if (this.snap.ringing?.legSid === legSid) this.set({ ringing: null });
    };
    call.on('cancel', forget);
    call.on('reject', forget);
    call.on('disconnect', forget);
    call.on('error', (err) => this.set({ error: classifyDeviceError(err) }));
    if (this.snap.autoAnswer && !this.active) this.answer();
    else this.set({ ringing: { legSid, from } });
  }

  /** Answers the waiting ring (one click when auto-answer is off). */
  answer(): void {
    const call = this.incoming;
    if (!call || call === this.active) return;
    // A call already up is left to the hub (it is the one that rang again, e.g. after a transfer).
    if (this.active) this.active.disconnect();
    call.accept();
    this.active = call;
    this.set({ ringing: null, call: { legSid: call.parameters['CallSid'] ?? '', from: call.parameters['From'] || null, since: this.now(), muted: false } });
  }

  decline(): void {
    const call = this.incoming;
    if (!call || call === this.active) return;
    this.incoming = null;
    call.reject();
    this.set({ ringing: null });
  }

  /** Drops this tab's leg only (the hub's hang-up ends the call for everyone). */
  disconnect(): void {
    this.active?.disconnect();
  }

  setMuted(muted: boolean): void {
    if (!this.active || !this.snap.call) return;
    this.active.mute(muted);
    this.set({ call: { ...this.snap.call, muted: this.active.isMuted() } });
  }

  setAutoAnswer(on: boolean): void {
    try {
      this.o.storage?.setItem(AUTO_ANSWER_KEY, String(on));
    } catch {
      // Not kept; holds for this page.
    }
    this.set({ autoAnswer: on });
  }

  dismissError(): void {
    this.set({ error: null });
  }
}
