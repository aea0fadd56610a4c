// Loads conformance content files into storage at start-up: creates what is missing, updates what the files changed, keeps API edits.
import type { Logger } from 'pino';
import { systemContext, type RequestContext } from '../context.js';
import type { Repository, StoredVersion } from '../storage/repository.js';
import { contentTag, withContentTag } from './content-tag.js';
import { contentHash, type ContentFile } from './files.js';

/** Arbitrary constant identifying calaim-fhir's content-load lock (migrations use 4_127_001). */
const CONTENT_LOCK = 4_127_002;

/** Definitions first, so resources that refer to them find them. */
const TYPE_ORDER = ['CodeSystem', 'ValueSet', 'ConceptMap', 'NamingSystem', 'StructureDefinition', 'SearchParameter', 'OperationDefinition'];

const loaderContexts = new WeakSet<RequestContext>();

/**
 * True for the loader's own writes. Validation uses it to skip re-validating the (large) StructureDefinition
 * snapshots at every start-up: npm run content:check validates them against the base specification instead.
 */
export function isContentLoad(ctx: RequestContext): boolean {
  return loaderContexts.has(ctx);
}

export interface LoadReport {
  created: string[];
  updated: string[];
  unchanged: number;
  /** Changed or deleted through the API (or created there first): left as they are. */
  kept: string[];
}

export type Decision = 'create' | 'update' | 'unchanged' | 'keep';

/**
 * What to do with a file given the stored version. A loaded version carries the hash of the file it came from;
 * if its content no longer hashes to that, someone changed it through the API, and the file must not clobber it.
 */
export function decide(file: ContentFile, current: StoredVersion | undefined): Decision {
  if (!current) return 'create';
  if (current.deleted || !current.resource) return 'keep';
  const loadedFrom = contentTag(current.resource)?.code;
  if (!loadedFrom) return 'keep';
  if (loadedFrom === file.hash) return 'unchanged';
  return contentHash(current.resource) === loadedFrom ? 'update' : 'keep';
}

function order(files: ContentFile[]): ContentFile[] {
  const rank = (f: ContentFile) => {
    const i = TYPE_ORDER.indexOf(f.resource.resourceType);
    return i < 0 ? TYPE_ORDER.length : i;
  };
  return [...files].sort((a, b) => rank(a) - rank(b) || (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

function checkUnique(files: ContentFile[]): void {
  const seen = new Map<string, string>();
  for (const f of files) {
    const key = `${f.resource.resourceType}/${f.resource.id}`;
    const other = seen.get(key);
    if (other) throw new Error(`${key} is defined twice, in ${other} and ${f.file}`);
    seen.set(key, f.file);
  }
}

/**
 * Loads every file in one transaction under an advisory lock, so concurrent start-ups of several processes
 * serialise and the later ones find nothing to do. A file that fails validation aborts the whole load.
 */
export async function loadContent(repo: Repository, files: ContentFile[], logger?: Logger): Promise<LoadReport> {
  checkUnique(files);
  const ctx = systemContext('content-load');
  loaderContexts.add(ctx);
  const report: LoadReport = { created: [], updated: [], unchanged: 0, kept: [] };
  await repo.transaction(ctx, async (tx) => {
    await tx.select(ctx, 'SELECT pg_advisory_xact_lock($1)', [CONTENT_LOCK]);
    for (const file of order(files)) {
      const { resourceType, id } = file.resource;
      const key = `${resourceType}/${id}`;
      const decision = decide(file, await tx.readCurrent(ctx, resourceType, id as string));
      if (decision === 'unchanged') report.unchanged++;
      else if (decision === 'keep') report.kept.push(key);
      else {
        try {
          await tx.update(ctx, withContentTag(file.resource, file.hash, file.file));
        } catch (err) {
          throw new Error(`content file ${file.file} (${key}) could not be loaded: ${(err as Error).message}`, { cause: err });
        }
        (decision === 'create' ? report.created : report.updated).push(key);
      }
    }
  });
  if (report.kept.length) logger?.warn({ kept: report.kept }, 'content files differ from resources changed through the API; the API versions were kept');
  return report;
}
