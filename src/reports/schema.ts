import type { ColumnType, Generated } from 'kysely';
import type { PresenceStatus } from '../contracts/index.js';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

/** Why the hub itself changed an agent's presence; null when the agent (or routing) chose it. */
export type StatusReason = 'connection_lost' | 'reconnected';

/** Written by a trigger on agent_state (migrations 0012, 0018); read by the reports. */
export interface AgentStatusHistoryTable {
  id: Generated<string>;
  user_id: string;
  status: PresenceStatus;
  at: Timestamp;
  reason: ColumnType<StatusReason | null, StatusReason | null | undefined, StatusReason | null>;
}

export interface CsatResponsesTable {
  id: Generated<string>;
  conversation_id: string;
  score: number;
  comment: string | null;
  created_at: Timestamp;
}

export type SegmentEnd = 'completed' | 'reassigned' | 'requeued' | 'cancelled';

/** Who held a task when: written by triggers on routing_tasks (migration 0018); read by the reports. */
export interface AssignmentSegmentsTable {
  id: Generated<string>;
  task_id: string;
  conversation_id: string;
  queue_id: string;
  agent_id: string;
  started_at: Timestamp;
  ended_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  end_reason: ColumnType<SegmentEnd | null, SegmentEnd | null | undefined, SegmentEnd | null>;
}

export interface ReportsTables {
  agent_status_history: AgentStatusHistoryTable;
  csat_responses: CsatResponsesTable;
  assignment_segments: AssignmentSegmentsTable;
}
