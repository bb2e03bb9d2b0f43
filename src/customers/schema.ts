import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T> = ColumnType<T, string | undefined, string>;

/** One piece of evidence that two customer records are one person (src/customers/evidence.ts). */
export interface MergeEvidence {
  kind: EvidenceKind;
  /** The matched value as the agent should see it (an address, a number, a name). */
  detail: string;
  weight: number;
}

export type EvidenceKind =
  | 'unverified_email_matches_verified'
  | 'same_unverified_email'
  | 'unverified_phone_matches_verified'
  | 'same_name_and_phone_national_number'
  | 'same_account_number'
  | 'same_name';

export interface MergedSnapshot {
  displayName: string | null;
  profile: Record<string, unknown>;
}

/** What a merge filled in on the survivor, so an undo can take exactly that back out. */
export interface SurvivorFilled {
  displayName?: string;
  profile?: Record<string, unknown>;
}

export interface CustomerMergesTable {
  id: Generated<string>;
  survivor_id: string;
  merged_id: string;
  actor_user_id: string | null;
  evidence: Json<MergeEvidence[]>;
  score: ColumnType<string, number | string | undefined, number | string>;
  moved_identity_ids: ColumnType<string[], string[], string[]>;
  moved_conversation_ids: ColumnType<string[], string[], string[]>;
  merged_snapshot: Json<MergedSnapshot>;
  survivor_filled: Json<SurvivorFilled>;
  created_at: Timestamp;
  undone_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  undone_by: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface CustomerTables {
  customer_merges: CustomerMergesTable;
}
