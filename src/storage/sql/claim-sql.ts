// Claiming resources for background work that several server processes share: lock the rows nobody holds, skip the rest.
import type { RequestContext } from '../../context.js';
import type { Repository } from '../repository.js';

/**
 * Locks the current rows of these resources until `tx`'s transaction ends and returns the ids it locked; rows another
 * transaction holds are skipped, not waited for (SELECT ... FOR UPDATE SKIP LOCKED), so two workers never take the
 * same resource and neither blocks. `tx` must be bound to a transaction (the repository passed by Repository.transaction):
 * outside one the lock would end with the statement. Re-read a claimed resource before acting: it may have changed
 * between the search that found it and the claim.
 */
export async function claimCurrent(tx: Repository, ctx: RequestContext, resourceType: string, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await tx.select<{ id: string }>(
    ctx,
    `SELECT id FROM resource WHERE resource_type = $1 AND id = ANY($2::text[]) AND NOT deleted ORDER BY id FOR UPDATE SKIP LOCKED`,
    [resourceType, ids],
  );
  return rows.map((r) => r.id);
}
