import { expect } from 'vitest';
import type { RoutingEngine } from '../../../src/routing/engine/index.js';
import type { Decision, EngineAgent, EngineTask, QueueConfig } from '../../../src/routing/engine/index.js';

export const T0 = 1_700_000_000_000;
export const SEC = 1_000;
export const MIN = 60_000;

export function agent(id: string, over: Partial<EngineAgent> = {}): EngineAgent {
  return { id, status: 'available', connected: true, capacity: 100, used: 0, skills: {}, idleSince: T0 - 60_000, missedOffers: 0, ...over };
}

export function task(id: string, queueId: string, over: Partial<EngineTask> = {}): EngineTask {
  return { id, queueId, channel: 'webchat', priority: 0, cost: 34, requiredSkills: [], enqueuedAt: T0, ...over };
}

export function queue(id: string, over: Partial<QueueConfig> = {}): QueueConfig {
  return {
    id,
    channel: 'webchat',
    requirement: null,
    priority: 0,
    serviceLevel: { targetFraction: 0.8, thresholdSeconds: 20 },
    strategy: 'longest-idle',
    escalation: [],
    predictiveEscalation: false,
    agingPerMinute: 0,
    stickyWaitSeconds: 0,
    wrapUpSeconds: 0,
    ...over,
  };
}

export type Offer = Extract<Decision, { type: 'offer' }>;
export const isOffer = (d: Decision): d is Offer => d.type === 'offer';
export const offersOf = (ds: Decision[]): Offer[] => ds.filter(isOffer);
export const pairs = (ds: Decision[]): [string, string][] => offersOf(ds).map((d) => [d.taskId, d.agentId]);
export const kinds = (ds: Decision[]) => ds.map((d) => d.type);

let offerSeq = 0;

/** Plays the runtime: takes the lease for every offer decision; returns taskId → offerId. */
export function createAll(e: RoutingEngine, ds: Decision[], now: number): Map<string, string> {
  const ids = new Map<string, string>();
  for (const d of offersOf(ds)) {
    const offerId = `offer-${++offerSeq}`;
    expect(e.apply({ type: 'offer.created', offerId, taskId: d.taskId, agentId: d.agentId }, now)).toBe(true);
    ids.set(d.taskId, offerId);
  }
  return ids;
}

/** Leases and accepts every offer. */
export function acceptAll(e: RoutingEngine, ds: Decision[], now: number): void {
  for (const offerId of createAll(e, ds, now).values()) expect(e.apply({ type: 'offer.accepted', offerId }, now)).toBe(true);
}
