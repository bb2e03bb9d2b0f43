import type { ConversationDto, MessageDto } from '../../../../src/contracts/index.js';
import { useI18n } from '../i18n/context.js';
import { ChannelBadge } from './ChannelBadge.js';
import { MessageBubble } from './MessageBubble.js';
import { bySeq } from './messageMerge.js';

type Earlier = ConversationDto & { messages: MessageDto[] };

/** The customer's earlier conversations on any channel, oldest first. */
export function CustomerHistory({ conversations }: { conversations: Earlier[] }) {
  const { t, dateTime } = useI18n();
  return (
    <details className="history" data-testid="customer-history" open>
      <summary>{t('view.history', { count: conversations.length })}</summary>
      {conversations.map((c) => (
        <section key={c.id} className="history-conversation" data-conversation-id={c.id}>
          <h3 className="history-heading">
            <ChannelBadge channel={c.channel} />
            <time dateTime={c.createdAt}>{dateTime(c.createdAt)}</time>
            <span className={`conv-status conv-${c.status}`}>{t(c.status === 'closed' ? 'conv.closed' : 'conv.open')}</span>
          </h3>
          <ol className="messages">
            {[...c.messages].sort(bySeq).map((m) => (
              <MessageBubble key={m.id} message={m} history />
            ))}
          </ol>
        </section>
      ))}
    </details>
  );
}
