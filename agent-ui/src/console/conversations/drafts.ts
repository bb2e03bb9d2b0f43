// Reply drafts live in localStorage, one entry per (user, conversation), so an
// expired session, a reload or a crash never costs the agent what they typed.
// An explicit sign-out removes the user's drafts (the machine may be shared);
// drafts untouched for DRAFT_TTL_MS are dropped when the console starts.

const PREFIX = 'pasokh:console:draft:';
const DRAFT_TTL_MS = 14 * 24 * 3600 * 1000;

// Used when storage is blocked (privacy mode): drafts then last as long as the page.
const memory = new Map<string, string>();

interface Stored {
  text: string;
  at: number;
}

const keyOf = (userId: string, conversationId: string) => `${PREFIX}${userId}:${conversationId}`;

function storage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

export function loadDraft(userId: string, conversationId: string): string {
  const key = keyOf(userId, conversationId);
  const store = storage();
  if (!store) return memory.get(key) ?? '';
  try {
    const raw = store.getItem(key);
    if (!raw) return '';
    const parsed = JSON.parse(raw) as Partial<Stored>;
    return typeof parsed.text === 'string' ? parsed.text : '';
  } catch {
    return memory.get(key) ?? '';
  }
}

export function saveDraft(userId: string, conversationId: string, text: string): void {
  const key = keyOf(userId, conversationId);
  if (text) memory.set(key, text);
  else memory.delete(key);
  const store = storage();
  if (!store) return;
  try {
    if (text) store.setItem(key, JSON.stringify({ text, at: Date.now() } satisfies Stored));
    else store.removeItem(key);
  } catch {
    // Quota or blocked storage: the in-memory copy still holds it for this page.
  }
}

function draftKeys(store: Storage): string[] {
  const keys: string[] = [];
  for (let i = 0; i < store.length; i++) {
    const key = store.key(i);
    if (key?.startsWith(PREFIX)) keys.push(key);
  }
  return keys;
}

/** Removes one user's drafts (on an explicit sign-out). */
export function clearDrafts(userId: string): void {
  for (const key of [...memory.keys()]) if (key.startsWith(`${PREFIX}${userId}:`)) memory.delete(key);
  const store = storage();
  if (!store) return;
  try {
    for (const key of draftKeys(store)) if (key.startsWith(`${PREFIX}${userId}:`)) store.removeItem(key);
  } catch {
    // Nothing more to do.
  }
}

/** Drops drafts nobody touched for two weeks. */
export function pruneDrafts(now = Date.now()): void {
  const store = storage();
  if (!store) return;
  try {
    for (const key of draftKeys(store)) {
      let at = 0;
      try {
        at = Number((JSON.parse(store.getItem(key) ?? '{}') as Partial<Stored>).at) || 0;
      } catch {
        at = 0;
      }
      if (now - at > DRAFT_TTL_MS) store.removeItem(key);
    }
  } catch {
    // Nothing more to do.
  }
}
