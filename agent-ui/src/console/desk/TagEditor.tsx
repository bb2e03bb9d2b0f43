import { useState, type KeyboardEvent } from 'react';
import { normaliseTag } from '../../../../src/desk/tags.js';
import { ApiError } from '../api/http.js';
import { errorText } from '../api/errorText.js';
import { useI18n } from '../i18n/context.js';
import { putTags } from './api.js';
import './desk.css';

interface Props {
  conversationId: string;
  tags: string[];
  onChange: (tags: string[]) => void;
  disabled?: boolean;
}

/** Tag chips with a remove button each, and a box that adds a tag on Enter or comma; every change is saved at once. */
export function TagEditor({ conversationId, tags, onChange, disabled = false }: Props) {
  const { t } = useI18n();
  const [draft, setDraft] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function save(next: string[]) {
    setBusy(true);
    setError(null);
    try {
      onChange(await putTags(conversationId, next));
      setDraft('');
    } catch (err) {
      // A field problem (too long, too many) is the hub's own words for that tag.
      setError(err instanceof ApiError && err.details[0] ? err.details[0].message : errorText(err, t));
    } finally {
      setBusy(false);
    }
  }

  function onKeyDown(e: KeyboardEvent<HTMLInputElement>) {
    if ((e.key === 'Enter' || e.key === ',' || e.key === '،') && !e.nativeEvent.isComposing) {
      e.preventDefault();
      const tag = normaliseTag(draft);
      if (tag && !tags.includes(tag)) void save([...tags, tag]);
      else setDraft('');
    } else if (e.key === 'Backspace' && draft === '' && tags.length > 0) {
      void save(tags.slice(0, -1));
    }
  }

  return (
    <div className="tag-editor" data-testid="tag-editor">
      <span className="visually-hidden">{t('desk.tags.label')}</span>
      <ul className="tag-list" aria-label={t('desk.tags.label')}>
        {tags.map((tag) => (
          <li key={tag} className="tag-chip" data-testid="tag-chip">
            <span dir="auto">#{tag}</span>
            <button type="button" className="tag-remove" aria-label={t('desk.tags.remove', { tag })} disabled={disabled || busy} onClick={() => void save(tags.filter((x) => x !== tag))}>
              ×
            </button>
          </li>
        ))}
      </ul>
      {!disabled && (
        <input
          type="text"
          dir="auto"
          className="tag-input"
          aria-label={t('desk.tags.add')}
          placeholder={t('desk.tags.add')}
          value={draft}
          disabled={busy}
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={onKeyDown}
          data-testid="tag-input"
        />
      )}
      {error !== null && (
        <p className="inline-error" role="alert" data-testid="tag-error">
          {t('desk.tags.failed', { message: error })}
        </p>
      )}
    </div>
  );
}
