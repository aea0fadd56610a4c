// Turns parsed filters into one SQL condition over a resource alias: plain parameters, :missing, chains and _has.
import type { OperationOutcomeIssue } from '@medplum/fhirtypes';
import { badRequest, issue } from '../fhir/errors.js';
import { compositeFilter } from './filters/composite.js';
import { dateFilter } from './filters/date.js';
import { numberFilter, quantityFilter } from './filters/number.js';
import { referenceFilter } from './filters/reference.js';
import { stringFilter } from './filters/string.js';
import { tokenFilter } from './filters/token.js';
import type { FilterBuilder } from './filters/types.js';
import { uriFilter } from './filters/uri.js';
import type { ParamDef, ParamType, SearchParameterIndex } from './parameters.js';
import type { SearchFilter } from './query.js';
import { and, or, SqlParams, unescapeValue, type Target } from './sql.js';

export interface PlanContext {
  sql: SqlParams;
  index: SearchParameterIndex;
  baseUrl: string;
  strict: boolean;
  warnings: OperationOutcomeIssue[];
  expand: (url: string) => Promise<{ system?: string; code: string }[]>;
  /** Runs a read-only query while planning (chain probes); absent, chains are planned without looking at the data. */
  probe?: (text: string, params: unknown[]) => Promise<{ id: string }[]>;
}

/**
 * A chain whose inner condition matches at most this many resources is planned as a list of their ids; more, and the
 * outer resources are walked in result order, each tested on its own (see chainFilter).
 */
const CHAIN_ID_LIST_MAX = 1000;

const BUILDERS: Partial<Record<ParamType, FilterBuilder>> = {
  token: tokenFilter,
  string: stringFilter,
  reference: referenceFilter,
  date: dateFilter,
  number: numberFilter,
  quantity: quantityFilter,
  uri: uriFilter,
  composite: compositeFilter,
};

const TABLES: Partial<Record<ParamType, string>> = {
  token: 'idx_token',
  string: 'idx_string',
  reference: 'idx_reference',
  date: 'idx_date',
  number: 'idx_number',
  quantity: 'idx_quantity',
  uri: 'idx_uri',
  composite: 'idx_composite',
};

/** The definition of a parameter for every type of the target; undefined (with a warning or 400) when unknown. */
function lookup(pc: PlanContext, target: Target, code: string, key: string): ParamDef | undefined {
  const defs = target.types.map((t) => pc.index.get(t, code));
  const def = defs[0];
  if (def && defs.every((d) => d && d.type === def.type)) return def;
  const message = `Unknown search parameter "${code}" for ${target.types.join(', ')}`;
  if (pc.strict) throw badRequest(message, key);
  pc.warnings.push(issue('not-supported', `${message}; it was ignored`, key, 'warning'));
  return undefined;
}

function idFilter(pc: PlanContext, target: Target, filter: SearchFilter): string {
  const ids = filter.values.map(unescapeValue);
  if (filter.modifier === 'not') return `NOT (${target.alias}.id = ANY(${pc.sql.add(ids, 'text[]')}))`;
  if (filter.modifier !== undefined) throw badRequest(`Modifier :${filter.modifier} is not supported for _id`, filter.key);
  return `${target.alias}.id = ANY(${pc.sql.add(ids, 'text[]')})`;
}

function missingFilter(pc: PlanContext, target: Target, def: ParamDef, filter: SearchFilter): string {
  const value = filter.values[0];
  if (filter.values.length !== 1 || (value !== 'true' && value !== 'false')) throw badRequest(':missing takes true or false', filter.key);
  if (def.code === '_id' || def.code === '_lastUpdated') return value === 'true' ? 'FALSE' : 'TRUE';
  const table = TABLES[def.type];
  if (!table) throw badRequest(`:missing is not supported for ${def.type} parameter ${def.code}`, filter.key);
  const a = pc.sql.alias('m');
  const exists = `EXISTS (SELECT 1 FROM ${table} ${a} WHERE ${a}.resource_type = ${target.typeSql} AND ${a}.id = ${target.alias}.id AND ${a}.param = ${pc.sql.add(def.code)})`;
  return value === 'true' ? `NOT ${exists}` : exists;
}

/** A nested target over the resource table for chains and _has. */
function subTarget(pc: PlanContext, type: string): Target {
  return { alias: pc.sql.alias('r'), typeSql: pc.sql.add(type), types: [type] };
}

/**
 * Whether a filter can only hold for a resource that has index rows of its own (a positive EXISTS over an idx_* table).
 * Index rows exist for current, non-deleted resources only, so such a filter proves its resource live.
 */
function provesLive(filter: SearchFilter): boolean {
  // _has matches references to the resource, which may outlive it.
  if (filter.has.length > 0) return false;
  if (filter.chain.length > 0) return true;
  return filter.param !== '_id' && filter.param !== '_lastUpdated' && !['missing', 'not', 'not-in'].includes(filter.modifier ?? '');
}

async function chainFilter(pc: PlanContext, target: Target, filter: SearchFilter): Promise<string | undefined> {
  const [link, ...rest] = filter.chain;
  const def = lookup(pc, target, link.param, filter.key);
  if (!def) return undefined;
  if (def.type !== 'reference') throw badRequest(`Chained parameter ${link.param} is not a reference`, filter.key);
  const next = rest[0]?.param ?? filter.param;
  const candidates = (link.targetType ? [link.targetType] : def.targets).filter((t) => pc.index.get(t, next) !== undefined || next === '_id' || next === '_lastUpdated');
  if (candidates.length === 0) throw badRequest(`No target type of ${link.param} has a search parameter "${next}"; name one with ${link.param}:Type`, filter.key);
  const innerFilter = { ...filter, chain: rest };
  const branches: string[] = [];
  for (const type of candidates) {
    const x = pc.sql.alias('c');
    const inner = subTarget(pc, type);
    const linked = `${x}.resource_type = ${target.typeSql} AND ${x}.id = ${target.alias}.id AND ${x}.param = ${pc.sql.add(link.param)} AND ${x}.target_type = ${inner.typeSql}`;
    const live = provesLive(innerFilter);
    const ids = live ? await probeChain(pc, type, innerFilter) : undefined;
    if (ids) {
      branches.push(`EXISTS (SELECT 1 FROM idx_reference ${x} WHERE ${linked} AND ${x}.target_id = ANY(${pc.sql.add(ids, 'text[]')}))`);
      continue;
    }
    const condition = await filterCondition(pc, inner, innerFilter);
    if (condition === undefined) continue;
    // When the condition proves the target live, the target's id is all it needs: no resource row. A probe found it
    // matches many resources, so the outer resources are best walked in result order and tested one by one until the
    // page is full: OFFSET 0 keeps the planner from turning the test into a join, whose size it misjudges (it cannot
    // see that most references of this kind point at matching targets), and then sorting every match.
    branches.push(
      live
        ? `EXISTS (SELECT 1 FROM idx_reference ${x} CROSS JOIN LATERAL (SELECT ${x}.target_id AS id) ${inner.alias} WHERE ${linked} AND ${condition}${pc.probe ? ' OFFSET 0' : ''})`
        : `EXISTS (SELECT 1 FROM idx_reference ${x} WHERE ${linked} AND ${x}.target_id IN (SELECT ${inner.alias}.id FROM resource ${inner.alias}` +
            ` WHERE ${inner.alias}.resource_type = ${inner.typeSql} AND NOT ${inner.alias}.deleted AND ${condition}))`,
    );
  }
  return branches.length ? or(branches) : undefined;
}

/** The ids of the chain's targets when there are few of them (an index-only look-up); undefined when there are many. */
async function probeChain(pc: PlanContext, type: string, filter: SearchFilter): Promise<string[] | undefined> {
  if (!pc.probe) return undefined;
  const sql = new SqlParams();
  const target: Target = { alias: 'p', typeSql: sql.add(type), types: [type] };
  // Deeper links of the chain are not probed here: the main plan probes them if this one turns out to have many targets.
  const condition = await filterCondition({ ...pc, sql, warnings: [], probe: undefined }, target, filter);
  if (condition === undefined) return undefined;
  const rows = await pc.probe(`SELECT p.id FROM resource p WHERE p.resource_type = ${target.typeSql} AND NOT p.deleted AND ${condition} LIMIT ${CHAIN_ID_LIST_MAX + 1}`, sql.values);
  return rows.length <= CHAIN_ID_LIST_MAX ? rows.map((r) => r.id) : undefined;
}

async function hasFilter(pc: PlanContext, target: Target, filter: SearchFilter): Promise<string | undefined> {
  const [link, ...rest] = filter.has;
  const source = subTarget(pc, link.sourceType);
  const def = pc.index.get(link.sourceType, link.param);
  if (!def || def.type !== 'reference') throw badRequest(`_has: ${link.sourceType} has no reference parameter "${link.param}"`, filter.key);
  const condition = await filterCondition(pc, source, { ...filter, has: rest });
  if (condition === undefined) return undefined;
  const h = pc.sql.alias('h');
  return (
    `EXISTS (SELECT 1 FROM idx_reference ${h} JOIN resource ${source.alias} ON ${source.alias}.resource_type = ${h}.resource_type AND ${source.alias}.id = ${h}.id` +
    ` WHERE ${h}.resource_type = ${source.typeSql} AND ${h}.param = ${pc.sql.add(link.param)} AND ${h}.target_type = ${target.typeSql} AND ${h}.target_id = ${target.alias}.id` +
    ` AND NOT ${source.alias}.deleted AND ${condition})`
  );
}

/** The SQL condition for one filter, or undefined when it is ignored (unknown parameter, lenient mode). */
export async function filterCondition(pc: PlanContext, target: Target, filter: SearchFilter): Promise<string | undefined> {
  if (filter.has.length > 0) return hasFilter(pc, target, filter);
  if (filter.chain.length > 0) return chainFilter(pc, target, filter);
  const def = lookup(pc, target, filter.param, filter.key);
  if (!def) return undefined;
  if (filter.modifier === 'missing') return missingFilter(pc, target, def, filter);
  if (def.code === '_id') return idFilter(pc, target, filter);
  const builder = BUILDERS[def.type];
  if (!builder) throw badRequest(`Search parameter ${def.code} of type ${def.type} is not supported`, filter.key);
  return builder({ sql: pc.sql, target, def, modifier: filter.modifier, values: filter.values, key: filter.key, baseUrl: pc.baseUrl, expand: pc.expand });
}

/** AND of every filter; ignored filters drop out. */
export async function whereClause(pc: PlanContext, target: Target, filters: SearchFilter[]): Promise<string> {
  const parts: string[] = [];
  for (const filter of filters) {
    const condition = await filterCondition(pc, target, filter);
    if (condition !== undefined) parts.push(condition);
  }
  return and(parts);
}
