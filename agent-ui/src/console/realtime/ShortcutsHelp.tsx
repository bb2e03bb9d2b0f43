import { Fragment, useEffect, useRef } from 'react';
import { useI18n } from '../i18n/context.js';
import type { StringKey } from '../i18n/strings.js';
import { SHORTCUTS, type KeyCombo } from './shortcuts.js';
import './realtime.css';

const KEY_NAMES: Record<string, StringKey | string> = {
  ArrowUp: 'rt.kbd.up',
  ArrowDown: 'rt.kbd.down',
  Enter: 'rt.kbd.enter',
  Slash: '?',
};

function keyName(code: string): string | StringKey {
  if (code in KEY_NAMES) return KEY_NAMES[code]!;
  if (code.startsWith('Key')) return code.slice(3);
  if (code.startsWith('Digit')) return code.slice(5);
  return code;
}

function Combo({ combo }: { combo: KeyCombo }) {
  const { t } = useI18n();
  const parts: string[] = [];
  if (combo.mod) parts.push(t('rt.kbd.ctrl'));
  if (combo.alt) parts.push(t('rt.kbd.alt'));
  // "?" already means Shift + /.
  if (combo.shift && combo.code !== 'Slash') parts.push(t('rt.kbd.shift'));
  const name = keyName(combo.code);
  parts.push(name.startsWith('rt.') ? t(name as StringKey) : name);
  return (
    <span className="kbd-combo" dir="ltr">
      {parts.map((p, i) => (
        <Fragment key={i}>
          {i > 0 && ' + '}
          <kbd>{p}</kbd>
        </Fragment>
      ))}
    </span>
  );
}

/** The "?" overlay: every shortcut with its keys, from the same table the key handler uses. */
export function ShortcutsHelp({ onClose }: { onClose: () => void }) {
  const { t } = useI18n();
  const closeRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    closeRef.current?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onClose();
    };
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('keydown', onKey);
      previous?.focus?.();
    };
  }, [onClose]);
  return (
    <div className="modal-backdrop" onClick={(e) => e.target === e.currentTarget && onClose()}>
      <div className="modal shortcuts-help" role="dialog" aria-modal="true" aria-labelledby="shortcuts-title" data-testid="shortcuts-help">
        <h2 id="shortcuts-title">{t('rt.shortcuts.title')}</h2>
        <table>
          <thead>
            <tr>
              <th scope="col">{t('rt.shortcuts.action')}</th>
              <th scope="col">{t('rt.shortcuts.keys')}</th>
            </tr>
          </thead>
          <tbody>
            {SHORTCUTS.map((s) => (
              <tr key={s.action} data-action={s.action}>
                <td>{t(s.label)}</td>
                <td>
                  {s.combos.map((c, i) => (
                    <Fragment key={i}>
                      {i > 0 && ` ${t('rt.shortcuts.or')} `}
                      <Combo combo={c} />
                    </Fragment>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <p className="muted">{t('rt.shortcuts.note')}</p>
        <div className="modal-actions">
          <button type="button" ref={closeRef} onClick={onClose} data-testid="shortcuts-close">
            {t('common.close')} <kbd dir="ltr">{t('rt.kbd.esc')}</kbd>
          </button>
        </div>
      </div>
    </div>
  );
}
