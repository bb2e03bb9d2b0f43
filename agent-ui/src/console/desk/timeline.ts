import type { MessageDto, NoteDto } from '../../../../src/contracts/index.js';

export type TimelineItem = { kind: 'message'; at: string; message: MessageDto } | { kind: 'note'; at: string; note: NoteDto };

/** Messages stay in their own order; each note goes after the last message not later than it. */
export function interleave(messages: readonly MessageDto[], notes: readonly NoteDto[]): TimelineItem[] {
  const sortedNotes = [...notes].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  const out: TimelineItem[] = [];
  let n = 0;
  for (const message of messages) {
    while (n < sortedNotes.length && sortedNotes[n]!.at < message.at) {
      const note = sortedNotes[n++]!;
      out.push({ kind: 'note', at: note.at, note });
    }
    out.push({ kind: 'message', at: message.at, message });
  }
  for (; n < sortedNotes.length; n++) out.push({ kind: 'note', at: sortedNotes[n]!.at, note: sortedNotes[n]! });
  return out;
}

/** Adds or replaces notes by id (a live event and the POST answer may both bring the same note). */
export function mergeNotes(current: readonly NoteDto[], incoming: readonly NoteDto[]): NoteDto[] {
  const byId = new Map(current.map((n) => [n.id, n]));
  for (const n of incoming) byId.set(n.id, n);
  return [...byId.values()].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
}
