import { useMemo } from 'react';
import type { MessageDto } from '../../../../../src/contracts/index.js';
import { useI18n } from '../../i18n/context.js';
import { playableRecordingUrl, voiceMeta } from './meta.js';

const LANGUAGE_NAMES: Record<string, { en: string; fa: string }> = {
  en: { en: 'English', fa: 'انگلیسی' },
  fa: { en: 'Persian', fa: 'فارسی' },
};

/** The call's length: from the "call ended" event on the same call, when there is one. */
export function callDuration(call: MessageDto, thread: readonly MessageDto[]): number | null {
  const sid = call.metadata?.['callSid'];
  if (typeof sid !== 'string') return null;
  for (const m of thread) {
    if (m.metadata?.['callSid'] !== sid) continue;
    const d = m.metadata['durationSeconds'] ?? m.metadata['talkSeconds'];
    if (typeof d === 'number') return d;
  }
  return null;
}

export function Recording({ url, seconds, label }: { url: string; seconds: number | null; label: string }) {
  const { t, duration } = useI18n();
  const src = playableRecordingUrl(url);
  return (
    <figure className="voice-recording">
      <figcaption>{seconds !== null ? `${label} · ${t('ch.voice.recordingLength', { duration: duration(seconds) })}` : label}</figcaption>
      <audio controls preload="none" src={src} data-testid="voice-audio">
        <a href={src} target="_blank" rel="noopener noreferrer">
          {t('ch.voice.noAudio')} {t('ch.voice.openRecording')}
        </a>
      </audio>
    </figure>
  );
}

/** A call (or voicemail, or call back) as a card: who, length, language, IVR path, voicemail. */
export function VoiceCard({ message, thread }: { message: MessageDto; thread: readonly MessageDto[] }) {
  const { t, lang, duration, moment, dateTime } = useI18n();
  const meta = useMemo(() => voiceMeta(message.metadata), [message.metadata]);
  const length = callDuration(message, thread);
  const title = meta.kind === 'voicemail' ? t('ch.voice.voicemail') : meta.kind === 'callback' ? t('ch.voice.callback') : t('ch.voice.call');
  const languageName = meta.language ? (LANGUAGE_NAMES[meta.language]?.[lang] ?? meta.language) : null;
  return (
    <li className={`msg msg-customer voice-card-item`} data-message-id={message.id} data-seq={message.seq}>
      <article className="voice-card" data-testid="voice-card" data-kind={meta.kind ?? 'call'} aria-label={title}>
        <header>
          <strong>{title}</strong>{' '}
          <time dateTime={message.at} title={dateTime(message.at)}>
            {moment(message.at)}
          </time>
        </header>
        <dl>
          {meta.from && (
            <div>
              <dt>{t('ch.voice.caller')}</dt>
              <dd dir="ltr">{meta.from}</dd>
            </div>
          )}
          {meta.to && (
            <div>
              <dt>{t('ch.voice.called')}</dt>
              <dd dir="ltr">{meta.to}</dd>
            </div>
          )}
          {length !== null && (
            <div>
              <dt>{t('ch.voice.duration')}</dt>
              <dd data-testid="voice-duration">{duration(length)}</dd>
            </div>
          )}
          {languageName && (
            <div>
              <dt>{t('ch.voice.language')}</dt>
              <dd data-testid="voice-language">{languageName}</dd>
            </div>
          )}
        </dl>
        {meta.ivrPath.length > 0 && (
          <div className="voice-ivr">
            <span className="muted">{t('ch.voice.ivrPath')}</span>
            <ol className="voice-ivr-path" data-testid="voice-ivr-path">
              {meta.ivrPath.map((s, i) => (
                <li key={i} dir="auto">
                  {s.label}
                </li>
              ))}
            </ol>
          </div>
        )}
        {meta.voicemail && <Recording url={meta.voicemail.url} seconds={meta.voicemail.durationSeconds} label={t('ch.voice.voicemail')} />}
        {meta.recording && <Recording url={meta.recording.url} seconds={meta.recording.durationSeconds} label={t('ch.voice.recording')} />}
      </article>
    </li>
  );
}

/** A system note on a call (connected, hold, transfer, recording, ended): a line on the timeline, not a bubble. */
export function TimelineEvent({ message }: { message: MessageDto }) {
  const { t, moment, dateTime } = useI18n();
  const meta = useMemo(() => voiceMeta(message.metadata), [message.metadata]);
  const audio = meta.recording ?? meta.voicemail;
  // The recording's address is in the note's text too; the player replaces it.
  const text = audio ? message.body.replace(/:\s*https?:\/\/\S+\s*$/, '') : message.body;
  return (
    <li className="timeline-event" data-message-id={message.id} data-seq={message.seq} data-testid="timeline-event" aria-label={t('ch.voice.event')}>
      <span className="timeline-event-text" dir="auto">
        {text}
      </span>{' '}
      <time dateTime={message.at} title={dateTime(message.at)}>
        {moment(message.at)}
      </time>
      {audio && <Recording url={audio.url} seconds={audio.durationSeconds} label={meta.recording ? t('ch.voice.recording') : t('ch.voice.voicemail')} />}
    </li>
  );
}
