import { useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import type { Channel, ConversationDto, MessageDto } from '../../../../src/contracts/index.js';
import { CannedPicker } from '../desk/CannedPicker.js';
import { sendReply } from '../api/endpoints.js';
import { errorText } from '../api/errorText.js';
import { useI18n } from '../i18n/context.js';
import { loadDraft, saveDraft } from './drafts.js';
import { SmsSegmentCounter } from './render/sms.js';

interface Props {
  /** Drafts are kept per signed-in user and conversation (localStorage). */
  userId: string;
  conversationId: string;
  disabled: boolean;
  onSent: (message: MessageDto) => void;
  /** SMS shows a live segment counter under the box. */
  channel?: Channel | undefined;
  /** Why replies are off (e.g. the SMS customer opted out), shown under the box. */
  blockedReason?: string | null;
  /** Fills canned-response placeholders (customer name, channel). */
  conversation?: ConversationDto | null;
}

export function ReplyBox({ userId, conversationId, disabled, onSent, channel, blockedReason = null, conversation = null }: Props) {
  const { t } = useI18n();
  // Canned responses: "/" typed into an empty box, or the button, opens the picker.
  const [pickerOpen, setPickerOpen] = useState(false);
  const inputRef = useRef<HTMLTextAreaElement>(null);
  const [text, setTextState] = useState(() => loadDraft(userId, conversationId));
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  function setText(value: string) {
    setTextState(value);
    saveDraft(userId, conversationId, value);
  }

  async function send() {
    const body = text.trim();
    if (!body || sending || disabled) return;
    setSending(true);
    setError(null);
    try {
      const message = await sendReply(conversationId, body);
      onSent(message);
      // Only clear what was sent; keep anything typed while the request ran.
      setTextState((current) => {
        const rest = current.trim() === body ? '' : current;
        saveDraft(userId, conversationId, rest);
        return rest;
      });
    } catch (err) {
      setError(errorText(err, t));
    } finally {
      setSending(false);
    }
  }

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    void send();
  }

  function onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>) {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      void send();
    }
  }

  function closePicker(inserted?: string) {
    setPickerOpen(false);
    if (inserted !== undefined) setText(text && !/\s$/.test(text) ? `${text} ${inserted}` : `${text}${inserted}`);
    inputRef.current?.focus();
  }

  return (
    <form className="reply-box" onSubmit={onSubmit}>
      {pickerOpen && <CannedPicker conversationId={conversationId} conversation={conversation} onInsert={(filled) => closePicker(filled)} onClose={() => closePicker()} />}
      {error !== null && (
        <p className="inline-error" role="alert" data-testid="reply-error">
          {t('reply.failed', { message: error })}
        </p>
      )}
      <div className="reply-row">
        <textarea
          // dir=auto follows what is typed; while empty, the page's direction places the placeholder.
          dir={text ? 'auto' : undefined}
          rows={3}
          aria-label={t('reply.label')}
          placeholder={t('reply.placeholder')}
          value={text}
          disabled={disabled}
          onChange={(e) => (e.target.value === '/' && text === '' ? setPickerOpen(true) : setText(e.target.value))}
          onKeyDown={onKeyDown}
          ref={inputRef}
          aria-keyshortcuts="/"
          data-testid="reply-input"
        />
        <button type="button" disabled={disabled} aria-expanded={pickerOpen} onClick={() => setPickerOpen((o) => !o)} data-testid="canned-open">
          {t('desk.canned.open')}
        </button>
        <button
          type="submit"
          className="primary"
          disabled={disabled || sending || text.trim() === ''}
          data-testid="reply-send"
        >
          {sending ? t('reply.sending') : t('reply.send')}
        </button>
      </div>
      {blockedReason !== null && (
        <p className="reply-blocked" data-testid="reply-blocked">
          {blockedReason}
        </p>
      )}
      {channel === 'sms' && blockedReason === null && <SmsSegmentCounter text={text.trim()} />}
    </form>
  );
}
