// Business hours on the hub (src/channels/voice/api.ts): the calendars of the IVR flows.
import type { BusinessCalendarDto, BusinessCalendarsDto, Calendar } from '../../../../src/channels/voice/contracts.js';
import { api } from '../api/http.js';

export function listCalendars(): Promise<BusinessCalendarsDto> {
  return api('GET', '/api/voice/calendars');
}

export async function saveCalendar(number: string, name: string, calendar: Calendar): Promise<BusinessCalendarDto> {
  const res = await api<{ calendar: BusinessCalendarDto }>('PUT', `/api/voice/flows/${encodeURIComponent(number)}/calendars/${encodeURIComponent(name)}`, calendar);
  return res.calendar;
}
