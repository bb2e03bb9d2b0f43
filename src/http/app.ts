import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { type ErrorRequestHandler, type NextFunction, type Request, type Response, type Router } from 'express';
import helmet from 'helmet';
import { SESSION_COOKIE, type SessionStore } from '../auth/sessions.js';
import { cookieOf } from '../api/validate.js';
import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';
import { UI_DIST_DIR } from '../paths.js';
import type { Metrics } from './metrics.js';

export interface AppDeps {
  log: Logger;
  metrics: Metrics;
  sessions: SessionStore;
  bodyLimitBytes: number;
  routers: Router[];
  readiness: () => Promise<Record<string, 'ok' | string>>;
  openApi: () => Record<string, unknown>;
  /** False while shutting down: /readyz says so, so a load balancer stops sending traffic. */
  accepting: () => boolean;
  /** PUBLIC_URL is https. */
  https: boolean;
}

export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');

  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          'default-src': ["'self'"],
          'connect-src': ["'self'", 'ws:', 'wss:'],
          'img-src': ["'self'", 'data:'],
          'style-src': ["'self'", "'unsafe-inline'"],
          // Behind plain http (a LAN install) upgrading would break every asset.
          'upgrade-insecure-requests': deps.https ? [] : null,
        },
      },
    }),
  );

  // Request metrics by matched route, so ids do not explode the label set.
  app.use((req, res, next) => {
    const end = deps.metrics.httpDuration.startTimer();
    res.on('finish', () => {
      const route = (req.route as { path?: string } | undefined)?.path ?? (res.statusCode === 404 ? 'unmatched' : req.path.split('/').slice(0, 3).join('/'));
      end({ method: req.method, route });
      deps.metrics.httpRequests.inc({ method: req.method, route, status: String(res.statusCode) });
    });
    next();
  });

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  app.get('/readyz', async (_req, res) => {
    const checks = await deps.readiness();
    if (!deps.accepting()) checks.shutdown = 'shutting down';
    const ready = Object.values(checks).every((v) => v === 'ok');
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks });
  });

  app.get('/metrics', async (_req, res) => {
    res.setHeader('Content-Type', deps.metrics.registry.contentType);
    res.send(await deps.metrics.registry.metrics());
  });

  app.use(express.json({ limit: deps.bodyLimitBytes }));
  app.use(express.urlencoded({ extended: false, limit: deps.bodyLimitBytes }));

  // Session → res.locals.user for every API route; each route checks the role it needs.
  app.use('/api', async (req: Request, res: Response, next: NextFunction) => {
    res.locals.user = await deps.sessions.resolve(cookieOf(req, SESSION_COOKIE));
    next();
  });

  app.get('/api/openapi.json', (_req, res) => {
    res.json(deps.openApi());
  });
  for (const r of deps.routers) app.use(r);
  app.use('/api', (req, _res, next) => next(new AppError(404, 'not_found', `no route ${req.method} ${req.originalUrl.split("?")[0]}`)));
  app.use('/webhooks', (req, _res, next) => next(new AppError(404, 'not_found', `no route ${req.method} ${req.originalUrl.split("?")[0]}`)));

  // The embeddable widget is loaded by other sites: allow that, and keep it fresh.
  app.get('/widget.js', (_req, res, next) => {
    const file = path.join(UI_DIST_DIR, 'widget.js');
    if (!existsSync(file)) return next(new AppError(503, 'ui_not_built', 'the widget is not built: run npm run build'));
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    res.setHeader('Cache-Control', 'public, max-age=300');
    res.sendFile(file);
  });
  app.use(express.static(UI_DIST_DIR, { index: false, maxAge: '1h' }));
  // The console is a single page: unknown non-API paths get its index.
  app.get(/^\/(?!api\/|webhooks\/|socket\.io\/).*/, (req, res, next) => {
    const index = path.join(UI_DIST_DIR, 'index.html');
    if (!req.accepts('html') || !existsSync(index)) return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });

  app.use((req, _res, next) => next(new AppError(404, 'not_found', `no route ${req.method} ${req.originalUrl.split("?")[0]}`)));
  app.use(errorHandler(deps.log));
  return app;
}

function errorHandler(log: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    let status = 500;
    let body: { code: string; message: string; details?: unknown } = { code: 'internal', message: 'internal error' };
    if (err instanceof AppError) {
      status = err.status;
      body = { code: err.code, message: err.message, ...(err.details === undefined ? {} : { details: err.details }) };
    } else if (isBodyParserError(err)) {
      status = err.status;
      body =
        err.type === 'entity.too.large'
          ? { code: 'payload_too_large', message: `request body is larger than ${err.limit} bytes` }
          : { code: 'invalid_body', message: err.type === 'entity.parse.failed' ? 'request body is not valid JSON' : err.message };
      log.warn({ method: req.method, path: req.path, status, type: err.type }, 'request body refused');
    } else {
      log.error({ err, method: req.method, path: req.path }, 'request failed');
    }
    if (res.headersSent) return;
    res.status(status).json({ error: body });
  };
}

function isBodyParserError(err: unknown): err is { status: number; type: string; limit?: number; message: string } {
  return typeof err === 'object' && err !== null && 'type' in err && 'status' in err && typeof (err as { status: unknown }).status === 'number';
}
