import type { Namespace } from 'socket.io';
import type { ChatClientToServer, ChatServerToClient } from '../../contracts/index.js';
import type { ChannelAdapter, OutboundMessage, SendResult } from '../types.js';

export type ChatNamespace = Namespace<ChatClientToServer, ChatServerToClient>;

export const customerRoom = (customerId: string) => `customer:${customerId}`;

/**
 * Delivers an agent's reply to every open widget of the customer (on any hub
 * process, through the Redis adapter). A visitor who is offline gets it on
 * reconnect from the replay of messages after their last sequence number, so
 * "sent" here is final.
 */
/** The agent's typing, to every open widget of the customer (never stored). */
export function agentTypingToVisitor(chat: ChatNamespace): (customerId: string, typing: boolean) => void {
  return (customerId, typing) => {
    chat.to(customerRoom(customerId)).emit('typing', { typing });
  };
}

export class WebchatAdapter implements ChannelAdapter {
  readonly channel = 'webchat' as const;

  constructor(private readonly chat: ChatNamespace) {}

  async send(m: OutboundMessage): Promise<SendResult> {
    this.chat.to(customerRoom(m.customerId)).emit('message', {
      id: m.messageId,
      seq: m.seq,
      clientId: null,
      body: m.body,
      from: 'agent',
      at: m.at.toISOString(),
    });
    return { status: 'sent' };
  }
}
