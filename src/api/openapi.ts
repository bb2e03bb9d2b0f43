import { z } from 'zod';
import { voiceOpenApiPaths } from '../channels/voice/openapi.js';
import { deskOpenApiPaths } from '../desk/openapi.js';
import { closeWrapUpSchema } from '../desk/wrapup.js';
import { dialerCampaignOpenApiPaths } from '../dialer/campaigns/openapi.js';
import { customersOpenApiPaths } from '../customers/openapi.js';
import { reportsOpenApiPaths } from '../reports/openapi.js';
import { newQueueSchema, queuePatchSchema } from './routing-routes.js';
import { newUserSchema, skillSchema } from './users-routes.js';

const json = (schema: z.ZodType) => ({ content: { 'application/json': { schema: z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) } } });
const error = { description: 'Error: `{error: {code, message, details?}}`' };

/** The REST surface, described for integrators; request schemas come from the same zod schemas the routes use. */
export function openApiDocument(publicUrl: string): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: { title: 'Pasokh', version: '0.1.0', description: 'Contact-center hub REST API. Authenticate with POST /api/auth/login; the session cookie is httpOnly.' },
    servers: [{ url: publicUrl }],
    paths: {
      '/healthz': { get: { summary: 'Liveness', responses: { 200: { description: 'up' } } } },
      '/readyz': { get: { summary: 'Postgres and Redis reachable', responses: { 200: { description: 'ready' }, 503: { description: 'names what is down' } } } },
      '/metrics': { get: { summary: 'Prometheus metrics', responses: { 200: { description: 'text exposition format' } } } },
      '/api/dialer/campaigns/{id}/stats': {
        get: {
          summary:
            'Outbound campaign live figures (supervisor, admin): abandon30d (FCC) and abandon24h (Ofcom counting for UK) as {rate, live, abandoned, machine, falsePositives}, attempts, connected, abandoned, machines, noAnswer, inFlight, pausedReason',
          responses: { 200: { description: '{stats}' }, 400: error, 403: error, 404: error },
        },
      },
      '/api/auth/login': {
        post: {
          summary: 'Log in; sets the session cookie',
          requestBody: json(z.object({ email: z.email(), password: z.string() })),
          responses: { 200: { description: '{user}' }, 400: error, 401: error, 429: error },
        },
      },
      '/api/auth/logout': { post: { summary: 'End the session', responses: { 204: { description: 'logged out' } } } },
      '/api/auth/me': { get: { summary: 'The logged-in user (with `language`: en, fa or null)', responses: { 200: { description: '{user}' }, 401: error } } },
      '/api/auth/me/preferences': {
        put: {
          summary: 'The logged-in user’s own preferences: console language (null follows the browser)',
          requestBody: json(z.object({ language: z.enum(['en', 'fa']).nullable() })),
          responses: { 200: { description: '{user}' }, 400: error, 401: error },
        },
      },
      '/api/users': {
        post: { summary: 'Create a user with skills (admin)', requestBody: json(newUserSchema), responses: { 201: { description: '{user}' }, 400: error, 403: error, 409: error } },
        get: { summary: 'List users (supervisor, admin)', responses: { 200: { description: '{users}' } } },
      },
      '/api/conversations': { get: { summary: 'Open conversations: the agent’s own; all for supervisors (?mine=1 for own)', responses: { 200: { description: '{conversations}' } } } },
      '/api/conversations/{id}': { get: { summary: 'One conversation with its messages', responses: { 200: { description: '{conversation, messages}' }, 403: error, 404: error } } },
      '/api/conversations/{id}/messages': {
        post: {
          summary: 'Reply on the conversation’s own channel (stored, then sent through the outbox)',
          requestBody: json(z.object({ body: z.string().min(1).max(10_000) })),
          responses: { 201: { description: '{message}' }, 400: error, 403: error, 404: error, 409: error },
        },
      },
      '/api/conversations/{id}/close': { post: { summary: 'Close the conversation; frees the agent’s capacity. Optional {dispositionCode, wrapUpNote} records the wrap-up (unknown/inactive code → 400). When the center requires a disposition (PUT /api/desk/settings) and the conversation has no wrap-up yet, a close without dispositionCode → 400 disposition_required naming body.dispositionCode. A voice conversation whose call is still live is refused (409 call_in_progress): hang the call up instead, which closes it', requestBody: json(closeWrapUpSchema), responses: { 200: { description: '{conversation}' }, 400: error, 409: error } } },
      '/api/conversations/{id}/assign': {
        post: {
          summary: 'Give the conversation to an agent now (supervisor, admin); refused when the agent has no room',
          requestBody: json(z.object({ agentId: z.uuid() })),
          responses: { 200: { description: '{conversation}' }, 404: error, 409: error },
        },
      },
      '/api/queues': {
        get: { summary: 'Queues with their routing configuration', responses: { 200: { description: '{queues}' } } },
        post: { summary: 'Create a queue (admin)', requestBody: json(newQueueSchema), responses: { 201: { description: '{queue}' }, 400: error, 409: error } },
      },
      '/api/queues/{id}': {
        patch: { summary: 'Change a queue (admin); applies without restart', requestBody: json(queuePatchSchema), responses: { 200: { description: '{queue}' }, 400: error, 404: error } },
      },
      '/api/users/{id}/skills': {
        put: { summary: 'Replace an agent’s skills (admin)', requestBody: json(z.object({ skills: z.array(skillSchema) })), responses: { 200: { description: '{skills}' }, 400: error } },
      },
      '/api/users/{id}/agent': {
        patch: { summary: 'Change an agent’s capacity (supervisor, admin)', requestBody: json(z.object({ capacity: z.number().int() })), responses: { 200: { description: '{capacity}' }, 409: error } },
      },
      '/webhooks/twilio/sms': { post: { summary: 'Twilio: inbound SMS/MMS (X-Twilio-Signature for PUBLIC_URL + path, 403 otherwise); answers TwiML', responses: { 200: { description: 'TwiML' }, 400: error, 403: error } } },
      '/webhooks/twilio/sms/status': { post: { summary: 'Twilio: delivery status of a reply (signed); moves the message forward only', responses: { 200: { description: 'handled' }, 403: error } } },
      '/api/sms/numbers': {
        get: { summary: 'Business SMS numbers and their queues (admin)', responses: { 200: { description: '{numbers}' } } },
        post: { summary: 'Map a business number to an sms queue (admin, audited)', responses: { 201: { description: '{number}' }, 400: error, 409: error } },
      },
      '/api/sms/numbers/{number}': { delete: { summary: 'Remove a number mapping (admin, audited)', responses: { 204: { description: 'removed' }, 404: error } } },
      '/api/sms/conversations/{id}': { get: { summary: 'SMS details of a conversation: business number, opt-out state', responses: { 200: { description: '{…}' }, 404: error } } },
      '/api/email/mailboxes': {
        get: { summary: 'Mailboxes (admin); passwords are never returned', responses: { 200: { description: '{mailboxes}' } } },
        post: { summary: 'Add a mailbox with IMAP and SMTP settings and a queue (admin, audited; passwords encrypted at rest)', responses: { 201: { description: '{mailbox}' }, 400: error } },
      },
      '/api/email/mailboxes/{id}': {
        patch: { summary: 'Change a mailbox; its fetcher restarts (admin, audited)', responses: { 200: { description: '{mailbox}' }, 400: error, 404: error } },
        delete: { summary: 'Remove a mailbox (admin, audited)', responses: { 204: { description: 'removed' } } },
      },
      '/api/email/attachments/{id}': { get: { summary: 'An email attachment, for staff who may see its conversation', responses: { 200: { description: 'the file' }, 403: error, 404: error } } },
      '/api/email/quarantine': { get: { summary: 'Messages that could not be parsed, kept raw (admin)', responses: { 200: { description: '{messages}' } } } },
      ...voiceOpenApiPaths(),
      ...deskOpenApiPaths(),
      ...dialerCampaignOpenApiPaths(),
      ...customersOpenApiPaths(),
      ...reportsOpenApiPaths(),
    },
  };
}
