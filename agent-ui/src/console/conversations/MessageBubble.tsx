import type { MessageDto } from '../../../../src/contracts/index.js';
import { useI18n } from '../i18n/context.js';

interface Props {
  message: MessageDto;
  /** Earlier conversations use another test id so tests can count the open one's bubbles. */
  history?: boolean;
}

export function MessageBubble({ message, history = false }: Props) {
  const { t, moment, dateTime } = useI18n();
  const outbound = message.from === 'agent';
  const failed = message.status === 'failed';
  const author = message.authorName ?? t(`from.${message.from}`);
  return (
    <li
      className={`msg msg-${message.from}${failed ? ' msg-failed' : ''}`}
      data-message-id={message.id}
      data-seq={message.seq}
    >
      <div className="msg-bubble">
        <p
          className="msg-body"
          dir="auto"
          data-testid={history ? 'history-message' : 'message'}
          data-from={message.from}
          data-status={message.status}
        >
          {message.body}
        </p>
        <div className="msg-meta">
          <span className="msg-author" dir="auto">
            {author}
          </span>
          <time dateTime={message.at} title={dateTime(message.at)}>
            {moment(message.at)}
          </time>
          {outbound && (
            <span className={`msg-status status-${message.status}`} data-testid="message-status">
              {t(`status.${message.status}`)}
            </span>
          )}
        </div>
        {outbound && message.statusReason && (
          <p className={`msg-reason${failed ? ' failed' : ''}`} dir="auto" data-testid="message-status-reason">
            {message.statusReason}
          </p>
        )}
      </div>
    </li>
  );
}
