import type { Channel } from '../contracts/index.js';

/** Capacity cost of one conversation per channel, out of an agent's default 100 units. */
export const CHANNEL_COST: Readonly<Record<Channel, number>> = {
  voice: 100,
  webchat: 34,
  sms: 20,
  email: 10,
};

export const DEFAULT_AGENT_CAPACITY = 100;
