import type { ColumnType, Generated } from 'kysely';
import type { PresenceStatus } from '../contracts/index.js';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

/** Written by a trigger on agent_state (migration 0012); read by the reports. */
export interface AgentStatusHistoryTable {
  id: Generated<string>;
  user_id: string;
  status: PresenceStatus;
  at: Timestamp;
}

export interface CsatResponsesTable {
  id: Generated<string>;
  conversation_id: string;
  score: number;
  comment: string | null;
  created_at: Timestamp;
}

export interface ReportsTables {
  agent_status_history: AgentStatusHistoryTable;
  csat_responses: CsatResponsesTable;
}
