import { useEffect } from 'react';
import type { NoteDto } from '../../../../src/contracts/index.js';
import { useI18n } from '../i18n/context.js';
import type { AgentSocket } from '../socket/agentSocket.js';

const EXCERPT = 80;

/** Turns a `note:mention` into a notice in the console, whichever conversation is open. */
export function useMentionNotices(socket: AgentSocket | null, notify: (text: string) => void): void {
  const { t } = useI18n();
  useEffect(() => {
    if (!socket) return;
    const onMention = (p: { note: NoteDto; authorName: string }) => {
      const body = p.note.body.length > EXCERPT ? `${p.note.body.slice(0, EXCERPT)}…` : p.note.body;
      notify(t('desk.notes.mentioned', { name: p.authorName, excerpt: body }));
    };
    socket.on('note:mention', onMention);
    return () => {
      socket.off('note:mention', onMention);
    };
  }, [socket, notify, t]);
}
