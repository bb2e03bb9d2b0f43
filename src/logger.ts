import { pino, type Logger } from 'pino';

export type { Logger };

/** Structured logs; secrets and message bodies are redacted by path as a second line of defence. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'pasokh' },
    redact: { paths: ['password', '*.password', 'body', '*.body', 'req.headers.cookie', 'authToken', '*.authToken'], censor: '[redacted]' },
  });
}
