// @mentions in private notes: "@sara@example.com", "@Sara Ahmadi", "@زهرا_احمدی".
// Pure: the note route resolves them against the users table it passes in.

export interface Mentionable {
  id: string;
  name: string;
  email: string;
}

export interface Mention {
  userId: string;
  /** Where the @ is, and how much of the text the mention covers (including the @). */
  index: number;
  length: number;
}

const WORD = /[\p{L}\p{N}\p{M}_]/u;

/**
 * Folds the spellings people type interchangeably: case, Arabic vs Persian
 * yeh and kaf, tatweel, zero-width non-joiners, and "_" or "." for a space.
 */
export function foldName(text: string): string {
  return text
    .normalize('NFC')
    .toLowerCase()
    .replace(/\u064a/g, '\u06cc')
    .replace(/\u0643/g, '\u06a9')
    .replace(/[\u0640\u200c\u200d]/g, '')
    .replace(/[\s_]+/g, ' ')
    .trim();
}

/** Folds one character at a time, so positions in the folded text map back to the original. */
function foldedWithOffsets(text: string): { folded: string; origin: number[] } {
  let folded = '';
  const origin: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (/[\u0640\u200c\u200d]/.test(ch)) continue;
    let f = ch.toLowerCase();
    if (f === '\u064a') f = '\u06cc';
    else if (f === '\u0643') f = '\u06a9';
    else if (f === '_' || /\s/.test(f)) f = ' ';
    folded += f;
    origin.push(i);
  }
  origin.push(text.length);
  return { folded, origin };
}

/**
 * Finds @mentions of known users. At each "@" (not inside a word, so plain
 * email addresses in the text are not mentions) the longest matching email or
 * name wins, and it must end at a word boundary: "@Sara" does not mention
 * "Sarah". Each user is reported once, at their first mention.
 */
export function findMentions(text: string, users: readonly Mentionable[]): Mention[] {
  const { folded, origin } = foldedWithOffsets(text.normalize('NFC'));
  const candidates = users
    .flatMap((u) => [
      { userId: u.id, key: foldName(u.email) },
      { userId: u.id, key: foldName(u.name) },
    ])
    .filter((c) => c.key.length > 0)
    .sort((a, b) => b.key.length - a.key.length);
  const out: Mention[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < folded.length; i++) {
    if (folded[i] !== '@') continue;
    const before = folded[i - 1];
    if (before !== undefined && WORD.test(before)) continue;
    const rest = folded.slice(i + 1);
    const hit = candidates.find((c) => {
      if (!rest.startsWith(c.key)) return false;
      const after = rest[c.key.length];
      return after === undefined || !(WORD.test(after) || after === '@' || (after === '.' && WORD.test(rest[c.key.length + 1] ?? '')));
    });
    if (!hit) continue;
    const start = origin[i]!;
    const end = origin[i + 1 + hit.key.length]!;
    if (!seen.has(hit.userId)) {
      seen.add(hit.userId);
      out.push({ userId: hit.userId, index: start, length: end - start });
    }
    i += hit.key.length;
  }
  return out;
}
