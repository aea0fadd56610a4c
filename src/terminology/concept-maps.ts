// The concept maps the server holds: stored ones first (so API writes count at once), then the R4 core ones.
import type { ConceptMap } from '@medplum/fhirtypes';
import type { RequestContext } from '../context.js';
import { findStoredCanonical } from '../content/canonical.js';
import type { Repository } from '../storage/repository.js';
import { coreConceptMaps } from './core-terminology.js';

/** A concept map by canonical URL ("url" or "url|version"). */
export async function conceptMapByUrl(repo: Repository, ctx: RequestContext, canonical: string): Promise<ConceptMap | undefined> {
  const stored = await findStoredCanonical<ConceptMap>(repo, ctx, 'ConceptMap', canonical);
  if (stored) return stored;
  const [url, version] = canonical.split('|');
  return coreConceptMaps().find((m) => m.url === url && (version === undefined || m.version === version));
}

/** Every concept map, newest stored first; a core map is left out when a stored one has its URL. */
export async function allConceptMaps(repo: Repository, ctx: RequestContext): Promise<ConceptMap[]> {
  const rows = await repo.select<{ content: string }>(ctx, `SELECT content FROM resource WHERE resource_type = 'ConceptMap' AND NOT deleted ORDER BY last_updated DESC`, []);
  const stored = rows.map((r) => JSON.parse(r.content) as ConceptMap);
  const urls = new Set(stored.map((m) => m.url));
  return [...stored, ...coreConceptMaps().filter((m) => !urls.has(m.url))];
}
