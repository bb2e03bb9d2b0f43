import { useState, type FormEvent, type KeyboardEvent } from 'react';
import type { NoteDto } from '../../../../src/contracts/index.js';
import { errorText } from '../api/errorText.js';
import { useI18n } from '../i18n/context.js';
import { addNote } from './api.js';
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

/** "Add private note": a collapsed button that opens a small form under the timeline. */
export function NoteComposer({ conversationId, onAdded }: { conversationId: string; onAdded: (note: NoteDto) => void }) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function submit(e?: FormEvent) {
    e?.preventDefault();
    const body = text.trim();
    if (!body || busy) return;
    setBusy(true);
    setError(null);
    try {
      onAdded(await addNote(conversationId, body));
      setText('');
      setOpen(false);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  function onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>) {
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
      <textarea
        id={`note-${conversationId}`}
        dir={text ? 'auto' : undefined}
        rows={2}
        autoFocus
        placeholder={t('desk.notes.placeholder')}
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={onKeyDown}
        data-testid="note-input"
      />
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
