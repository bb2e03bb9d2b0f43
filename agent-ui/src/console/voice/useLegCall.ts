// What a ringing or answered leg is part of: the call (customer, hold, transfer)
// and the leg's role. Polled, because hold, transfers and monitoring change it
// from other consoles too.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { VoiceLegCallDto } from '../../../../src/contracts/index.js';
import { ApiError } from '../api/http.js';
import type { VoiceApi } from './voiceApi.js';

/** How often the call is looked at again while it is up. */
export const CALL_POLL_MS = 3_000;
/** A user rung on a phone, while not on a call: how often to look whether a call has reached them. */
export const IDLE_POLL_MS = 8_000;
/** The ring can reach the browser before the hub has recorded the leg: ask again soon, a few times. */
const FIRST_LOOK_MS = 400;
const FIRST_LOOK_TRIES = 15;

export type LegSource = { kind: 'leg'; legSid: string } | { kind: 'mine' };

export function useLegCall(api: VoiceApi, source: LegSource | null): { info: VoiceLegCallDto | null; error: unknown; refresh: () => Promise<void> } {
  const [info, setInfo] = useState<VoiceLegCallDto | null>(null);
  const [error, setError] = useState<unknown>(null);
  const key = source === null ? null : source.kind === 'leg' ? source.legSid : 'mine';
  const keyRef = useRef(key);
  keyRef.current = key;

  const load = useCallback(async (): Promise<'found' | 'absent'> => {
    const asked = keyRef.current;
    if (asked === null) return 'absent';
    try {
      const res = asked === 'mine' ? await api.myLeg() : await api.legCall(asked);
      if (keyRef.current !== asked) return 'absent';
      setInfo(res ?? null);
      setError(null);
      return res ? 'found' : 'absent';
    } catch (err) {
      if (keyRef.current !== asked) return 'absent';
      if (err instanceof ApiError && err.status === 404) return 'absent';
      setError(err);
      return 'absent';
    }
  }, [api]);

  useEffect(() => {
    setInfo(null);
    setError(null);
    if (key === null) return;
    let stopped = false;
    let timer: number | undefined;
    let tries = 0;
    let found = false;
    const tick = async () => {
      const outcome = await load();
      if (stopped) return;
      found ||= outcome === 'found';
      tries += 1;
      const wait =
        key === 'mine'
          ? outcome === 'found'
            ? CALL_POLL_MS
            : IDLE_POLL_MS
          : found || tries >= FIRST_LOOK_TRIES
            ? CALL_POLL_MS
            : FIRST_LOOK_MS;
      timer = window.setTimeout(() => void tick(), wait);
    };
    void tick();
    return () => {
      stopped = true;
      if (timer !== undefined) window.clearTimeout(timer);
    };
  }, [key, load]);

  const refresh = useCallback(async () => {
    await load();
  }, [load]);

  return { info, error, refresh };
}
