import { useEffect, useRef } from 'react';
import { isTypingTarget, shortcutFor, type ShortcutAction } from './shortcuts.js';

export type ShortcutHandlers = Partial<Record<ShortcutAction, () => void>>;

/**
 * Document-wide shortcuts. Handlers are read through a ref so callers may pass
 * a fresh object each render. A key already handled by the focused control
 * (e.g. Enter in the reply box) is left alone.
 */
export function useShortcuts(handlers: ShortcutHandlers): void {
  const ref = useRef(handlers);
  ref.current = handlers;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.repeat || e.isComposing) return;
      const action = shortcutFor(e, isTypingTarget(e.target));
      const handler = action ? ref.current[action] : undefined;
      if (!handler) return;
      e.preventDefault();
      handler();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
}
