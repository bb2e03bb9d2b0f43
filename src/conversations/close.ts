import type { HubEvents } from '../events.js';

export type CloseConversation = (conversationId: string) => Promise<boolean>;

/**
 * The one close every caller gets (the close route, the voice channel, the
 * dialer): the routing runtime's close, then the `conversation.closed` hub
 * event that consoles and the chat widget hear (src/realtime/closed-notice.ts,
 * src/reports/csat.ts). Only a close that changed something is announced, so a
 * repeat (both call legs' hang-ups, a double click) announces once.
 *
 * hub.ts hands this, never the bare `routing.closeConversation`, to anything
 * that closes: calling the runtime directly closes without telling anyone.
 */
export function announcedClose(routing: { closeConversation: CloseConversation }, events: HubEvents): CloseConversation {
  return async (conversationId) => {
    const closed = await routing.closeConversation(conversationId);
    if (closed) events.emit('conversation.closed', { conversationId });
    return closed;
  };
}
