// The voice channel's REST surface for the OpenAPI document (merge into
// src/api/openapi.ts `paths`). Request bodies come from the routes' own zod
// schemas; flows are described by the flow schema.
import { z } from 'zod';
import { calendarBody, deviceBody, holdBody, monitorBody, queueSettingsBody, transferBody } from './api.js';
import { flowSchema } from './flow.js';

const json = (schema: z.ZodType) => ({ content: { 'application/json': { schema: z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) } } });
const error = { description: 'Error: `{error: {code, message, details?}}`' };
const ok = (description: string) => ({ description });
const idParam = [{ name: 'id', in: 'path', required: true, description: 'the voice conversation id', schema: { type: 'string', format: 'uuid' } }];
const numberParam = [{ name: 'number', in: 'path', required: true, description: "the business number (E.164) or 'default'", schema: { type: 'string' } }];

export function voiceOpenApiPaths(): Record<string, unknown> {
  return {
    '/webhooks/twilio/voice': { post: { summary: 'Twilio: inbound call → IVR (X-Twilio-Signature for PUBLIC_URL + path, 403 otherwise); answers TwiML', responses: { 200: ok('TwiML'), 403: error, 503: error } } },
    '/webhooks/twilio/voice/status': { post: { summary: 'Twilio: call status callbacks (inbound calls and the legs the hub places)', responses: { 200: ok('handled or ignored'), 400: error, 403: error } } },
    '/api/voice/flows': { get: { summary: 'Numbers with an IVR flow (supervisor, admin)', responses: { 200: ok('{flows}') } } },
    '/api/voice/flows/validate': { post: { summary: 'Check a flow without saving it (admin)', requestBody: json(flowSchema), responses: { 200: ok('{ok, errors, warnings}') } } },
    '/api/voice/flows/{number}': {
      get: { summary: 'The IVR flow of a number (supervisor, admin)', parameters: numberParam, responses: { 200: ok('{number, flow, warnings, builtIn, updatedAt}'), 404: error } },
      put: {
        summary: 'Save the IVR flow of a number (admin, audited); refused with the node path of each problem (unknown targets, unreachable nodes, loops without exit)',
        parameters: numberParam,
        requestBody: json(flowSchema),
        responses: { 200: ok('{number, flow, warnings}'), 400: error, 403: error },
      },
      delete: { summary: 'Remove the flow of a number (admin, audited)', parameters: numberParam, responses: { 204: ok('removed'), 404: error } },
    },
    '/api/voice/calendars': {
      get: {
        summary:
          'Business hours: every calendar of every stored IVR flow, with the `hours` nodes that use it and whether it is open now by the hub’s clock (`state: {open, reason: open|holiday|jalali-holiday|outside-hours}`, null for an unknown time zone) (supervisor, admin)',
        responses: { 200: ok('{calendars: [{number, flowName, name, calendar, usedBy, state, updatedAt}], unreadable: [{number, message}], now}'), 403: error },
      },
    },
    '/api/voice/flows/{number}/calendars/{name}': {
      put: {
        summary:
          'Replace one calendar of a flow (admin, audited as voice_calendar.update): time zone, weekly "HH:MM-HH:MM" intervals, Gregorian and Jalali holidays ("YYYY-MM-DD" or "MM-DD" every year). A 400 lists each problem with its path below the calendar (`body.timezone`, `body.weekly.mon.0`, `body.jalaliHolidays.2`); 404 when the flow or the calendar does not exist; 409 `invalid_flow` when the rest of the flow no longer validates.',
        parameters: [...numberParam, { name: 'name', in: 'path', required: true, description: 'the calendar’s name in the flow', schema: { type: 'string' } }],
        requestBody: json(calendarBody),
        responses: { 200: ok('{calendar: {number, flowName, name, calendar, usedBy, state, updatedAt}}'), 400: error, 403: error, 404: error, 409: error },
      },
    },
    '/api/voice/queues/{id}/settings': {
      get: { summary: 'Voice settings of a queue: recording, hold music, callback offer (supervisor, admin)', responses: { 200: ok('{settings}'), 404: error } },
      put: { summary: 'Change them (admin, audited)', requestBody: json(queueSettingsBody), responses: { 200: ok('{settings}'), 400: error } },
    },
    '/api/voice/token': { get: { summary: 'A Twilio Voice access token for the logged-in agent’s browser', responses: { 200: ok('{token, identity, expiresAt}'), 503: error } } },
    '/api/voice/me': {
      get: { summary: 'How the logged-in agent takes calls', responses: { 200: ok('{device, phoneNumber}') } },
      put: { summary: 'Take calls in the browser or on a phone', requestBody: json(deviceBody), responses: { 200: ok('{device, phoneNumber}'), 400: error } },
    },
    '/api/voice/me/leg': { get: { summary: 'The logged-in user’s live call leg (for users rung on a phone: the console shows the call bar from it)', responses: { 200: ok('{call, leg}'), 204: ok('no live leg') } } },
    '/api/voice/legs/{sid}': {
      get: {
        summary: 'The call a leg the hub rang belongs to, and the leg’s role (agent, consult, supervisor): the browser phone asks with the ringing CallSid. 404 until the hub has recorded the leg.',
        parameters: [{ name: 'sid', in: 'path', required: true, description: 'the leg’s CallSid', schema: { type: 'string' } }],
        responses: { 200: ok('{call, leg}'), 400: error, 403: error, 404: error },
      },
    },
    '/api/voice/transfer-targets': { get: { summary: 'Agents (with whether each can take a call now) and voice queues a call can be transferred to', responses: { 200: ok('{agents, queues}') } } },
    '/api/voice/live': { get: { summary: 'Calls with an agent on them now, with the requesting supervisor’s own monitoring mode (supervisor, admin)', responses: { 200: ok('{calls}'), 403: error } } },
    '/api/voice/calls': { get: { summary: 'Recent calls with their IVR path (supervisor, admin); ?state=&limit=', responses: { 200: ok('{calls}') } } },
    '/api/voice/calls/{id}': { get: { summary: 'The live call of a voice conversation (its agent, supervisors)', parameters: idParam, responses: { 200: ok('{call}'), 403: error, 404: error } } },
    '/api/voice/calls/{id}/hold': { post: { summary: 'Hold or resume the caller', parameters: idParam, requestBody: json(holdBody), responses: { 200: ok('{call}'), 409: error } } },
    '/api/voice/calls/{id}/hangup': { post: { summary: 'End the call', parameters: idParam, responses: { 200: ok('{call}') } } },
    '/api/voice/calls/{id}/transfer': { post: { summary: 'Cold transfer to an agent or a queue, or start a warm transfer to an agent (audited)', parameters: idParam, requestBody: json(transferBody), responses: { 200: ok('{transfer}'), 400: error, 409: error } } },
    '/api/voice/calls/{id}/transfer/complete': { post: { summary: 'Hand a warm transfer over to the consulted agent', parameters: idParam, responses: { 200: ok('{ok}'), 409: error } } },
    '/api/voice/calls/{id}/transfer/cancel': { post: { summary: 'Cancel a warm transfer', parameters: idParam, responses: { 200: ok('{ok}'), 409: error } } },
    '/api/voice/calls/{id}/monitor': {
      post: { summary: 'Supervisor: listen, whisper (agent only) or barge in (supervisor, admin; audited)', parameters: idParam, requestBody: json(monitorBody), responses: { 200: ok('mode changed'), 201: ok('{mode, legSid}'), 409: error } },
      delete: { summary: 'Stop monitoring (audited)', parameters: idParam, responses: { 204: ok('stopped'), 404: error } },
    },
    '/api/voice/errors': { get: { summary: 'Recent voice webhook failures and bad input (supervisor, admin)', responses: { 200: ok('{errors}') } } },
  };
}
