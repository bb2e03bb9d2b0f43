// REST calls of the customers screen, typed against the hub's own DTOs.
import type {
  CustomerDetailDto,
  CustomerSearchPage,
  MergeCandidateDto,
  MergeRecordDto,
  TimelinePageDto,
} from '../../../../src/customers/contracts.js';
import { api } from '../api/http.js';

const enc = encodeURIComponent;

export function searchCustomers(q: string, offset = 0, limit = 20): Promise<CustomerSearchPage> {
  return api('GET', `/api/customers?q=${enc(q)}&limit=${limit}&offset=${offset}`);
}

export function getCustomer(id: string): Promise<CustomerDetailDto> {
  return api('GET', `/api/customers/${enc(id)}`);
}

/** One page of the customer's messages, newest first; `exclude` leaves one conversation out (the one already on screen). */
export function getTimelinePage(id: string, before: string | null, limit = 30, exclude: string | null = null): Promise<TimelinePageDto> {
  return api('GET', `/api/customers/${enc(id)}/timeline?limit=${limit}${before ? `&before=${enc(before)}` : ''}${exclude ? `&exclude=${enc(exclude)}` : ''}`);
}

export async function getMergeCandidates(id: string): Promise<MergeCandidateDto[]> {
  return (await api<{ candidates: MergeCandidateDto[] }>('GET', `/api/customers/${enc(id)}/merge-candidates`)).candidates;
}

export async function mergeCustomer(survivorId: string, mergedId: string): Promise<MergeRecordDto> {
  return (await api<{ merge: MergeRecordDto }>('POST', `/api/customers/${enc(survivorId)}/merge`, { mergedId })).merge;
}

export async function undoMerge(mergeId: string): Promise<MergeRecordDto> {
  return (await api<{ merge: MergeRecordDto }>('POST', `/api/customers/merges/${enc(mergeId)}/undo`)).merge;
}
