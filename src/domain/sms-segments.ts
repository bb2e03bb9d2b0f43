// How many SMS segments a body costs. Pure: no I/O, used by the adapter, the
// ingest path and (later) the console while the agent types.
//
// A body that fits the GSM 03.38 default alphabet is sent as GSM-7: 160
// septets in one message, 153 per part when split (the user data header takes
// the rest). Characters of the extension table are an escape plus a septet,
// so they count 2, and a part never ends between the two. Anything else is
// UCS-2: 70 UTF-16 code units in one message, 67 per part, and a surrogate
// pair (an emoji) is never split across parts. Persian and Arabic are UCS-2.

export type SmsEncoding = 'GSM-7' | 'UCS-2';

export interface SmsSegments {
  encoding: SmsEncoding;
  /** Parts the message is sent as; at least 1 (an empty body still costs one). */
  segments: number;
  /** Capacity of each part: 160 or 153 (GSM-7), 70 or 67 (UCS-2). */
  charactersPerSegment: number;
  /** Septets (GSM-7) or UTF-16 code units (UCS-2) the body takes. */
  length: number;
}

const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM_EXTENSION = '\f^{}\\[~]|€';

const basic = new Set(GSM_BASIC);
const extension = new Set(GSM_EXTENSION);

export const GSM7_SINGLE = 160;
export const GSM7_MULTI = 153;
export const UCS2_SINGLE = 70;
export const UCS2_MULTI = 67;

/** Septets per character when the whole body is GSM-7, or null when some character is not. */
function gsmUnits(body: string): number[] | null {
  const units: number[] = [];
  for (const ch of body) {
    if (basic.has(ch)) units.push(1);
    else if (extension.has(ch)) units.push(2);
    else return null;
  }
  return units;
}

/** UTF-16 code units per code point (2 for a surrogate pair, 1 otherwise, lone surrogates included). */
function ucs2Units(body: string): number[] {
  const units: number[] = [];
  for (const ch of body) units.push(ch.length);
  return units;
}

function pack(encoding: SmsEncoding, units: number[], single: number, multi: number): SmsSegments {
  const length = units.reduce((a, b) => a + b, 0);
  if (length <= single) return { encoding, segments: 1, charactersPerSegment: single, length };
  // Fill parts in order; an item that does not fit whole starts the next part.
  let segments = 1;
  let used = 0;
  for (const u of units) {
    if (used + u > multi) {
      segments += 1;
      used = 0;
    }
    used += u;
  }
  return { encoding, segments, charactersPerSegment: multi, length };
}

export function smsSegments(body: string): SmsSegments {
  const gsm = gsmUnits(body);
  if (gsm) return pack('GSM-7', gsm, GSM7_SINGLE, GSM7_MULTI);
  return pack('UCS-2', ucs2Units(body), UCS2_SINGLE, UCS2_MULTI);
}
