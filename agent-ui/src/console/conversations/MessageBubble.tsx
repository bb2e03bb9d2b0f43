import type { MessageDto } from '../../../../src/contracts/index.js';
import './render/channels.css';
import { useI18n } from '../i18n/context.js';
import { EmailMessage } from './render/EmailMessage.js';
import { SmsDetails } from './render/sms.js';
import { TimelineEvent, VoiceCard } from './render/voice.js';

interface Props {
  message: MessageDto;
  /** Earlier conversations use another test id so tests can count the open one's bubbles. */
  history?: boolean;
  /** The conversation's messages, for what one message needs from the others (a call's length). */
  thread?: readonly MessageDto[];
}

/** One message on the timeline, drawn for its channel: chat bubbles, email, SMS details, call cards and events. */
export function MessageBubble({ message, history = false, thread = [] }: Props) {
  const { t, moment, dateTime } = useI18n();
  if (message.channel === 'voice') {
    if (message.from === 'system') return <TimelineEvent message={message} />;
    if (message.from === 'customer' && message.metadata?.['kind'] !== undefined) return <VoiceCard message={message} thread={thread} />;
  }
  const outbound = message.from === 'agent';
  const failed = message.status === 'failed';
  const author = message.authorName ?? t(`from.${message.from}`);
  const testId = history ? 'history-message' : 'message';
  return (
    <li
      className={`msg msg-${message.from} msg-channel-${message.channel}${failed ? ' msg-failed' : ''}`}
      data-message-id={message.id}
      data-seq={message.seq}
    >
      <div className="msg-bubble">
        {message.channel === 'email' ? (
          <div className="msg-email" data-testid={testId} data-from={message.from} data-status={message.status}>
            <EmailMessage message={message} />
          </div>
        ) : (
          <p className="msg-body" dir="auto" data-testid={testId} data-from={message.from} data-status={message.status}>
            {message.body}
          </p>
        )}
        {message.channel === 'sms' && <SmsDetails message={message} />}
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
