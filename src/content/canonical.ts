// Finds conformance resources stored in the server by canonical URL (url, optionally "url|version").
import type { Resource } from '@medplum/fhirtypes';
import type { RequestContext } from '../context.js';
import type { Repository } from '../storage/repository.js';

/** The current, non-deleted resource of `type` whose url (and version, if given) match; the latest written wins. */
export async function findStoredCanonical<T extends Resource>(repo: Repository, ctx: RequestContext, type: string, canonical: string): Promise<T | undefined> {
  const [url, version] = canonical.split('|');
  const rows = await repo.select<{ content: string }>(
    ctx,
    `SELECT content::text AS content FROM resource
      WHERE resource_type = $1 AND NOT deleted AND content->>'url' = $2 AND ($3::text IS NULL OR content->>'version' = $3)
      ORDER BY last_updated DESC LIMIT 1`,
    [type, url, version ?? null],
  );
  return rows[0] ? (JSON.parse(rows[0].content) as T) : undefined;
}
