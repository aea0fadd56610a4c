// Liveness (/healthz) and readiness (/readyz: the database answers) endpoints, outside the FHIR base.
import type { Request, Response } from 'express';
import type { SqlDriver } from '../storage/drivers/driver.js';

export function healthz(_req: Request, res: Response): void {
  res.json({ status: 'ok' });
}

export function readyz(db: SqlDriver, isShuttingDown: () => boolean) {
  return async (_req: Request, res: Response): Promise<void> => {
    if (isShuttingDown()) {
      res.status(503).json({ status: 'shutting-down' });
      return;
    }
    try {
      await db.query('SELECT 1');
      res.json({ status: 'ready', database: db.name });
    } catch {
      res.status(503).json({ status: 'database-unavailable', database: db.name });
    }
  };
}
