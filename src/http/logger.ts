// Structured JSON logs (pino) and the per-request access log line.
import type { NextFunction, Request, Response } from 'express';
import pino, { type Logger } from 'pino';

export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'calaim-fhir' }, timestamp: pino.stdTimeFunctions.isoTime });
}

export function accessLog(logger: Logger) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
      logger.info(
        { requestId: res.locals.requestId, method: req.method, path: req.path, status: res.statusCode, durationMs: Math.round(durationMs * 100) / 100 },
        'request',
      );
    });
    next();
  };
}
