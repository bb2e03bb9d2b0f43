import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

/** A Twilio number of the business and the queue its inbound SMS go to. */
export interface SmsNumbersTable {
  /** E.164. */
  number: string;
  queue_id: string;
  created_at: Timestamp;
}

/** Opt-out history per (customer number, business number); the latest row is the current state. */
export interface SmsOptOutsTable {
  id: Generated<number>;
  customer_number: string;
  business_number: string;
  opted_out: boolean;
  /** The keyword the customer sent (STOP, START, …) or `twilio:21610` when Twilio refused a send. */
  keyword: string;
  /** The inbound message that carried the keyword: makes a repeated webhook harmless. */
  message_sid: string | null;
  at: Timestamp;
}

/** One outbound message handed (or about to be handed) to Twilio's Messages API. */
export interface SmsOutboundTable {
  message_id: string;
  sid: string | null;
  from_number: string;
  to_number: string;
  twilio_status: string | null;
  /** Order of twilio_status (see status.ts): status callbacks only raise it. */
  twilio_rank: Generated<number>;
  error_code: number | null;
  first_attempt_at: Timestamp;
  updated_at: Timestamp;
}

/** A status callback that arrived before the send recorded its SID; applied when it does. */
export interface SmsStatusEarlyTable {
  sid: string;
  twilio_status: string;
  twilio_rank: number;
  error_code: number | null;
  at: Timestamp;
}

/** Tables owned by the SMS channel (migrations/0003_sms.sql). */
export interface SmsTables {
  sms_numbers: SmsNumbersTable;
  sms_opt_outs: SmsOptOutsTable;
  sms_outbound: SmsOutboundTable;
  sms_status_early: SmsStatusEarlyTable;
}
