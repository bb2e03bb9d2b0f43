import { EventEmitter } from 'node:events';

/** In-process notifications, emitted only after the transaction that caused them committed. */
export interface HubEventMap {
  'message.created': [{ messageId: string; conversationId: string; customerId: string; direction: 'in' | 'out' }];
  'task.created': [{ taskId: string }];
  'message.status': [{ messageId: string; conversationId: string }];
}

export class HubEvents extends EventEmitter<HubEventMap> {}
