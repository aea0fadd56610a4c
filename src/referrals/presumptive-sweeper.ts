// The presumptive-expiry job: ends ECM presumptive authorizations whose period has passed, through the normal write path, once across all server processes.
import { randomUUID } from 'node:crypto';
import type { Task } from '@medplum/fhirtypes';
import { systemContext, type RequestContext } from '../context.js';
import { parseSearchQuery, type SearchQuery } from '../search/query.js';
import { runSearch, type SearchServices } from '../search/service.js';
import { encodeCursor } from '../search/sort.js';
import type { Repository } from '../storage/repository.js';
import { claimCurrent } from '../storage/sql/claim-sql.js';
import { BUSINESS_STATUS_SYSTEM, codeIn } from './codes.js';
import { presumptionEnded } from './presumptive.js';
import { organizationOf } from './references.js';
import { planOf } from './roles.js';

/** The client id the job's writes are recorded under (history and the referral-changed-by extension), with the plan as organization. */
export const SWEEPER_CLIENT_ID = 'presumptive-sweeper';
const PAGE_SIZE = 100;
/** Statuses in which the plan may still edit the Task; a closed Task keeps its last business status. */
const OPEN_STATUSES = 'requested,accepted,in-progress,on-hold';

export interface SweeperDeps {
  repo: Repository;
  search: SearchServices;
  pageSize?: number;
  /** Aborting stops a sweep between two Tasks (server shutdown). */
  signal?: AbortSignal;
}

export interface SweepResult {
  /** Tasks this sweep moved to presumptive-ended. */
  ended: string[];
  /** Found by the search but claimed by another process, or no longer due once locked. */
  skipped: string[];
  failed: { id: string; error: string }[];
}

export interface SweepLog {
  info: (fields: object, message: string) => void;
  error: (fields: object, message: string) => void;
}

/**
 * Open referral Tasks still presumptively authorized whose presumptive ClaimResponse (Task.insurance) ended before now:
 * the business-status token and the preauth-period date are both index lookups, so the sweep reads only due Tasks.
 */
function dueQuery(now: Date, pageSize: number, cursor: string | undefined): SearchQuery {
  const params: Record<string, string[]> = {
    'business-status': [`${BUSINESS_STATUS_SYSTEM}|authorized-presumptive`],
    status: [OPEN_STATUSES],
    'insurance:ClaimResponse.preauth-period': [`eb${now.toISOString()}`],
  };
  if (cursor) params._cursor = [cursor];
  return parseSearchQuery(['Task'], params, pageSize);
}

/** Ends one Task's presumption in its own transaction; 'skipped' when another process holds it or it is no longer due. */
async function endPresumption(repo: Repository, ctx: RequestContext, id: string): Promise<'ended' | 'skipped'> {
  return repo.transaction(ctx, async (tx) => {
    if ((await claimCurrent(tx, ctx, 'Task', [id])).length === 0) return 'skipped';
    // Read again under the lock: another process may have ended it, or the plan decided, since the search.
    const current = await tx.readCurrent(ctx, 'Task', id);
    const task = current?.resource as Task | undefined;
    if (!current || current.deleted || !task || codeIn(task.businessStatus, BUSINESS_STATUS_SYSTEM) !== 'authorized-presumptive') return 'skipped';
    if (!(await presumptionEnded(tx, ctx, task))) return 'skipped';
    const plan = planOf(task) ?? (await organizationOf(tx, ctx, task.owner));
    if (!plan) throw new Error(`Task/${id} names no plan or owner for the job to act as`);
    const asPlan: RequestContext = { ...ctx, caller: { clientId: SWEEPER_CLIENT_ID, organization: plan, scopes: ['system/*.*'] } };
    // Written as stored: the referral Task hook turns an expired authorized-presumptive into presumptive-ended on any write,
    // so the job applies the same rule as a client's next update, with the same audit trail and notifications.
    const { resource } = await tx.update(asPlan, task, { ifMatch: current.versionId });
    const detail = codeIn((resource as Task).businessStatus, BUSINESS_STATUS_SYSTEM);
    if (detail !== 'presumptive-ended') throw new Error(`Task/${id} was written as ${detail}, not presumptive-ended; rolled back`);
    return 'ended';
  });
}

/** One sweep over every due Task, page by page (keyset: Tasks ended meanwhile drop out of the search without shifting pages). */
export async function sweepExpiredPresumptions(deps: SweeperDeps, ctx: RequestContext): Promise<SweepResult> {
  const result: SweepResult = { ended: [], skipped: [], failed: [] };
  const pageSize = deps.pageSize ?? PAGE_SIZE;
  const now = ctx.now();
  let cursor: string | undefined;
  do {
    const query = dueQuery(now, pageSize, cursor);
    const page = await runSearch(deps.search, deps.repo, ctx, { query, count: pageSize, baseUrl: '', strict: true });
    for (const { id } of page.matches) {
      if (deps.signal?.aborted) return result;
      try {
        result[(await endPresumption(deps.repo, ctx, id as string)) === 'ended' ? 'ended' : 'skipped'].push(id as string);
      } catch (err) {
        result.failed.push({ id: id as string, error: (err as Error).message });
      }
    }
    cursor = page.next ? encodeCursor(page.next) : undefined;
  } while (cursor && !deps.signal?.aborted);
  return result;
}

export interface PresumptiveSweeper {
  /** Stops scheduling and waits for a sweep in progress to stop after its current Task. */
  stop: () => Promise<void>;
}

/** Sweeps every `intervalMs` (the next sweep is scheduled when one finishes, so sweeps of one process never overlap). */
export function startPresumptiveSweeper(deps: Omit<SweeperDeps, 'signal'>, options: { intervalMs: number; log: SweepLog }): PresumptiveSweeper {
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  const sweep = async () => {
    const ctx = systemContext(`presumptive-sweep-${randomUUID()}`);
    try {
      const result = await sweepExpiredPresumptions({ ...deps, signal: abort.signal }, ctx);
      if (result.ended.length) options.log.info({ requestId: ctx.requestId, ended: result.ended, skipped: result.skipped.length }, 'presumptive authorizations ended');
      // A Task that fails stays presumptive and is tried again next sweep (or ends on its next write).
      if (result.failed.length) options.log.error({ requestId: ctx.requestId, failed: result.failed }, 'presumptive authorizations not ended');
    } catch (err) {
      options.log.error({ err, requestId: ctx.requestId }, 'presumptive sweep failed');
    }
  };
  const schedule = () => {
    if (abort.signal.aborted) return;
    timer = setTimeout(() => {
      running = sweep().finally(() => {
        running = undefined;
        schedule();
      });
    }, options.intervalMs);
    timer.unref();
  };
  schedule();
  return {
    async stop() {
      abort.abort();
      clearTimeout(timer);
      await running;
    },
  };
}
