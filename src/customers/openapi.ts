import { z } from 'zod';

const error = { description: 'Error: `{error: {code, message, details?}}`' };
const query = (name: string, description: string, schema: Record<string, unknown> = { type: 'string' }) => ({ name, in: 'query', required: false, description, schema });

/** The customers endpoints, merged into the hub's OpenAPI document. */
export function customersOpenApiPaths(): Record<string, unknown> {
  return {
    '/api/customers': {
      get: {
        summary: 'Search customers by name, email or phone (any spelling: 0912…, +98…, Persian digits; ي/ك match ی/ک; case-insensitive). Merged-away customers are left out.',
        parameters: [
          query('q', 'What the agent typed; empty lists the most recently contacted'),
          query('limit', '1–100, default 25', { type: 'integer' }),
          query('offset', 'From nextOffset of the previous page', { type: 'integer' }),
        ],
        responses: { 200: { description: '{customers: [{id, name, identities, unverifiedEmail, lastContactAt, conversationCount}], nextOffset}' }, 400: error },
      },
    },
    '/api/customers/{id}': {
      get: { summary: 'A customer: identities, profile, last contact, merges into it (with evidence), mergedInto when merged away', responses: { 200: { description: '{customer, mergedInto, merges}' }, 404: error } },
    },
    '/api/customers/{id}/timeline': {
      get: {
        summary:
          'Without paging parameters: every conversation of the customer with its messages ({customer, conversations}). With limit and/or before: one page of messages across all channels, newest first ({customer, items, nextCursor}); pass nextCursor as before for older messages. Agents: only customers with a conversation assigned to them.',
        parameters: [
          query('limit', '1–200, default 50 (selects the paged form)', { type: 'integer' }),
          query('before', 'nextCursor of the previous page'),
          query('exclude', 'a conversation id to leave out (the conversation view pages the customer’s other conversations); selects the paged form', { type: 'string', format: 'uuid' }),
        ],
        responses: { 200: { description: '{customer, conversations} or {customer, items, nextCursor}' }, 400: error, 403: error, 404: error },
      },
    },
    '/api/customers/{id}/merge-candidates': {
      get: { summary: 'Customers who may be the same person, with evidence and a score (0–1), strongest first', responses: { 200: { description: '{candidates: [{customer, score, evidence: [{kind, detail, weight}]}]}' }, 404: error } },
    },
    '/api/customers/{id}/merge': {
      post: {
        summary: 'Merge mergedId into this customer (staff; audited): identities and conversations move in one transaction. 409 open_conversation_conflict when both have an open conversation on the same non-email channel.',
        requestBody: { content: { 'application/json': { schema: z.toJSONSchema(z.object({ mergedId: z.uuid() })) } } },
        responses: { 201: { description: '{merge}' }, 400: error, 404: error, 409: error },
      },
    },
    '/api/customers/merges/{mergeId}/undo': {
      post: {
        summary:
          'Undo a merge exactly (staff; audited). 409 with a reason when it cannot be exact: already_undone, survivor_merged_since, identity_moved_since, conversation_moved_since, contact_since_merge.',
        responses: { 200: { description: '{merge}' }, 404: error, 409: error },
      },
    },
  };
}
