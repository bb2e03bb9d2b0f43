import { useEffect, useState } from 'react';
import type { ConversationDto } from '../../../../src/contracts/index.js';
import { normaliseTag } from '../../../../src/desk/tags.js';
import { api } from '../api/http.js';
import { useI18n } from '../i18n/context.js';
import './desk.css';

export interface TagFilterState {
  tag: string;
  setTag: (tag: string) => void;
  /** Ids of the listed conversations carrying the tag; null while no tag is set. */
  ids: ReadonlySet<string> | null;
}

/** Asks the hub which of my open conversations carry the tag, again whenever the list changes. */
export function useTagFilter(conversations: readonly ConversationDto[]): TagFilterState {
  const [tag, setTag] = useState('');
  const [ids, setIds] = useState<ReadonlySet<string> | null>(null);
  const wanted = normaliseTag(tag);
  const listKey = conversations.map((c) => c.id).join(',');

  useEffect(() => {
    if (!wanted) {
      setIds(null);
      return;
    }
    let cancelled = false;
    api<{ conversations: ConversationDto[] }>('GET', `/api/conversations?mine=1&tag=${encodeURIComponent(wanted)}`).then(
      (res) => {
        if (!cancelled) setIds(new Set(res.conversations.map((c) => c.id)));
      },
      // A failed filter shows the whole list rather than hiding conversations.
      () => {
        if (!cancelled) setIds(null);
      },
    );
    return () => {
      cancelled = true;
    };
  }, [wanted, listKey]);

  return { tag, setTag, ids };
}

export function TagFilter({ filter }: { filter: TagFilterState }) {
  const { t } = useI18n();
  return (
    <div className="tag-filter">
      <input
        type="search"
        dir="auto"
        aria-label={t('desk.tags.filter')}
        placeholder={t('desk.tags.filter')}
        value={filter.tag}
        onChange={(e) => filter.setTag(e.target.value)}
        data-testid="tag-filter"
      />
    </div>
  );
}
