// Finds conformance resources stored in the server by canonical URL (url, optionally "url|version").
import type { Resource } from '@medplum/fhirtypes';
import type { RequestContext } from '../context.js';
import type { Repository } from '../storage/repository.js';

/**
 * The current, non-deleted resource of `type` whose url (and version, if given) match; the latest written wins.
 * Uses the search index of the core `url` parameter, which every canonical resource type has.
 */
export async function findStoredCanonical<T extends Resource>(repo: Repository, ctx: RequestContext, type: string, canonical: string): Promise<T | undefined> {
  const [url, version] = canonical.split('|');
  const rows = await repo.select<{ content: string }>(
    ctx,
    `SELECT r.content AS content FROM idx_uri u JOIN resource r ON r.resource_type = u.resource_type AND r.id = u.id
      WHERE u.resource_type = $1 AND u.param = 'url' AND u.value = $2 AND NOT r.deleted
      ORDER BY r.last_updated DESC`,
    [type, url],
  );
  const resources = rows.map((r) => JSON.parse(r.content) as T & { version?: string });
  return version === undefined ? resources[0] : resources.find((r) => r.version === version);
}
