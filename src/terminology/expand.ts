// ValueSet expansion ($expand, and token :in search) over the compiled value set.
import { randomUUID } from 'node:crypto';
import type { ValueSet, ValueSetExpansionContains, ValueSetExpansionParameter } from '@medplum/fhirtypes';
import type { RequestContext } from '../context.js';
import { FhirError, issue, notFound, outcome } from '../fhir/errors.js';
import type { Repository } from '../storage/repository.js';
import { compileValueSet } from './compile-value-set.js';
import { terminologyFor, type TerminologySource } from './source.js';

export interface ExpandOptions {
  /** Case-insensitive text that each returned concept's code or display must contain (word starts and substrings both count). */
  filter?: string;
  offset?: number;
  count?: number;
  includeDesignations?: boolean;
  activeOnly?: boolean;
}

/** Largest expansion returned without a count: a bigger one must be paged. */
export const MAX_UNPAGED_EXPANSION = 10_000;

function notExpandable(diagnostics: string): FhirError {
  return new FhirError(422, outcome([issue('too-costly', diagnostics)]));
}

function matchesFilter(c: ValueSetExpansionContains, filter: string): boolean {
  const needle = filter.toLowerCase();
  return (c.display ?? '').toLowerCase().includes(needle) || (c.code ?? '').toLowerCase().includes(needle);
}

/** The ValueSet with an expansion; a value set from another server's content (e.g. all of ICD-10-CM) is refused with 422. */
export async function expandValueSet(vs: ValueSet, source: TerminologySource, options: ExpandOptions = {}): Promise<ValueSet> {
  const compiled = vs.url && (await source.valueSet(vs.url)) === vs ? await source.compiled(vs.url) : await compileValueSet(vs, source);
  if (!compiled?.concepts) throw notExpandable(`ValueSet ${vs.url ?? '(posted)'} cannot be expanded: ${compiled?.notEnumerable ?? 'unknown value set'}. Use $validate-code to test codes.`);
  let all = compiled.concepts;
  if (options.activeOnly) all = all.filter((c) => !c.inactive);
  if (options.filter) all = all.filter((c) => matchesFilter(c, options.filter as string));
  const offset = options.offset ?? 0;
  if (options.count === undefined && all.length - offset > MAX_UNPAGED_EXPANSION) {
    throw notExpandable(`ValueSet ${vs.url} has ${all.length} concepts; page through it with count and offset (at most ${MAX_UNPAGED_EXPANSION} without count)`);
  }
  const page = all.slice(offset, options.count === undefined ? undefined : offset + options.count);
  const parameter: ValueSetExpansionParameter[] = [];
  if (options.filter !== undefined) parameter.push({ name: 'filter', valueString: options.filter });
  if (options.offset !== undefined) parameter.push({ name: 'offset', valueInteger: options.offset });
  if (options.count !== undefined) parameter.push({ name: 'count', valueInteger: options.count });
  if (options.activeOnly !== undefined) parameter.push({ name: 'activeOnly', valueBoolean: options.activeOnly });
  const contains = options.includeDesignations ? page : page.map(({ designation: _d, ...c }) => c);
  const { compose: _compose, text: _text, expansion: _expansion, meta: _meta, ...rest } = vs;
  return {
    ...rest,
    expansion: {
      identifier: `urn:uuid:${randomUUID()}`,
      timestamp: new Date().toISOString(),
      total: all.length,
      offset,
      ...(parameter.length ? { parameter } : {}),
      ...(contains.length ? { contains } : {}),
    },
  };
}

/** Every {system, code} in a value set the server has, for token `:in` / `:not-in` search. */
export async function expandValueSetCodes(repo: Repository, ctx: RequestContext, url: string): Promise<{ system?: string; code: string }[]> {
  const source = await terminologyFor(repo, ctx);
  const compiled = await source.compiled(url);
  if (!compiled) throw notFound(`ValueSet ${url} is not known to this server`, ':in');
  if (!compiled.concepts) throw notExpandable(`ValueSet ${url} cannot be expanded for :in: ${compiled.notEnumerable}`);
  return compiled.concepts.map((c) => ({ system: c.system, code: c.code as string }));
}
