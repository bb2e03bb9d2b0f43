import { useEffect, useId, useState, type FormEvent } from 'react';
import type { AgentStatsDto, ConversationDto } from '../../../../src/contracts/index.js';
import { CHANNEL_COST } from '../../../../src/domain/capacity.js';
import { errorText } from '../api/errorText.js';
import { api, ApiError } from '../api/http.js';
import { useI18n } from '../i18n/context.js';
import './reassign.css';

interface Props {
  /** The agent whose conversation moves. */
  from: AgentStatsDto;
  agents: readonly AgentStatsDto[];
  onDone: (message: string) => void;
  onCancel: () => void;
}

const isOffline = (a: AgentStatsDto) => !a.connected || a.status === 'offline';

/**
 * A supervisor moves one of an agent's open conversations to another agent
 * (POST /api/conversations/:id/assign). Offline agents are refused here, since
 * nobody would see the conversation; a full agent is refused by the hub.
 */
export function ReassignForm({ from, agents, onDone, onCancel }: Props) {
  const { t } = useI18n();
  const id = useId();
  const [conversations, setConversations] = useState<ConversationDto[] | null>(null);
  const [conversationId, setConversationId] = useState('');
  const targets = agents.filter((a) => a.id !== from.id);
  const [targetId, setTargetId] = useState(() => (targets.find((a) => !isOffline(a)) ?? targets[0])?.id ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    api<{ conversations: ConversationDto[] }>('GET', '/api/conversations')
      .then((res) => {
        if (!live) return;
        const mine = res.conversations.filter((c) => c.assignedAgentId === from.id);
        setConversations(mine);
        setConversationId(mine[0]?.id ?? '');
      })
      .catch((err: unknown) => live && setError(t('reassign.failed', { message: errorText(err, t) })));
    return () => {
      live = false;
    };
  }, [from.id, t]);

  const conversation = conversations?.find((c) => c.id === conversationId);
  const cost = conversation ? CHANNEL_COST[conversation.channel] : 0;
  const label = (a: AgentStatsDto) => {
    if (isOffline(a)) return `${a.name} ${t('reassign.offlineSuffix')}`;
    if (a.used + cost > a.capacity) return `${a.name} ${t('reassign.fullSuffix')}`;
    return a.name;
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const target = targets.find((a) => a.id === targetId);
    if (!target || !conversationId) return;
    if (isOffline(target)) {
      setError(t('reassign.offline', { agent: target.name }));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await api('POST', `/api/conversations/${encodeURIComponent(conversationId)}/assign`, { agentId: target.id });
      onDone(t('reassign.done', { agent: target.name }));
    } catch (err) {
      if (err instanceof ApiError && err.code === 'no_room') setError(t('reassign.full', { agent: target.name }));
      else if (err instanceof ApiError && err.code === 'closed') setError(t('reassign.closed'));
      else setError(t('reassign.failed', { message: errorText(err, t) }));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="reassign-form" onSubmit={(e) => void submit(e)} aria-labelledby={`${id}-title`} data-testid="reassign-form">
      <p id={`${id}-title`} className="reassign-title">
        {t('reassign.title', { agent: from.name })}
      </p>
      {conversations === null && !error && <p className="muted">{t('reassign.loading')}</p>}
      {conversations?.length === 0 && <p className="muted">{t('reassign.noConversations')}</p>}
      {conversations && conversations.length > 0 && (
        <>
          <label className="field">
            <span className="field-label">{t('reassign.conversation')}</span>
            <select value={conversationId} onChange={(e) => setConversationId(e.target.value)} data-testid="reassign-conversation">
              {conversations.map((c) => (
                <option key={c.id} value={c.id}>
                  {t('reassign.conversationLabel', { customer: c.customer.name ?? t('reassign.unknownCustomer'), channel: t(`channel.${c.channel}`) })}
                </option>
              ))}
            </select>
          </label>
          {targets.length === 0 ? (
            <p className="muted">{t('reassign.noTargets')}</p>
          ) : (
            <label className="field">
              <span className="field-label">{t('reassign.target')}</span>
              <select value={targetId} onChange={(e) => setTargetId(e.target.value)} data-testid="reassign-target">
                {targets.map((a) => (
                  <option key={a.id} value={a.id}>
                    {label(a)}
                  </option>
                ))}
              </select>
            </label>
          )}
          <button type="submit" className="primary" disabled={busy || !targetId || !conversationId} data-testid="reassign-submit">
            {busy ? t('reassign.submitting') : t('reassign.submit')}
          </button>
        </>
      )}
      <button type="button" onClick={onCancel}>
        {t('reassign.cancel')}
      </button>
      {error && (
        <p className="inline-error" role="alert" data-testid="reassign-error">
          {error}
        </p>
      )}
    </form>
  );
}
