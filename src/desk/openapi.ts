// The agent desk's REST surface for the OpenAPI document (merged into src/api/openapi.ts `paths`).
import { z } from 'zod';
import { cannedPatchSchema, cannedSchema, deskSettingsSchema, dispositionPatchSchema, dispositionSchema, noteSchema, tagsSchema, wrapUpSchema } from './api.js';

const json = (schema: z.ZodType) => ({ content: { 'application/json': { schema: z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) } } });
const error = { description: 'Error: `{error: {code, message, details?}}`; 400 details name each bad field (`body.shortcut`, `body.tags.2`)' };
const ok = (description: string) => ({ description });
const idParam = (what: string) => [{ name: 'id', in: 'path', required: true, description: what, schema: { type: 'string', format: 'uuid' } }];

export function deskOpenApiPaths(): Record<string, unknown> {
  return {
    '/api/canned-responses': {
      get: {
        summary: 'Canned responses (staff). `?conversationId=` keeps those whose queue/channel scope fits that conversation',
        responses: { 200: ok('{cannedResponses}'), 403: error },
      },
      post: {
        summary: 'Create a canned response (admin, audited). Placeholders: {{customer.name}}, {{customer.email}}, {{agent.name}}, {{conversation.id}}, {{conversation.channel}}; unknown ones are refused',
        requestBody: json(cannedSchema),
        responses: { 201: ok('{cannedResponse}'), 400: error, 403: error, 409: error },
      },
    },
    '/api/canned-responses/{id}': {
      patch: { summary: 'Change a canned response (admin, audited)', parameters: idParam('canned response id'), requestBody: json(cannedPatchSchema), responses: { 200: ok('{cannedResponse}'), 400: error, 404: error, 409: error } },
      delete: { summary: 'Delete a canned response (admin, audited)', parameters: idParam('canned response id'), responses: { 204: ok('deleted'), 404: error } },
    },
    '/api/dispositions': {
      get: { summary: 'Disposition codes (staff); `?active=1` for the ones agents may choose', responses: { 200: ok('{dispositions}') } },
      post: { summary: 'Create a disposition code (admin, audited)', requestBody: json(dispositionSchema), responses: { 201: ok('{disposition}'), 400: error, 403: error, 409: error } },
    },
    '/api/dispositions/{id}': {
      patch: { summary: 'Relabel or (de)activate a code; the code itself never changes (admin, audited)', parameters: idParam('disposition id'), requestBody: json(dispositionPatchSchema), responses: { 200: ok('{disposition}'), 400: error, 404: error } },
      delete: { summary: 'Delete an unused code (admin); 409 disposition_in_use once conversations carry it', parameters: idParam('disposition id'), responses: { 204: ok('deleted'), 404: error, 409: error } },
    },
    '/api/conversations/{id}/desk': {
      get: { summary: 'Tags, private notes and wrap-up of a conversation (its agent, anyone a note mentions, supervisors, admins)', parameters: idParam('conversation id'), responses: { 200: ok('{tags, notes, wrapUp}'), 403: error, 404: error } },
    },
    '/api/conversations/{id}/notes': {
      post: {
        summary: 'Add a private note (never sent to the customer). @name or @email mentions notify those users (socket `note:mention`)',
        parameters: idParam('conversation id'),
        requestBody: json(noteSchema),
        responses: { 201: ok('{note}'), 400: error, 403: error, 404: error },
      },
    },
    '/api/conversations/{id}/tags': {
      put: { summary: 'Replace the tags (lower-cased, "#" and spaces folded, max 10 of 32 characters). Filter the list with GET /api/conversations?tag=', parameters: idParam('conversation id'), requestBody: json(tagsSchema), responses: { 200: ok('{tags}'), 400: error, 403: error } },
    },
    '/api/conversations/{id}/wrap-up': {
      put: { summary: 'Set or correct the disposition of a (usually closed) conversation; unknown or inactive codes → 400 on body.dispositionCode', parameters: idParam('conversation id'), requestBody: json(wrapUpSchema), responses: { 200: ok('{wrapUp}'), 400: error, 403: error } },
    },
    '/api/desk/settings': {
      get: { summary: 'Desk settings (staff): {dispositionRequired}', responses: { 200: ok('{dispositionRequired}') } },
      put: {
        summary:
          'Change the desk settings (admin, audited). dispositionRequired (center-wide, off by default): closing a conversation through POST /api/conversations/{id}/close without a dispositionCode is refused (400 disposition_required on body.dispositionCode) unless it already has a wrap-up; the hub’s own closes (caller hung up, dialer) are never blocked. Turning it on needs an active code (400 on body.dispositionRequired)',
        requestBody: json(deskSettingsSchema),
        responses: { 200: ok('{dispositionRequired}'), 400: error, 403: error },
      },
    },
    '/api/desk/mentionable': { get: { summary: 'Active staff (id, name, email) for @mention completion', responses: { 200: ok('{users}') } } },
  };
}
