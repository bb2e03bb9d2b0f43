import { useState } from 'react';
import { useI18n } from '../i18n/context.js';
import { setSoundMuted, soundMuted } from './offerSound.js';
import './realtime.css';

/** A bell, struck through when muted (drawn, so it needs no emoji font). */
function BellIcon({ muted }: { muted: boolean }) {
  return (
    <svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true" focusable="false">
      <path d="M12 22a2 2 0 0 0 2-2h-4a2 2 0 0 0 2 2zm6-6V11a6 6 0 0 0-5-5.9V4a1 1 0 0 0-2 0v1.1A6 6 0 0 0 6 11v5l-2 2v1h16v-1l-2-2z" fill="currentColor" />
      {muted && <path d="M3 3l18 18" stroke="currentColor" strokeWidth="2.2" strokeLinecap="round" />}
    </svg>
  );
}

/** Top-bar buttons: the offer-sound toggle and the shortcut list. */
export function RealtimeTools({ onHelp }: { onHelp: () => void }) {
  const { t } = useI18n();
  const [muted, setMuted] = useState(soundMuted);
  const label = muted ? t('rt.sound.unmute') : t('rt.sound.mute');
  return (
    <div className="rt-tools">
      <button
        type="button"
        aria-pressed={muted}
        aria-label={label}
        title={label}
        data-testid="offer-sound-toggle"
        onClick={() => {
          setSoundMuted(!muted);
          setMuted(!muted);
        }}
      >
        <BellIcon muted={muted} />
      </button>
      <button type="button" aria-label={t('rt.shortcuts.open')} title={t('rt.shortcuts.open')} aria-keyshortcuts="Shift+?" data-testid="shortcuts-open" onClick={onHelp}>
        <span aria-hidden="true">?</span>
      </button>
    </div>
  );
}
