// Calls agents are on now, for the supervisor's monitoring buttons: one poll
// shared by every row of the agents table, running while any row shows.
import { useEffect, useSyncExternalStore } from 'react';
import type { VoiceLiveCallDto } from '../../../../src/contracts/index.js';
import { voiceApi } from './voiceApi.js';

export const LIVE_POLL_MS = 4_000;

type Fetch = () => Promise<VoiceLiveCallDto[]>;

export class LiveCalls {
  private calls: readonly VoiceLiveCallDto[] = [];
  private readonly listeners = new Set<() => void>();
  private users = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = true;

  constructor(private readonly fetch: Fetch) {}

  readonly subscribe = (l: () => void): (() => void) => {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  };

  readonly getSnapshot = (): readonly VoiceLiveCallDto[] => this.calls;

  /** Starts polling for one more user; the returned function stops it for them. */
  use(): () => void {
    this.users += 1;
    if (this.users === 1) {
      this.stopped = false;
      void this.tick();
    }
    return () => {
      this.users -= 1;
      if (this.users === 0) {
        this.stopped = true;
        if (this.timer !== undefined) clearTimeout(this.timer);
      }
    };
  }

  /** Look now (after a button changed something). */
  async refresh(): Promise<void> {
    try {
      const calls: unknown = await this.fetch();
      this.calls = Array.isArray(calls) ? (calls as VoiceLiveCallDto[]) : [];
    } catch {
      return; // kept as they were; the next poll tries again
    }
    for (const l of this.listeners) l();
  }

  private async tick(): Promise<void> {
    await this.refresh();
    if (!this.stopped) this.timer = setTimeout(() => void this.tick(), LIVE_POLL_MS);
  }
}

export const liveCalls = new LiveCalls(voiceApi.live);

export function useLiveCalls(store: LiveCalls = liveCalls): readonly VoiceLiveCallDto[] {
  useEffect(() => store.use(), [store]);
  return useSyncExternalStore(store.subscribe, store.getSnapshot);
}
