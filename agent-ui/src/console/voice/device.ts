// The part of Twilio's browser Device and Call the console uses, as interfaces:
// the real @twilio/voice-sdk objects fit them, and tests hand the phone a fake.

export interface DeviceErrorLike {
  code?: number;
  name?: string;
  message?: string;
}

export interface PhoneCall {
  /** Twilio's call parameters: CallSid (the leg the hub rang), From (the caller's number for browser legs). */
  readonly parameters: Record<string, string>;
  accept(): void;
  reject(): void;
  disconnect(): void;
  mute(shouldMute?: boolean): void;
  isMuted(): boolean;
  on(event: 'accept' | 'disconnect' | 'cancel' | 'reject', listener: () => void): unknown;
  on(event: 'error', listener: (err: DeviceErrorLike) => void): unknown;
}

export interface PhoneDevice {
  register(): Promise<void>;
  updateToken(token: string): void;
  destroy(): void;
  on(event: 'registered' | 'unregistered' | 'tokenWillExpire', listener: () => void): unknown;
  on(event: 'incoming', listener: (call: PhoneCall) => void): unknown;
  on(event: 'error', listener: (err: DeviceErrorLike) => void): unknown;
}

export type DeviceFactory = (token: string) => Promise<PhoneDevice>;

/** Seconds before the token expires at which the Device asks for a new one. */
export const TOKEN_REFRESH_MS = 60_000;

/** The real Device, loaded only when a browser phone is actually started (it is large). */
export const twilioDevice: DeviceFactory = async (token) => {
  const { Device } = await import('@twilio/voice-sdk');
  return new Device(token, { tokenRefreshMs: TOKEN_REFRESH_MS, closeProtection: true });
};

export type PhoneErrorKind = 'mic' | 'token' | 'network' | 'other';

export interface PhoneError {
  kind: PhoneErrorKind;
  code: number | null;
  /** Twilio's own words, shown under the translated explanation. */
  detail: string;
}

// Twilio Voice SDK error codes (errors/generated.ts in the SDK).
const MIC = new Set([31401, 31402, 31208]);
const TOKEN = new Set([20101, 20104, 20151, 31202, 31204, 31205, 31207]);
const NETWORK = new Set([31003, 31005, 31009, 53000, 53001, 53405]);

export function classifyDeviceError(err: DeviceErrorLike): PhoneError {
  const code = typeof err.code === 'number' ? err.code : null;
  const detail = err.message ?? err.name ?? '';
  if ((code !== null && MIC.has(code)) || err.name === 'NotAllowedError') return { kind: 'mic', code, detail };
  if (code !== null && TOKEN.has(code)) return { kind: 'token', code, detail };
  if (code !== null && NETWORK.has(code)) return { kind: 'network', code, detail };
  return { kind: 'other', code, detail };
}
