// @mention completion in private notes: which "@…" the caret is in, which
// colleagues it could mean, and the text once one is picked. Pure. Matching
// folds names the way the hub does (src/desk/mentions.ts), so what the list
// offers is what the hub will recognise when the note is saved.
import { foldName, type Mentionable } from '../../../../src/desk/mentions.js';

export type { Mentionable };

export interface MentionQuery {
  /** Index of the "@". */
  start: number;
  /** What follows it, up to the caret. */
  text: string;
}

/** Letters, digits and combining marks: an "@" right after one is part of an email address, not a mention. */
const WORD = /[\p{L}\p{N}\p{M}_]/u;
const MAX_QUERY = 40;

/**
 * The mention being typed at the caret, or null. Spaces are allowed (names
 * have them) as long as some colleague's name still begins that way;
 * `users` decides that, so "@sara a" stays open for "Sara Ahmadi".
 */
export function mentionQuery(text: string, caret: number, users: readonly Mentionable[]): MentionQuery | null {
  const before = text.slice(0, caret);
  const start = before.lastIndexOf('@');
  if (start < 0 || caret - start - 1 > MAX_QUERY) return null;
  const prev = before[start - 1];
  if (prev !== undefined && WORD.test(prev)) return null;
  const query = before.slice(start + 1);
  if (/[\n\r@]/.test(query)) return null;
  if (/\s/.test(query)) {
    if (/^\s/.test(query)) return null;
    const q = foldName(query);
    // Ends with a space after a complete name: the mention is finished.
    if (/\s$/.test(query) && users.some((u) => foldName(u.name) === q)) return null;
    if (!users.some((u) => foldName(u.name).startsWith(q))) return null;
  }
  return { start, text: query };
}

/**
 * Colleagues for a query, best first: the name starts with it, a later word of the name does, the
 * email does, then the email has it anywhere ("@karimi" finds s.karimi@…). Not the middle of a name:
 * "@ni" should not offer "Admi·ni·strator".
 */
export function suggestions(users: readonly Mentionable[], query: string, excludeId: string | null, limit = 8): Mentionable[] {
  const q = foldName(query);
  const rank = (u: Mentionable): number => {
    if (!q) return 0;
    const name = foldName(u.name);
    const email = u.email.toLowerCase();
    if (name.startsWith(q)) return 0;
    if (name.split(' ').some((w) => w.startsWith(q))) return 1;
    if (email.startsWith(q)) return 2;
    if (email.includes(q)) return 3;
    return 4;
  };
  return users
    .filter((u) => u.id !== excludeId)
    .map((u) => ({ u, r: rank(u) }))
    .filter((x) => x.r < 4)
    .sort((a, b) => a.r - b.r || a.u.name.localeCompare(b.u.name))
    .slice(0, limit)
    .map((x) => x.u);
}

/** What to write after "@": the name, unless a colleague shares it; then the email, which the hub matches exactly. */
export function mentionLabel(user: Mentionable, users: readonly Mentionable[]): string {
  const name = foldName(user.name);
  const shared = users.some((u) => u.id !== user.id && foldName(u.name) === name);
  return name && !shared ? user.name : user.email;
}

/** The text with the query replaced by "@label " and where the caret goes after it. */
export function insertMention(text: string, query: MentionQuery, label: string): { text: string; caret: number } {
  const end = query.start + 1 + query.text.length;
  const after = text.slice(end);
  const inserted = `@${label}${/^\s/.test(after) ? '' : ' '}`;
  return { text: text.slice(0, query.start) + inserted + after, caret: query.start + inserted.length + (/^\s/.test(after) ? 1 : 0) };
}
