import { useEffect, useId, useLayoutEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import type { NoteDto } from '../../../../src/contracts/index.js';
import { errorText } from '../api/errorText.js';
import { useI18n } from '../i18n/context.js';
import { addNote, listMentionable } from './api.js';
import { insertMention, mentionLabel, mentionQuery, suggestions, type Mentionable } from './mentionQuery.js';
import './desk.css';

/** One private note on the timeline: marked as private so nobody mistakes it for something the customer saw. */
export function NoteItem({ note }: { note: NoteDto }) {
  const { t, dateTime } = useI18n();
  return (
    <li className="note-item" data-testid="note-item" data-note-id={note.id} aria-label={t('desk.notes.private')}>
      <div className="note-meta">
        <span className="note-badge">{t('desk.notes.private')}</span>
        <span dir="auto">{note.authorName ? t('desk.notes.by', { name: note.authorName }) : t('desk.notes.unknownAuthor')}</span>
        <time dateTime={note.at}>{dateTime(note.at)}</time>
      </div>
      <p className="note-body" dir="auto">
        {note.body}
      </p>
      {note.mentions.length > 0 && (
        <p className="note-mentions" dir="auto">
          {t('desk.notes.mentions', { names: note.mentions.map((m) => m.name).join('، ') })}
        </p>
      )}
    </li>
  );
}

/** The colleagues a note can mention, loaded when the composer opens; empty until then or if the list is unavailable. */
function useMentionable(open: boolean): Mentionable[] {
  const [users, setUsers] = useState<Mentionable[]>([]);
  useEffect(() => {
    if (!open) return;
    let cancelled = false;
    // Without the list the note still works: the hub resolves typed @names on save.
    listMentionable().then(
      (list) => {
        if (!cancelled) setUsers(list);
      },
      () => undefined,
    );
    return () => {
      cancelled = true;
    };
  }, [open]);
  return users;
}

/**
 * "Add private note": a collapsed button that opens a small form under the
 * timeline. Typing "@" and letters lists matching colleagues (arrows, Enter
 * or Tab to pick, Esc to dismiss); the textarea is the combobox, so screen
 * readers follow the highlighted colleague through aria-activedescendant
 * while focus stays where the agent types.
 */
export function NoteComposer({ conversationId, userId = null, onAdded }: { conversationId: string; userId?: string | null; onAdded: (note: NoteDto) => void }) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const [text, setText] = useState('');
  const [caret, setCaret] = useState(0);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [active, setActive] = useState(0);
  // The "@" whose list the agent closed with Esc: it stays closed until another "@" is typed.
  const [dismissed, setDismissed] = useState<number | null>(null);
  const users = useMentionable(open);
  const inputRef = useRef<HTMLTextAreaElement>(null);
  const pendingCaret = useRef<number | null>(null);
  const listId = useId();

  const query = open ? mentionQuery(text, caret, users) : null;
  const matches = query && query.start !== dismissed ? suggestions(users, query.text, userId) : [];
  const showing = query !== null && matches.length > 0;
  const current = showing ? Math.min(active, matches.length - 1) : -1;
  const optionId = (i: number) => `${listId}-opt-${i}`;

  // After a pick, put the caret after the inserted name (React has just replaced the value).
  useLayoutEffect(() => {
    const el = inputRef.current;
    if (el && pendingCaret.current !== null) {
      el.setSelectionRange(pendingCaret.current, pendingCaret.current);
      pendingCaret.current = null;
    }
  }, [text]);

  function pick(user: Mentionable | undefined) {
    if (!user || !query) return;
    const next = insertMention(text, query, mentionLabel(user, users));
    pendingCaret.current = next.caret;
    setText(next.text);
    setCaret(next.caret);
    setActive(0);
    inputRef.current?.focus();
  }

  async function submit(e?: FormEvent) {
    e?.preventDefault();
    const body = text.trim();
    if (!body || busy) return;
    setBusy(true);
    setError(null);
    try {
      onAdded(await addNote(conversationId, body));
      setText('');
      setCaret(0);
      setDismissed(null);
      setOpen(false);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  function onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>) {
    if (showing && !e.nativeEvent.isComposing) {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        const step = e.key === 'ArrowDown' ? 1 : -1;
        setActive((current + step + matches.length) % matches.length);
        return;
      }
      if ((e.key === 'Enter' && !e.ctrlKey && !e.metaKey && !e.shiftKey) || (e.key === 'Tab' && !e.shiftKey)) {
        e.preventDefault();
        pick(matches[current]);
        return;
      }
      if (e.key === 'Escape') {
        // Closes the list only; a second Esc closes the note.
        e.preventDefault();
        e.stopPropagation();
        setDismissed(query.start);
        return;
      }
    }
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) void submit();
    if (e.key === 'Escape') setOpen(false);
  }

  if (!open) {
    return (
      <div className="note-composer closed">
        <button type="button" className="link" onClick={() => setOpen(true)} data-testid="note-open">
          {t('desk.notes.add')}
        </button>
      </div>
    );
  }
  return (
    <form className="note-composer" onSubmit={(e) => void submit(e)}>
      {error !== null && (
        <p className="inline-error" role="alert">
          {t('desk.notes.failed', { message: errorText(error, t) })}
        </p>
      )}
      <label className="visually-hidden" htmlFor={`note-${conversationId}`}>
        {t('desk.notes.label')}
      </label>
      <div className="mention-field">
        <textarea
          ref={inputRef}
          id={`note-${conversationId}`}
          dir={text ? 'auto' : undefined}
          rows={2}
          autoFocus
          placeholder={t('desk.notes.placeholder')}
          value={text}
          role="combobox"
          aria-autocomplete="list"
          aria-haspopup="listbox"
          aria-expanded={showing}
          aria-controls={listId}
          aria-activedescendant={showing ? optionId(current) : undefined}
          onChange={(e) => {
            setText(e.target.value);
            setCaret(e.target.selectionStart);
            setActive(0);
          }}
          onSelect={(e) => setCaret(e.currentTarget.selectionStart)}
          onKeyDown={onKeyDown}
          data-testid="note-input"
        />
        <ul className="mention-options" role="listbox" id={listId} aria-label={t('desk.mention.label')} hidden={!showing} data-testid="mention-list">
          {matches.map((u, i) => (
            <li
              key={u.id}
              id={optionId(i)}
              role="option"
              aria-selected={i === current}
              className={i === current ? 'active' : undefined}
              // Keep focus in the textarea; the click picks.
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => pick(u)}
              data-testid="mention-option"
              data-user-id={u.id}
            >
              <span className="mention-name" dir="auto">
                {u.name}
              </span>{' '}
              <bdi className="mention-email" dir="ltr">
                {u.email}
              </bdi>
            </li>
          ))}
        </ul>
        <p className="visually-hidden" role="status">
          {showing ? t('desk.mention.count', { count: matches.length }) : ''}
        </p>
      </div>
      <div className="note-actions">
        <button type="submit" className="primary" disabled={busy || !text.trim()} data-testid="note-submit">
          {busy ? t('desk.saving') : t('desk.notes.submit')}
        </button>
        <button type="button" onClick={() => setOpen(false)}>
          {t('desk.cancel')}
        </button>
      </div>
    </form>
  );
}
