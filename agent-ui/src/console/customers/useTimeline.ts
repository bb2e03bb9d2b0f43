import { useCallback, useEffect, useRef, useState } from 'react';
import type { TimelineItemDto } from '../../../../src/customers/contracts.js';
import { getTimelinePage } from './api.js';

export interface TimelineState {
  items: TimelineItemDto[];
  /** More (older) messages exist. */
  hasMore: boolean;
  loading: boolean;
  error: unknown;
  loadOlder: () => void;
}

/**
 * The customer's cross-channel timeline, newest first, one page at a time. The
 * cursor comes from the server; a page is never requested twice at once, and
 * items are de-duplicated by id in case a page is retried.
 */
export function useTimeline(customerId: string, pageSize = 30, exclude: string | null = null): TimelineState {
  const [items, setItems] = useState<TimelineItemDto[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [hasMore, setHasMore] = useState(true);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const inFlight = useRef(false);
  const generation = useRef(0);

  const fetchPage = useCallback(
    async (before: string | null, gen: number) => {
      if (inFlight.current) return;
      inFlight.current = true;
      setLoading(true);
      try {
        const page = await getTimelinePage(customerId, before, pageSize, exclude);
        if (gen !== generation.current) return;
        setItems((current) => {
          const seen = new Set(current.map((m) => m.id));
          return [...current, ...page.items.filter((m) => !seen.has(m.id))];
        });
        setCursor(page.nextCursor);
        setHasMore(page.nextCursor !== null);
        setError(null);
      } catch (err) {
        if (gen === generation.current) setError(err);
      } finally {
        if (gen === generation.current) {
          inFlight.current = false;
          setLoading(false);
        }
      }
    },
    [customerId, pageSize, exclude],
  );

  useEffect(() => {
    generation.current += 1;
    inFlight.current = false;
    setItems([]);
    setCursor(null);
    setHasMore(true);
    setError(null);
    void fetchPage(null, generation.current);
  }, [fetchPage]);

  const loadOlder = useCallback(() => {
    if (!hasMore || inFlight.current) return;
    void fetchPage(cursor, generation.current);
  }, [cursor, hasMore, fetchPage]);

  return { items, hasMore, loading, error, loadOlder };
}
