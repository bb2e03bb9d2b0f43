// The console's keyboard shortcuts: one table drives both the key handling and
// the help overlay. Keys are matched by physical position (KeyboardEvent.code),
// so they work the same on a Persian keyboard layout.
import type { StringKey } from '../i18n/strings.js';

export type ShortcutAction = 'accept' | 'reject' | 'next' | 'prev' | 'reply' | 'send' | 'available' | 'away' | 'help';

export interface KeyCombo {
  code: string;
  alt?: boolean;
  /** Ctrl, or ⌘ on a Mac. */
  mod?: boolean;
  shift?: boolean;
}

export interface Shortcut {
  action: ShortcutAction;
  label: StringKey;
  combos: KeyCombo[];
}

export const SHORTCUTS: readonly Shortcut[] = [
  { action: 'accept', label: 'rt.key.accept', combos: [{ code: 'KeyA', alt: true }] },
  { action: 'reject', label: 'rt.key.reject', combos: [{ code: 'KeyR', alt: true }] },
  { action: 'next', label: 'rt.key.next', combos: [{ code: 'ArrowDown', alt: true }, { code: 'KeyJ' }] },
  { action: 'prev', label: 'rt.key.prev', combos: [{ code: 'ArrowUp', alt: true }, { code: 'KeyK' }] },
  { action: 'reply', label: 'rt.key.reply', combos: [{ code: 'KeyR' }] },
  { action: 'send', label: 'rt.key.send', combos: [{ code: 'Enter', mod: true }] },
  { action: 'available', label: 'rt.key.available', combos: [{ code: 'Digit1', alt: true }] },
  { action: 'away', label: 'rt.key.away', combos: [{ code: 'Digit2', alt: true }] },
  { action: 'help', label: 'rt.key.help', combos: [{ code: 'Slash', shift: true }] },
];

export interface KeyInfo {
  code: string;
  altKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
}

/** A combo without Alt or Ctrl would eat a typed letter: those only fire outside text fields. */
export function isModifierCombo(c: KeyCombo): boolean {
  return Boolean(c.alt || c.mod);
}

function matches(c: KeyCombo, e: KeyInfo): boolean {
  return (
    c.code === e.code &&
    Boolean(c.alt) === e.altKey &&
    Boolean(c.mod) === (e.ctrlKey || e.metaKey) &&
    Boolean(c.shift) === e.shiftKey
  );
}

/** The action a key press stands for, if any; `typing`: the focus is in a text field. */
export function shortcutFor(e: KeyInfo, typing: boolean): ShortcutAction | null {
  for (const s of SHORTCUTS) {
    for (const c of s.combos) {
      if (matches(c, e) && (!typing || isModifierCombo(c))) return s.action;
    }
  }
  return null;
}

/** True when keys typed now would go into a field (so single keys are text, not commands). */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag !== 'INPUT') return false;
  const type = (target as HTMLInputElement).type;
  return !['button', 'checkbox', 'radio', 'submit', 'reset', 'range', 'color', 'file'].includes(type);
}
