import { useCallback, useEffect, useState } from 'react';
import type { NoteDto } from '../../../../src/contracts/index.js';
import type { AgentSocket } from '../socket/agentSocket.js';
import { getDesk, listDispositions, type DeskState, type Disposition } from './api.js';
import { mergeNotes } from './timeline.js';

export interface Desk extends DeskState {
  /** Active disposition codes; when there are any, closing asks for one. */
  dispositions: Disposition[];
  error: unknown;
  setTags: (tags: string[]) => void;
  addNote: (note: NoteDto) => void;
  setWrapUp: (wrapUp: DeskState['wrapUp']) => void;
  reload: () => Promise<void>;
}

/** A conversation's tags, notes and wrap-up, kept current by the socket's note events. */
export function useDesk(socket: AgentSocket, conversationId: string): Desk {
  const [state, setState] = useState<DeskState>({ tags: [], notes: [], wrapUp: null });
  const [dispositions, setDispositions] = useState<Disposition[]>([]);
  const [error, setError] = useState<unknown>(null);

  const reload = useCallback(async () => {
    try {
      const [desk, codes] = await Promise.all([getDesk(conversationId), listDispositions(true)]);
      setState((s) => ({ ...desk, notes: mergeNotes(s.notes, desk.notes) }));
      setDispositions(codes);
      setError(null);
    } catch (err) {
      setError(err);
    }
  }, [conversationId]);

  useEffect(() => {
    void reload();
  }, [reload]);

  useEffect(() => {
    const onNote = (note: NoteDto) => {
      if (note.conversationId === conversationId) setState((s) => ({ ...s, notes: mergeNotes(s.notes, [note]) }));
    };
    const onMention = (p: { note: NoteDto }) => onNote(p.note);
    const onReconnect = () => void reload();
    socket.on('conversation:note', onNote);
    socket.on('note:mention', onMention);
    socket.on('connect', onReconnect);
    return () => {
      socket.off('conversation:note', onNote);
      socket.off('note:mention', onMention);
      socket.off('connect', onReconnect);
    };
  }, [socket, conversationId, reload]);

  return {
    ...state,
    dispositions,
    error,
    reload,
    setTags: (tags) => setState((s) => ({ ...s, tags })),
    addNote: (note) => setState((s) => ({ ...s, notes: mergeNotes(s.notes, [note]) })),
    setWrapUp: (wrapUp) => setState((s) => ({ ...s, wrapUp })),
  };
}
