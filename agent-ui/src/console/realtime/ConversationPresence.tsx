import { useEffect, useState } from 'react';
import type { AgentServerToClient, StaffViewerDto } from '../../../../src/contracts/index.js';
import { useI18n } from '../i18n/context.js';
import type { StringKey } from '../i18n/strings.js';
import type { AgentSocket } from '../socket/agentSocket.js';
import './realtime.css';

type TypingEvent = Parameters<AgentServerToClient['conversation:typing']>[0];

/** "typing…" disappears this long after the last repeat (the sender repeats every ~2 s). */
export const TYPING_TTL_MS = 6000;
/** While the agent keeps typing, "typing" is re-sent at most this often. */
const TYPING_REPEAT_MS = 2000;
/** No key for this long: the agent has stopped typing. */
const TYPING_IDLE_MS = 4000;
/** The hub forgets a viewer who has not re-announced for 90 s; we re-announce well before. */
const VIEWING_REFRESH_MS = 30_000;

function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  return parts
    .slice(0, 2)
    .map((p) => [...p][0] ?? '')
    .join('')
    .toUpperCase();
}

interface Props {
  socket: AgentSocket;
  conversationId: string;
  userId: string;
}

/**
 * Conversation header strip: who else has this conversation open (collision),
 * and who is typing. Also tells the hub this console is viewing it, and relays
 * the agent's own typing in the reply box of this conversation.
 */
export function ConversationPresence({ socket, conversationId, userId }: Props) {
  const { t } = useI18n();
  const [viewers, setViewers] = useState<StaffViewerDto[]>([]);
  const [typing, setTyping] = useState<ReadonlyMap<string, { label: string | null; from: TypingEvent['from'] }>>(new Map());

  // Viewing: announce now, after every reconnect and periodically; withdraw on leaving.
  useEffect(() => {
    const announce = () => {
      if (!socket.connected) return;
      socket.emit('conversation:viewing', { conversationId, viewing: true }, (res) => {
        if (res.ok) setViewers(res.viewers);
      });
    };
    const onViewers = (p: { conversationId: string; viewers: StaffViewerDto[] }) => {
      if (p.conversationId === conversationId) setViewers(p.viewers);
    };
    announce();
    socket.on('connect', announce);
    socket.on('conversation:viewers', onViewers);
    const timer = window.setInterval(announce, VIEWING_REFRESH_MS);
    return () => {
      window.clearInterval(timer);
      socket.off('connect', announce);
      socket.off('conversation:viewers', onViewers);
      if (socket.connected) socket.emit('conversation:viewing', { conversationId, viewing: false });
    };
  }, [socket, conversationId]);

  // Others typing: shown until they stop, or until TYPING_TTL_MS without a repeat.
  useEffect(() => {
    const timers = new Map<string, number>();
    const drop = (key: string) => {
      window.clearTimeout(timers.get(key));
      timers.delete(key);
      setTyping((m) => {
        if (!m.has(key)) return m;
        const next = new Map(m);
        next.delete(key);
        return next;
      });
    };
    const onTyping = (p: TypingEvent) => {
      if (p.conversationId !== conversationId) return;
      const key = p.from === 'customer' ? 'customer' : `agent:${p.name ?? ''}`;
      if (!p.typing) return drop(key);
      window.clearTimeout(timers.get(key));
      timers.set(key, window.setTimeout(() => drop(key), TYPING_TTL_MS));
      setTyping((m) => new Map(m).set(key, { label: p.name, from: p.from }));
    };
    socket.on('conversation:typing', onTyping);
    return () => {
      socket.off('conversation:typing', onTyping);
      for (const id of timers.values()) window.clearTimeout(id);
    };
  }, [socket, conversationId]);

  // Our own typing in this conversation's reply box (found through the DOM, so the box needs no wiring).
  useEffect(() => {
    let lastSent = 0;
    let idle: number | undefined;
    let active = false;
    const inThisConversation = (target: EventTarget | null) =>
      target instanceof HTMLTextAreaElement && target.closest(`[data-conversation-id="${CSS.escape(conversationId)}"]`) !== null;
    const stop = () => {
      window.clearTimeout(idle);
      if (!active) return;
      active = false;
      lastSent = 0;
      socket.emit('conversation:typing', { conversationId, typing: false });
    };
    const onInput = (e: Event) => {
      if (!inThisConversation(e.target)) return;
      const now = Date.now();
      if (!active || now - lastSent >= TYPING_REPEAT_MS) {
        active = true;
        lastSent = now;
        socket.emit('conversation:typing', { conversationId, typing: true });
      }
      window.clearTimeout(idle);
      idle = window.setTimeout(stop, TYPING_IDLE_MS);
    };
    const onSubmitOrBlur = (e: Event) => {
      const target = e.target;
      if (target instanceof HTMLFormElement ? target.closest(`[data-conversation-id="${CSS.escape(conversationId)}"]`) : inThisConversation(target)) stop();
    };
    document.addEventListener('input', onInput);
    document.addEventListener('submit', onSubmitOrBlur, true);
    document.addEventListener('focusout', onSubmitOrBlur);
    return () => {
      document.removeEventListener('input', onInput);
      document.removeEventListener('submit', onSubmitOrBlur, true);
      document.removeEventListener('focusout', onSubmitOrBlur);
      stop();
    };
  }, [socket, conversationId]);

  const others = viewers.filter((v) => v.id !== userId);
  const typingLines = [...typing.values()].map((v) => (v.from === 'customer' ? t('rt.typing.customer') : t('rt.typing.named', { name: v.label ?? '' })));
  const shown = others.slice(0, 4);

  return (
    <div className="rt-presence">
      {others.length > 0 && (
        <ul className="rt-viewers" aria-label={t('rt.viewers.label')} data-testid="conversation-viewers">
          {shown.map((v) => {
            const label = t('rt.viewers.person', { name: v.name, role: t(`role.${v.role}` as StringKey) });
            return (
              <li key={v.id} className={`rt-avatar rt-avatar-${v.role}`} title={label} aria-label={label} data-viewer-id={v.id}>
                <span aria-hidden="true" dir="auto">
                  {initials(v.name)}
                </span>
              </li>
            );
          })}
          {others.length > shown.length && <li className="rt-avatar rt-avatar-more">{t('rt.viewers.more', { count: others.length - shown.length })}</li>}
        </ul>
      )}
      <p className="rt-typing" role="status" aria-live="polite" data-testid="typing-indicator">
        {typingLines.map((line) => (
          <span key={line} dir="auto">
            {line}
          </span>
        ))}
      </p>
    </div>
  );
}
