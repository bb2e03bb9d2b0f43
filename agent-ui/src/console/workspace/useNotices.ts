import { useCallback, useEffect, useRef, useState } from 'react';

export interface Notice {
  id: number;
  text: string;
}

const NOTICE_MS = 8000;

/** Short-lived error banners (a failed accept, a refused status change). */
export function useNotices() {
  const [notices, setNotices] = useState<Notice[]>([]);
  const nextId = useRef(1);
  const timers = useRef(new Map<number, number>());

  const dismiss = useCallback((id: number) => {
    setNotices((list) => list.filter((n) => n.id !== id));
    const timer = timers.current.get(id);
    if (timer !== undefined) window.clearTimeout(timer);
    timers.current.delete(id);
  }, []);

  const notify = useCallback(
    (text: string) => {
      const id = nextId.current++;
      setNotices((list) => [...list, { id, text }]);
      timers.current.set(
        id,
        window.setTimeout(() => dismiss(id), NOTICE_MS),
      );
    },
    [dismiss],
  );

  useEffect(() => {
    const pending = timers.current;
    return () => {
      for (const timer of pending.values()) window.clearTimeout(timer);
      pending.clear();
    };
  }, []);

  return { notices, notify, dismiss };
}
