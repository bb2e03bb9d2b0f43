// Readers for MessageDto.metadata, per channel. The metadata is JSON written
// by the channel modules; these read it defensively, so a message stored by
// an older version (or missing a field) still renders.

type Json = Record<string, unknown>;

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

export interface MailAddress {
  name: string | null;
  address: string;
}

export interface EmailAttachment {
  id: string | null;
  url: string;
  filename: string | null;
  contentType: string;
  size: number | null;
  inline: boolean;
}

export interface EmailMeta {
  subject: string | null;
  from: MailAddress | null;
  to: MailAddress[];
  cc: MailAddress[];
  html: string | null;
  attachments: EmailAttachment[];
  /** Set on an agent's reply the customer's server refused (a DSN came back). */
  bounce: { reason: string; status: string | null } | null;
}

function address(v: unknown): MailAddress | null {
  if (typeof v === 'string' && v !== '') return { name: null, address: v };
  if (!isObj(v)) return null;
  const a = str(v['address']);
  return a ? { name: str(v['name']), address: a } : null;
}

function addresses(v: unknown): MailAddress[] {
  const list = Array.isArray(v) ? v : v === undefined || v === null ? [] : [v];
  return list.map(address).filter((a): a is MailAddress => a !== null);
}

export function emailMeta(metadata: Json | undefined): EmailMeta {
  const m = metadata ?? {};
  const e = isObj(m['email']) ? m['email'] : {};
  const bounce = isObj(m['bounce']) ? m['bounce'] : null;
  const attachments = (Array.isArray(m['attachments']) ? m['attachments'] : []).filter(isObj).flatMap((a): EmailAttachment[] => {
    const url = str(a['url']);
    return url ? [{ id: str(a['id']), url, filename: str(a['filename']), contentType: str(a['contentType']) ?? 'application/octet-stream', size: num(a['size']), inline: a['inline'] === true }] : [];
  });
  return {
    subject: str(e['subject']),
    from: address(e['from']),
    to: addresses(e['to']),
    cc: addresses(e['cc']),
    html: str(e['html']),
    attachments,
    bounce: bounce ? { reason: str(bounce['reason']) ?? '', status: str(bounce['status']) } : null,
  };
}

export interface SmsMeta {
  segments: { encoding: string; segments: number } | null;
  media: { url: string; contentType: string }[];
  optKeyword: string | null;
}

export function smsMeta(metadata: Json | undefined): SmsMeta {
  const m = metadata ?? {};
  const s = isObj(m['segments']) ? m['segments'] : null;
  const count = s ? num(s['segments']) : null;
  const media = (Array.isArray(m['attachments']) ? m['attachments'] : []).filter(isObj).flatMap((a) => {
    const url = str(a['url']);
    return url ? [{ url, contentType: str(a['contentType']) ?? 'application/octet-stream' }] : [];
  });
  return {
    segments: s && count !== null ? { encoding: str(s['encoding']) ?? '', segments: count } : null,
    media,
    // Stored as {action, keyword}; a bare string is accepted too.
    optKeyword: str(m['optKeyword']) ?? (isObj(m['optKeyword']) ? str(m['optKeyword']['keyword']) : null),
  };
}

export interface IvrStep {
  node: string;
  label: string;
}

export interface VoiceMeta {
  kind: 'call' | 'callback' | 'voicemail' | null;
  from: string | null;
  to: string | null;
  language: string | null;
  ivrPath: IvrStep[];
  voicemail: { url: string; durationSeconds: number | null } | null;
  recording: { url: string; durationSeconds: number | null } | null;
}

function recording(v: unknown): { url: string; durationSeconds: number | null } | null {
  if (!isObj(v)) return null;
  const url = str(v['url']);
  return url ? { url, durationSeconds: num(v['durationSeconds']) } : null;
}

/** One IVR step as the voice channel stores it ({node, type, choice?, …}), worded for the card. */
function step(v: unknown): IvrStep | null {
  if (!isObj(v)) return null;
  const node = str(v['node']) ?? str(v['id']);
  if (!node) return null;
  const detail = [v['input'], v['label']].map(str).find((x) => x !== null);
  return { node, label: detail ? `${node}: ${detail}` : node };
}

export function voiceMeta(metadata: Json | undefined): VoiceMeta {
  const m = metadata ?? {};
  const kind = m['kind'];
  return {
    kind: kind === 'call' || kind === 'callback' || kind === 'voicemail' ? kind : null,
    from: str(m['from']),
    to: str(m['to']),
    language: str(m['language']),
    ivrPath: (Array.isArray(m['ivrPath']) ? m['ivrPath'] : []).map(step).filter((s): s is IvrStep => s !== null),
    voicemail: recording(m['voicemail']),
    recording: recording(m['recording']),
  };
}

/** Twilio's recording URLs answer with WAV unless asked for MP3; browsers play either, MP3 is smaller. */
export function playableRecordingUrl(url: string): string {
  return /api\.twilio\.com\/.*\/Recordings\/RE[0-9a-f]{32}$/.test(url) ? `${url}.mp3` : url;
}
