// Type-only DTOs of the customers API, imported by the hub and by agent-ui.
import type { Channel, CustomerSummary, MessageDto } from '../contracts/index.js';
import type { MergeEvidence } from './schema.js';

export type { EvidenceKind, MergeEvidence } from './schema.js';

export interface CustomerListItem extends CustomerSummary {
  /** When the customer last wrote or was written to, on any channel; null when never. */
  lastContactAt: string | null;
  conversationCount: number;
}

export interface CustomerSearchPage {
  customers: CustomerListItem[];
  /** Offset of the next page, null on the last. */
  nextOffset: number | null;
}

export interface MergeRecordDto {
  id: string;
  survivorId: string;
  mergedId: string;
  mergedName: string | null;
  actor: { id: string; name: string } | null;
  evidence: MergeEvidence[];
  score: number;
  movedIdentities: { kind: string; value: string }[];
  movedConversationIds: string[];
  createdAt: string;
  undoneAt: string | null;
  undoneBy: { id: string; name: string } | null;
}

export interface CustomerDetailDto {
  customer: CustomerListItem & { profile: Record<string, unknown>; createdAt: string };
  /** Set when this record was merged into another customer: look there instead. */
  mergedInto: string | null;
  /** Merges into this customer, newest first (undone ones included, marked). */
  merges: MergeRecordDto[];
}

export interface MergeCandidateDto {
  customer: CustomerListItem;
  score: number;
  evidence: MergeEvidence[];
}

/** One message on the cross-channel timeline, with the conversation it belongs to. */
export interface TimelineItemDto extends MessageDto {
  conversation: { id: string; channel: Channel; status: 'open' | 'closed'; createdAt: string };
}

export interface TimelinePageDto {
  customer: CustomerSummary;
  /** Newest first. */
  items: TimelineItemDto[];
  /** Pass as `before` for the next (older) page; null when there is nothing older. */
  nextCursor: string | null;
}
