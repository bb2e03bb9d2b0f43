// Type-only DTOs of the business-hours API (/api/voice/calendars), imported by
// the hub and by agent-ui so the two ends cannot drift.
import type { BusinessState, Calendar } from './calendar.js';

export type { BusinessReason, BusinessState, Calendar, Weekday } from './calendar.js';

/** One named calendar of one business number's IVR flow. */
export interface BusinessCalendarDto {
  /** The business number (E.164) or 'default': the flow the calendar belongs to. */
  number: string;
  /** The flow's own name, when it has one. */
  flowName: string | null;
  name: string;
  calendar: Calendar;
  /** The `hours` nodes that consult this calendar; empty when no caller ever reaches it. */
  usedBy: string[];
  /** Open or closed now, by the hub's clock; null when the time zone is unknown to the hub. */
  state: BusinessState | null;
  /** When the flow was last saved. */
  updatedAt: string;
}

export interface BusinessCalendarsDto {
  calendars: BusinessCalendarDto[];
  /** Flows stored before a schema change that no longer parse: their calendars cannot be listed. */
  unreadable: { number: string; message: string }[];
  /** The hub's clock, which `state` was computed at. */
  now: string;
}
