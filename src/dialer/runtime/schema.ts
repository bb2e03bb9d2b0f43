// Table types for migrations/0015_dialer_runtime.sql.
import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface DialerAgentLegsTable {
  agent_id: string;
  call_sid: string | null;
  conference: string;
  status: Generated<'ringing' | 'ready' | 'ended'>;
  attempt_id: string | null;
  reserved_for: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface DialerRuntimeTables {
  dialer_agent_legs: DialerAgentLegsTable;
}
