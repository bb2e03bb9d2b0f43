// A short two-tone beep for a new offer, made with Web Audio (no sound file to
// ship or cache), and the agent's mute choice, kept in this browser.

const MUTE_KEY = 'pasokh:console:offerSoundMuted';

export function soundMuted(): boolean {
  try {
    return window.localStorage.getItem(MUTE_KEY) === '1';
  } catch {
    return false;
  }
}

export function setSoundMuted(muted: boolean): void {
  try {
    if (muted) window.localStorage.setItem(MUTE_KEY, '1');
    else window.localStorage.removeItem(MUTE_KEY);
  } catch {
    // Not remembered; the toggle still holds for this page.
  }
}

let context: AudioContext | null = null;

/** Plays the beep unless muted; silently does nothing where audio is unavailable or not yet allowed. */
export function playOfferBeep(): void {
  if (soundMuted()) return;
  const Ctx = typeof window === 'undefined' ? undefined : window.AudioContext;
  if (!Ctx) return;
  try {
    context ??= new Ctx();
    // Browsers start audio suspended until the page has had a click; a console in use has had one.
    void context.resume().catch(() => undefined);
    const start = context.currentTime;
    for (const [i, frequency] of [880, 1175].entries()) {
      const osc = context.createOscillator();
      const gain = context.createGain();
      osc.type = 'sine';
      osc.frequency.value = frequency;
      const t0 = start + i * 0.16;
      gain.gain.setValueAtTime(0.0001, t0);
      gain.gain.exponentialRampToValueAtTime(0.2, t0 + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, t0 + 0.14);
      osc.connect(gain).connect(context.destination);
      osc.start(t0);
      osc.stop(t0 + 0.15);
    }
  } catch {
    // No audio device, or the browser refused: the pop-up still shows.
  }
}
