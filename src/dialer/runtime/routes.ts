// Twilio's webhooks for outbound calls (signature-checked exactly like the voice channel's) and
// the supervisors' stats endpoint.
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { AppError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import { parse, requireRole, uuidParam } from '../../api/validate.js';
import { formParams, verifyTwilioSignature } from '../../channels/sms/signature.js';
import { CALL_SID, param } from '../../channels/voice/util.js';
import type { InFlight } from '../../lifecycle.js';
import type { DialerRuntime } from './runtime.js';
import { DIALER_PATHS, hangupTwiml } from './twiml.js';

const attemptQuery = z.object({ attempt: z.uuid('must be a uuid') }).passthrough();
const agentQuery = z.object({ agent: z.uuid('must be a uuid') }).passthrough();
const num = (v: string | undefined): number | null => (v !== undefined && /^\d+$/.test(v) ? Number(v) : null);

export function dialerRoutes(deps: { runtime: DialerRuntime; authToken: string | undefined; publicUrl: string; log: Logger; inFlight: InFlight }): Router {
  const r = Router();
  const { runtime, log } = deps;
  const guard = verifyTwilioSignature({ authToken: deps.authToken, publicUrl: deps.publicUrl, log });

  const callSidOf = (p: Record<string, unknown>): string => {
    const sid = param(p, 'CallSid');
    if (!sid || !CALL_SID.test(sid)) throw new AppError(400, 'invalid_request', 'body.CallSid: must be a Twilio call SID');
    return sid;
  };

  /** TwiML answers never fail towards the callee: an error hangs up politely (and is logged). */
  const twiml = (context: string, handler: (req: Request) => Promise<string>) => (req: Request, res: Response) =>
    deps.inFlight.track(
      (async () => {
        let xml: string;
        try {
          xml = await handler(req);
        } catch (err) {
          if (err instanceof AppError && err.status === 400) {
            res.status(400).json({ error: { code: err.code, message: err.message } });
            return;
          }
          log.error({ err, context }, 'dialer webhook failed: hanging up');
          xml = hangupTwiml();
        }
        res.status(200).type('text/xml').send(xml);
      })(),
    );

  const callback = (context: string, handler: (req: Request) => Promise<void>) => (req: Request, res: Response) =>
    deps.inFlight.track(
      (async () => {
        try {
          await handler(req);
        } catch (err) {
          if (err instanceof AppError && err.status === 400) {
            res.status(400).json({ error: { code: err.code, message: err.message } });
            return;
          }
          log.error({ err, context }, 'dialer callback failed');
        }
        res.status(200).type('text/xml').send('<?xml version="1.0" encoding="UTF-8"?><Response/>');
      })(),
    );

  r.post(
    DIALER_PATHS.answer,
    guard,
    twiml('answer', async (req) => {
      const q = parse(attemptQuery, req.query, 'query');
      callSidOf(formParams(req.body));
      const via = req.query['key'] === '1' ? 'key' : req.query['late'] === '1' ? 'late' : 'answer';
      return runtime.answered(q.attempt, via);
    }),
  );
  r.post(
    DIALER_PATHS.amd,
    guard,
    callback('amd', async (req) => {
      const q = parse(attemptQuery, req.query, 'query');
      const p = formParams(req.body);
      callSidOf(p);
      const answeredBy = param(p, 'AnsweredBy');
      if (!answeredBy) throw new AppError(400, 'invalid_request', 'body.AnsweredBy: is missing');
      await runtime.amd(q.attempt, answeredBy, num(param(p, 'MachineDetectionDuration')));
    }),
  );
  r.post(
    DIALER_PATHS.status,
    guard,
    callback('status', async (req) => {
      const q = parse(attemptQuery, req.query, 'query');
      const p = formParams(req.body);
      const sid = callSidOf(p);
      await runtime.status(q.attempt, sid, param(p, 'CallStatus') ?? '', num(param(p, 'QueueTime')), num(param(p, 'CallDuration')));
    }),
  );
  r.post(
    DIALER_PATHS.optout,
    guard,
    twiml('optout', async (req) => {
      const q = parse(attemptQuery, req.query, 'query');
      const p = formParams(req.body);
      callSidOf(p);
      return runtime.optOut(q.attempt, param(p, 'Digits') ?? '');
    }),
  );
  r.post(
    DIALER_PATHS.agentStatus,
    guard,
    callback('agent-status', async (req) => {
      const q = parse(agentQuery, req.query, 'query');
      const p = formParams(req.body);
      await runtime.agentLegStatus(q.agent, callSidOf(p), param(p, 'CallStatus') ?? '');
    }),
  );

  r.get('/api/dialer/campaigns/:id/stats', requireRole('supervisor', 'admin'), async (req: Request, res: Response) => {
    const { id } = parse(uuidParam, req.params, 'params');
    const stats = await runtime.stats(id);
    if (!stats) throw new AppError(404, 'not_found', 'no such campaign');
    res.json({ stats });
  });
  return r;
}
