import { useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { ConversationDto } from '../../../../src/contracts/index.js';
import { fillPlaceholders, type Filled, type PlaceholderValues } from '../../../../src/desk/placeholders.js';
import { errorText } from '../api/errorText.js';
import { useI18n } from '../i18n/context.js';
import { currentUserName, listCanned, type CannedResponse } from './api.js';
import './desk.css';

interface Props {
  conversationId: string;
  /** The conversation's customer and channel fill the placeholders. */
  conversation: ConversationDto | null;
  onInsert: (text: string, filled: Filled) => void;
  onClose: () => void;
}

/** Case- and spelling-insensitive, so "سلام" finds "سلام" typed with an Arabic yeh and "HELLO" finds "hello". */
const fold = (s: string) => s.toLowerCase().replace(/\u064a/g, '\u06cc').replace(/\u0643/g, '\u06a9');

/** Shortcut matches first, then title, then anywhere in the text. */
export function searchCanned(list: readonly CannedResponse[], query: string): CannedResponse[] {
  const q = fold(query.trim().replace(/^\//, ''));
  if (!q) return [...list];
  const rank = (c: CannedResponse) => (c.shortcut.startsWith(q) ? 0 : fold(c.title).includes(q) ? 1 : fold(c.body).includes(q) ? 2 : 3);
  return list
    .map((c) => ({ c, r: rank(c) }))
    .filter((x) => x.r < 3)
    .sort((a, b) => a.r - b.r)
    .map((x) => x.c);
}

export function placeholderValues(conversation: ConversationDto | null, agentName: string | null, conversationId: string): PlaceholderValues {
  const email = conversation?.customer.identities.find((i) => i.kind === 'email')?.value ?? conversation?.customer.unverifiedEmail ?? null;
  return {
    'customer.name': conversation?.customer.name ?? null,
    'customer.email': email,
    'agent.name': agentName,
    'conversation.id': conversationId,
    'conversation.channel': conversation?.channel ?? null,
  };
}

/** A searchable list of canned responses: arrows move, Enter inserts the filled text, Esc closes. */
export function CannedPicker({ conversationId, conversation, onInsert, onClose }: Props) {
  const { t } = useI18n();
  const [all, setAll] = useState<CannedResponse[] | null>(null);
  const [agentName, setAgentName] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const listId = useId();
  const inputRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    let cancelled = false;
    inputRef.current?.focus();
    Promise.all([listCanned(conversationId), currentUserName().catch(() => null)]).then(
      ([list, name]) => {
        if (cancelled) return;
        setAll(list);
        setAgentName(name);
      },
      (err: unknown) => {
        if (!cancelled) setError(err);
      },
    );
    return () => {
      cancelled = true;
    };
  }, [conversationId]);

  const matches = useMemo(() => (all ? searchCanned(all, query) : []), [all, query]);
  const current = matches[Math.min(active, matches.length - 1)];
  const values = placeholderValues(conversation, agentName, conversationId);
  const preview = current ? fillPlaceholders(current.body, values) : null;

  function insert(c: CannedResponse | undefined) {
    if (!c) return;
    onInsert(fillPlaceholders(c.body, values).text, fillPlaceholders(c.body, values));
  }

  function onKeyDown(e: KeyboardEvent<HTMLInputElement>) {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      if (matches.length === 0) return;
      const step = e.key === 'ArrowDown' ? 1 : -1;
      setActive((i) => (Math.min(i, matches.length - 1) + step + matches.length) % matches.length);
    } else if (e.key === 'Enter' && !e.nativeEvent.isComposing) {
      e.preventDefault();
      insert(current);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      onClose();
    }
  }

  const optionId = (i: number) => `${listId}-opt-${i}`;

  return (
    <div className="canned-picker" data-testid="canned-picker">
      <input
        ref={inputRef}
        type="search"
        dir="auto"
        role="combobox"
        aria-expanded="true"
        aria-controls={listId}
        aria-activedescendant={current ? optionId(matches.indexOf(current)) : undefined}
        aria-label={t('desk.canned.search')}
        placeholder={t('desk.canned.search')}
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          setActive(0);
        }}
        onKeyDown={onKeyDown}
        data-testid="canned-search"
      />
      <p className="help">{t('desk.canned.hint')}</p>
      {error !== null && (
        <p className="inline-error" role="alert">
          {t('desk.canned.loadFailed', { message: errorText(error, t) })}
        </p>
      )}
      {all === null && error === null && <p className="muted">{t('common.loading')}</p>}
      {all !== null && all.length === 0 && <p className="muted">{t('desk.canned.none')}</p>}
      {all !== null && all.length > 0 && matches.length === 0 && <p className="muted">{t('desk.canned.empty')}</p>}
      <ul className="canned-options" role="listbox" id={listId} aria-label={t('desk.canned.open')}>
        {matches.map((c, i) => (
          <li
            key={c.id}
            id={optionId(i)}
            role="option"
            aria-selected={c === current}
            className={c === current ? 'active' : undefined}
            // Keep focus in the search box; the click inserts.
            onMouseDown={(e) => e.preventDefault()}
            onClick={() => insert(c)}
            data-testid="canned-option"
          >
            <code dir="ltr">/{c.shortcut}</code> <span dir="auto">{c.title}</span> <span className="chip">{t(`desk.lang.${c.language}`)}</span>
          </li>
        ))}
      </ul>
      {preview && (
        <div className="canned-preview" data-testid="canned-preview">
          <p dir="auto">{preview.text}</p>
          {preview.unknown.length > 0 && (
            <p className="inline-error" data-testid="canned-unknown">
              {t('desk.canned.unknown', { names: preview.unknown.map((n) => `{{${n}}}`).join(', ') })}
            </p>
          )}
          {preview.empty.length > 0 && <p className="muted">{t('desk.canned.emptyValue', { names: preview.empty.join(', ') })}</p>}
        </div>
      )}
    </div>
  );
}
