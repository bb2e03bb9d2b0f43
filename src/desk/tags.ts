// Conversation tags: one spelling per idea, so "Refund", " refund " and "#refund" are the same tag.

export const MAX_TAGS = 10;
export const MAX_TAG_LENGTH = 32;

/** Lower case, no leading "#", inner whitespace as "-", Persian yeh/kaf unified; '' when nothing is left. */
export function normaliseTag(raw: string): string {
  return raw
    .normalize('NFC')
    .trim()
    .replace(/^#+/, '')
    .toLowerCase()
    .replace(/\u064a/g, '\u06cc')
    .replace(/\u0643/g, '\u06a9')
    .replace(/\s+/g, '-');
}

export type TagProblem = { index: number; message: string };

/** The normalised, de-duplicated tags in the order given, or the problems (by input position). */
export function normaliseTags(raw: readonly string[]): { ok: true; tags: string[] } | { ok: false; problems: TagProblem[] } {
  const problems: TagProblem[] = [];
  const tags: string[] = [];
  raw.forEach((r, index) => {
    const tag = normaliseTag(r);
    if (!tag) problems.push({ index, message: 'tag is empty' });
    else if ([...tag].length > MAX_TAG_LENGTH) problems.push({ index, message: `tag is longer than ${MAX_TAG_LENGTH} characters` });
    else if (/[,<>"'`]/.test(tag)) problems.push({ index, message: 'tag may not contain , < > quotes or backticks' });
    else if (!tags.includes(tag)) tags.push(tag);
  });
  if (problems.length > 0) return { ok: false, problems };
  if (tags.length > MAX_TAGS) return { ok: false, problems: [{ index: MAX_TAGS, message: `at most ${MAX_TAGS} tags` }] };
  return { ok: true, tags };
}
