import type { Db } from '../db/index.js';
import type { Logger } from '../logger.js';
import { agentRoom, viewingRoom, type AgentNamespace } from './agent-namespace.js';

/**
 * Visitor typing → the agent holding the customer's open web chat, and any
 * staff viewing it. Relayed, never stored: the console hides "typing…" by
 * itself a few seconds after the last repeat.
 */
export function visitorTypingRelay(db: Db, agents: AgentNamespace, log: Logger): (customerId: string, typing: boolean) => void {
  // Each relay looks the conversation up first; two lookups on two pool connections can finish out
  // of order, and a "typing" arriving after its "stop" would leave the agent's indicator on. So one
  // customer's signals go out one after another, in the order the visitor sent them.
  const tails = new Map<string, Promise<void>>();
  const relay = async (customerId: string, typing: boolean): Promise<void> => {
    const conv = await db
      .selectFrom('conversations')
      .innerJoin('customers', 'customers.id', 'conversations.customer_id')
      .select(['conversations.id', 'conversations.assigned_agent_id', 'customers.display_name as name'])
      .where('conversations.customer_id', '=', customerId)
      .where('conversations.channel', '=', 'webchat')
      .where('conversations.status', '=', 'open')
      .orderBy('conversations.created_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (!conv) return;
    const payload = { conversationId: conv.id, from: 'customer' as const, name: conv.name, typing };
    const rooms = [viewingRoom(conv.id), ...(conv.assigned_agent_id ? [agentRoom(conv.assigned_agent_id)] : [])];
    agents.to(rooms).emit('conversation:typing', payload);
  };
  return (customerId, typing) => {
    const next = (tails.get(customerId) ?? Promise.resolve())
      .then(() => relay(customerId, typing))
      .catch((err: unknown) => log.warn({ err }, 'visitor typing relay failed'));
    tails.set(customerId, next);
    void next.then(() => {
      if (tails.get(customerId) === next) tails.delete(customerId);
    });
  };
}
