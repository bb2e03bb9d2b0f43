// The dialer campaigns' REST surface for the OpenAPI document (merged into src/api/openapi.ts `paths`).
// Request bodies come from the routes' own zod schemas.
import { z } from 'zod';
import { dncBody } from './api.js';
import { campaignPatchSchema, campaignSchema } from './validation.js';

const json = (schema: z.ZodType) => ({ content: { 'application/json': { schema: z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) } } });
const csv = { content: { 'text/csv': { schema: { type: 'string', description: 'header row first; up to 20 MB' } } } };
const error = { description: 'Error: `{error: {code, message, details?}}`; details list `{path, message}` per field' };
const ok = (description: string) => ({ description });
const idParam = [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }];

export function dialerCampaignOpenApiPaths(): Record<string, unknown> {
  return {
    '/api/dialer/campaigns': {
      get: { summary: 'Campaigns with contact counts per status (staff)', responses: { 200: ok('{campaigns}') } },
      post: {
        summary: 'Create a campaign (supervisor, admin; audited). Checked against its rule set: window inside 08:00–21:00 and not empty, a message (US safe harbour / UK information), ring ≥ 15 s, abandon target ≤ 3 %, UK retry gaps ≥ 24 h after a machine and ≥ 72 h after an abandoned call; queueId must be a voice queue',
        requestBody: json(campaignSchema),
        responses: { 201: ok('{campaign}'), 400: error, 409: error },
      },
    },
    '/api/dialer/campaigns/{id}': {
      get: { summary: 'One campaign (staff)', parameters: idParam, responses: { 200: ok('{campaign}'), 404: error } },
      patch: { summary: 'Change a draft or paused campaign (supervisor, admin; audited); the result is checked like a new one', parameters: idParam, requestBody: json(campaignPatchSchema), responses: { 200: ok('{campaign}'), 400: error, 409: error } },
    },
    '/api/dialer/campaigns/{id}/start': { post: { summary: 'Start (supervisor, admin; audited); 409 with the reason when no contact is pending or the settings are invalid', parameters: idParam, responses: { 200: ok('{campaign}'), 409: error } } },
    '/api/dialer/campaigns/{id}/pause': { post: { summary: 'Pause a running campaign (supervisor, admin; audited)', parameters: idParam, responses: { 200: ok('{campaign}'), 409: error } } },
    '/api/dialer/campaigns/{id}/imports': {
      get: { summary: 'The campaign’s last 20 imports, without their reports (staff)', parameters: idParam, responses: { 200: ok('{imports}') } },
      post: {
        summary:
          'Import a contact list (supervisor, admin; audited). Body: CSV with a header row; columns phone (required), name, timezone (IANA), any others kept as fields. ?defaultRegion=US|GB|… for numbers without a country code (default from the rule set), ?filename=. Runs in the background: poll GET /api/dialer/imports/{importId}',
        parameters: [...idParam, { name: 'defaultRegion', in: 'query', schema: { type: 'string' } }, { name: 'filename', in: 'query', schema: { type: 'string' } }],
        requestBody: csv,
        responses: { 202: ok('{importId}'), 400: error, 413: error, 415: error },
      },
    },
    '/api/dialer/imports/{id}': { get: { summary: 'Import progress (total, imported, invalid, duplicates, dnc, status running|done|failed) and the per-line report [{line, reason, value}] (staff)', parameters: idParam, responses: { 200: ok('{import}'), 404: error } } },
    '/api/dialer/campaigns/{id}/contacts': {
      get: { summary: 'Contacts, oldest first; ?status=pending|dialing|done|dnc|exhausted|invalid&limit=(≤500)&cursor=(nextCursor of the previous page) (staff)', parameters: idParam, responses: { 200: ok('{contacts, nextCursor}') } },
    },
    '/api/dialer/dnc': {
      get: { summary: 'The do-not-call list; ?q=(digits)&limit=&cursor= (supervisor, admin)', responses: { 200: ok('{entries, nextCursor}') } },
      post: {
        summary: 'Add numbers (supervisor, admin; audited). JSON {phone} or {phones}: all must be valid, else 400 naming each; or a CSV list (text/csv; ?source=&reason=&defaultRegion=) whose bad lines are reported. Pending contacts with these numbers in every campaign become dnc',
        requestBody: { content: { ...json(dncBody).content, ...csv.content } },
        responses: { 201: ok('{added, contactsStopped, numbers, invalid}'), 400: error },
      },
      delete: { summary: 'Remove a number, ?phone= (supervisor, admin; audited)', responses: { 204: ok('removed'), 404: error } },
    },
  };
}
