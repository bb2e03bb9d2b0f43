import { describe, expect, it } from 'vitest';
import { findMentions, foldName } from '../../../src/desk/mentions.js';
import { normaliseTag, normaliseTags } from '../../../src/desk/tags.js';
import { interleave, mergeNotes } from '../../../agent-ui/src/console/desk/timeline.js';

const users = [
  { id: 'u-sara', name: 'Sara Ahmadi', email: 'sara@example.com' },
  { id: 'u-sarah', name: 'Sarah', email: 'sarah@example.com' },
  { id: 'u-zahra', name: 'زهرا رضایی', email: 'zahra@example.com' },
  // Typed with an Arabic yeh on one keyboard, a Persian yeh on another.
  { id: 'u-ali', name: 'علي', email: 'ali@example.com' },
];

const ids = (text: string) => findMentions(text, users).map((m) => m.userId);

describe('@mentions in notes', () => {
  it('resolves @email and @name, longest match first', () => {
    expect(ids('@sara@example.com please check')).toEqual(['u-sara']);
    expect(ids('ask @Sara Ahmadi and @sarah')).toEqual(['u-sara', 'u-sarah']);
    expect(ids('@Sara_Ahmadi?')).toEqual(['u-sara']);
  });

  it('a name must end at a word boundary: @Sara is not Sarah, and a bare email is not a mention', () => {
    expect(ids('@Sar')).toEqual([]);
    expect(ids('mail sara@example.com about it')).toEqual([]);
    expect(ids('@sarahx')).toEqual([]);
  });

  it('resolves Persian names, across yeh/kaf spellings and ZWNJ', () => {
    expect(ids('لطفا @زهرا رضایی بررسی کند')).toEqual(['u-zahra']);
    expect(ids('@زهرا_رضايي')).toEqual(['u-zahra']);
    expect(ids('@علی، لطفا')).toEqual(['u-ali']);
    expect(foldName('زهرا\u200cرضایی')).toBe(foldName('زهرارضایی'));
  });

  it('reports each user once with the span of their first mention', () => {
    const text = 'hi @sarah and again @Sarah';
    const m = findMentions(text, users);
    expect(m).toEqual([{ userId: 'u-sarah', index: 3, length: 6 }]);
    expect(text.slice(m[0]!.index, m[0]!.index + m[0]!.length)).toBe('@sarah');
  });
});

describe('tags', () => {
  it('normalises case, # and whitespace, and de-duplicates', () => {
    expect(normaliseTag('  #Refund Request ')).toBe('refund-request');
    expect(normaliseTags(['VIP', 'vip', '#vip', 'بازگشت وجه'])).toEqual({ ok: true, tags: ['vip', 'بازگشت-وجه'] });
  });

  it('names the bad position: empty, too long, too many', () => {
    expect(normaliseTags(['ok', '  '])).toEqual({ ok: false, problems: [{ index: 1, message: 'tag is empty' }] });
    expect(normaliseTags(['x'.repeat(33)])).toMatchObject({ ok: false, problems: [{ index: 0 }] });
    expect(normaliseTags(Array.from({ length: 11 }, (_, i) => `t${i}`))).toMatchObject({ ok: false, problems: [{ message: 'at most 10 tags' }] });
  });
});

describe('timeline of messages and notes', () => {
  const msg = (id: string, at: string) => ({ id, conversationId: 'c', seq: 0, channel: 'webchat' as const, from: 'customer' as const, authorName: null, body: id, status: 'received' as const, statusReason: null, at });
  const note = (id: string, at: string) => ({ id, conversationId: 'c', authorId: null, authorName: null, body: id, mentions: [], at });

  it('puts each note after the messages before it, keeping message order', () => {
    const items = interleave(
      [msg('m1', '2026-01-01T10:00:00.000Z'), msg('m2', '2026-01-01T10:05:00.000Z')],
      [note('n2', '2026-01-01T10:06:00.000Z'), note('n1', '2026-01-01T10:01:00.000Z')],
    );
    expect(items.map((i) => (i.kind === 'note' ? i.note.id : i.message.id))).toEqual(['m1', 'n1', 'm2', 'n2']);
  });

  it('a note arriving twice (socket event and POST answer) is kept once', () => {
    expect(mergeNotes([note('n1', '2026-01-01T10:01:00.000Z')], [note('n1', '2026-01-01T10:01:00.000Z')])).toHaveLength(1);
  });
});
