// Customers' replies carry our whole earlier mail (and theirs) below what
// they wrote. The console shows what is new and folds the rest behind a
// toggle. Pure string work, so it runs the same in the browser and in tests.
//
// Forwarded messages are not folded: what was forwarded is usually the point.

export interface Folded {
  /** What the customer wrote. */
  main: string;
  /** The quoted history, or null when there is none (or nothing would be left above it). */
  quoted: string | null;
}

// "On Tue, Mar 4, 2025 at 9:30 PM Support <s@x> wrote:" (Gmail, Apple Mail, Thunderbird; may wrap
// once), its Persian form "در تاریخ … نوشت:", and Outlook's separators.
const ATTRIBUTION = /^(?:On\s.{0,200}?wrote:|در\s.{0,200}?نوشت:)\s*$/;
const ATTRIBUTION_START = /^(?:On\s|در\s)/;
const ORIGINAL_MESSAGE = /^-{2,}\s*Original Message\s*-{2,}$/i;
const OUTLOOK_RULE = /^_{10,}$/;
const HEADER_FROM = /^(?:From|از):\s/;
const HEADER_NEXT = /^(?:Sent|Date|To|Subject|ارسال|تاریخ|به|موضوع):\s/;
const FORWARDED = /Forwarded message|Begin forwarded message|پیام بازارسال/i;

function isQuoteStart(lines: string[], i: number): boolean {
  const line = lines[i]!.trim();
  if (ATTRIBUTION.test(line)) return true;
  // An attribution wrapped over two lines.
  if (ATTRIBUTION_START.test(line) && i + 1 < lines.length && ATTRIBUTION.test(`${line} ${lines[i + 1]!.trim()}`)) return true;
  if (ORIGINAL_MESSAGE.test(line)) return true;
  if (OUTLOOK_RULE.test(line) && HEADER_FROM.test(lines[i + 1]?.trim() ?? '')) return true;
  if (HEADER_FROM.test(line) && HEADER_NEXT.test(lines[i + 1]?.trim() ?? '')) return true;
  // A block of "> " lines that runs to the end (an inline reply between quotes is not folded).
  if (line.startsWith('>')) return lines.slice(i).every((l) => l.trim() === '' || l.trim().startsWith('>'));
  return false;
}

/** Splits a plain-text mail body into what is new and the quoted history below it. */
export function foldQuotedText(text: string): Folded {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    if (FORWARDED.test(lines[i]!)) break;
    if (!isQuoteStart(lines, i)) continue;
    const main = lines.slice(0, i).join('\n').trimEnd();
    if (main.trim() === '') break;
    return { main, quoted: lines.slice(i).join('\n').trim() };
  }
  return { main: text, quoted: null };
}

const HTML_MARKERS: RegExp[] = [
  /<blockquote\b/i,
  /-{2,}\s*Original Message\s*-{2,}/i,
  // Outlook: a rule, then the "From:" header block of the earlier mail.
  /<hr\b[^>]*>(?:\s|<[^>]+>)*(?:From|از):/i,
  // The attribution line, whose tags may wrap the address.
  /(?:^|>)\s*(?:On\s(?:[^<]|<(?:a|span|strong|b)\b[^>]*>|<\/(?:a|span|strong|b)>){0,300}?wrote:|در\s[^<]{0,300}?نوشت:)/i,
];

/** Entities and tags removed: is there any text in this piece of HTML? */
function hasText(html: string): boolean {
  return (
    html
      .replace(/<img\b[^>]*>/gi, 'x')
      .replace(/<[^>]*>/g, '')
      .replace(/&nbsp;|&#160;|\s/g, '')
      .trim() !== ''
  );
}

/**
 * Splits sanitised mail HTML where the quoted history starts. The cut is put
 * before the block element that holds the marker, so the attribution line
 * goes with the quote; the browser closes any element left open.
 */
export function foldQuotedHtml(html: string): Folded {
  let at = -1;
  for (const re of HTML_MARKERS) {
    const m = re.exec(html);
    if (!m) continue;
    // The attribution pattern may start at the '>' that ends the tag before it.
    const start = m[0].startsWith('>') ? m.index + 1 : m.index;
    if (at === -1 || start < at) at = start;
  }
  if (at === -1) return { main: html, quoted: null };
  if (/^\s*-{5,}\s*Forwarded message/i.test(html.slice(at).replace(/<[^>]*>/g, ''))) return { main: html, quoted: null };
  // Move the cut back to the opening tag of the block the marker sits in, when it starts nearby.
  if (!/^<(?:blockquote|hr)\b/i.test(html.slice(at))) {
    const before = html.slice(Math.max(0, at - 300), at);
    const open = Math.max(before.lastIndexOf('<div'), before.lastIndexOf('<p'));
    if (open !== -1 && !hasText(before.slice(open))) at = at - before.length + open;
  }
  const main = html.slice(0, at);
  if (!hasText(main)) return { main: html, quoted: null };
  return { main, quoted: html.slice(at) };
}
