// A ValueSet compiled once into a membership test and, where its content is known, an enumeration.
import type { ValueSet, ValueSetComposeInclude, ValueSetExpansionContains } from '@medplum/fhirtypes';
import type { CodeSystemIndex, ConceptEntry } from './code-system-index.js';
import { indexFilter, lexicalFilter, type CodePredicate } from './filters.js';
import { lexicalSystem } from './lexical.js';
import type { TerminologySource } from './source.js';

/** true, false, or undefined when the server cannot tell (a code system it holds no content for). */
export type Tri = boolean | undefined;

export interface CompiledValueSet {
  url?: string;
  version?: string;
  /** Membership of a code; with no system, a code of any system in the value set (for `code` elements). */
  contains(system: string | undefined, code: string): Tri;
  /** Every concept, in compose order; undefined when some part cannot be enumerated (see `notEnumerable`). */
  concepts?: ValueSetExpansionContains[];
  /** Why the value set cannot be enumerated, when it cannot. */
  notEnumerable?: string;
  /** Code systems referenced but not available to the server. */
  unknownSystems: string[];
}

interface Part {
  test(system: string | undefined, code: string): Tri;
  list?: ValueSetExpansionContains[];
  reason?: string;
  unknownSystems: string[];
}

const and = (values: Tri[]): Tri => (values.includes(false) ? false : values.every((v) => v === true) ? true : undefined);
const or = (values: Tri[]): Tri => (values.includes(true) ? true : values.every((v) => v === false) ? false : undefined);

function entryToContains(index: CodeSystemIndex, entry: ConceptEntry): ValueSetExpansionContains {
  const inactive = entry.property.some((p) => (p.code === 'status' && ['retired', 'deprecated', 'inactive'].includes(p.valueCode ?? '')) || (p.code === 'inactive' && p.valueBoolean === true));
  return { system: index.url, ...(index.version ? { version: index.version } : {}), code: entry.code, ...(entry.display ? { display: entry.display } : {}), ...(inactive ? { inactive } : {}), ...(entry.designation ? { designation: entry.designation } : {}) };
}

async function compileSystemPart(include: ValueSetComposeInclude, source: TerminologySource): Promise<Part> {
  const system = include.system as string;
  const index = await source.codeSystem(system);
  const lexical = lexicalSystem(system);
  const known = index && (index.content === 'complete' || index.content === 'fragment') ? index : undefined;
  const complete = known?.content === 'complete';
  const unknownSystems = known ? [] : [system];
  const sameSystem = (s: string | undefined) => s === undefined || s === system;
  if (include.concept?.length) {
    const normalize = (c: string) => (lexical ? lexical.normalize(c) : known?.get(c)?.code ?? c);
    const codes = new Set(include.concept.map((c) => normalize(c.code as string)));
    const list = include.concept.map((c) => {
      const entry = known?.get(c.code as string);
      const display = c.display ?? entry?.display;
      return { system, ...(index?.version ? { version: index.version } : {}), code: c.code as string, ...(display ? { display } : {}) };
    });
    return { test: (s, code) => sameSystem(s) && codes.has(normalize(code)), list, unknownSystems };
  }
  if (include.filter?.length) {
    if (known) {
      const predicates = include.filter.map((f) => indexFilter(known, f));
      const members = known.concepts.filter((e) => and(predicates.map((p) => p(e.code))) === true);
      const codes = new Set(members.map((e) => e.code));
      return {
        test: (s, code) => (!sameSystem(s) ? false : codes.has(known.get(code)?.code ?? code) ? true : complete ? false : undefined),
        list: members.map((e) => entryToContains(known, e)),
        unknownSystems,
      };
    }
    const predicates: CodePredicate[] = lexical ? include.filter.map((f) => lexicalFilter(lexical, f)) : [];
    return {
      test: (s, code) => (!sameSystem(s) ? false : lexical ? and(predicates.map((p) => p(code))) : undefined),
      reason: `the server holds no content for code system ${system}, so a filter on it cannot be enumerated`,
      unknownSystems,
    };
  }
  if (known) {
    return {
      test: (s, code) => (!sameSystem(s) ? false : known.get(code) ? true : complete ? false : undefined),
      list: known.concepts.map((e) => entryToContains(known, e)),
      unknownSystems,
    };
  }
  return { test: (s) => (!sameSystem(s) ? false : undefined), reason: `the server holds no content for code system ${system}`, unknownSystems };
}

async function compileInclude(include: ValueSetComposeInclude, source: TerminologySource, trail: string[]): Promise<Part> {
  const parts: Part[] = [];
  if (include.system) parts.push(await compileSystemPart(include, source));
  for (const url of include.valueSet ?? []) {
    const imported = trail.includes(url) ? undefined : await source.compiled(url, trail);
    parts.push(
      imported
        ? { test: (s, c) => imported.contains(s, c), list: imported.concepts, reason: imported.notEnumerable, unknownSystems: imported.unknownSystems }
        : { test: () => undefined, reason: `value set ${url} is ${trail.includes(url) ? 'imported in a cycle' : 'unknown'}`, unknownSystems: [] },
    );
  }
  const test = (s: string | undefined, c: string) => and(parts.map((p) => p.test(s, c)));
  const unknownSystems = parts.flatMap((p) => p.unknownSystems);
  const blocked = parts.find((p) => !p.list);
  if (blocked || parts.length === 0) return { test, reason: blocked?.reason ?? 'an include names neither a system nor a value set', unknownSystems };
  // The first part lists candidates; the others (value sets) narrow them.
  const list = parts[0].list?.filter((c) => parts.every((p) => p.test(c.system, c.code as string) === true));
  return { test, list, unknownSystems };
}

export async function compileValueSet(vs: ValueSet, source: TerminologySource, trail: string[] = []): Promise<CompiledValueSet> {
  const includes = await Promise.all((vs.compose?.include ?? []).map((i) => compileInclude(i, source, trail)));
  const excludes = await Promise.all((vs.compose?.exclude ?? []).map((i) => compileInclude(i, source, trail)));
  // A value set with an expansion and no compose is taken as its expansion.
  const expansion = !vs.compose && vs.expansion?.contains ? flatten(vs.expansion.contains) : undefined;
  const contains = (system: string | undefined, code: string): Tri => {
    if (expansion) return expansion.some((c) => c.code === code && (system === undefined || c.system === system));
    const included = or(includes.map((p) => p.test(system, code)));
    if (included === false) return false;
    const excluded = or(excludes.map((p) => p.test(system, code)));
    if (excluded === true) return false;
    return included === true && excluded === false ? true : undefined;
  };
  const blocked = includes.find((p) => !p.list);
  let concepts: ValueSetExpansionContains[] | undefined;
  if (expansion) concepts = expansion;
  else if (!blocked) {
    const seen = new Set<string>();
    concepts = [];
    for (const c of includes.flatMap((p) => p.list ?? [])) {
      const key = `${c.system}|${c.code}`;
      if (seen.has(key) || excludes.some((p) => p.test(c.system, c.code as string) === true)) continue;
      seen.add(key);
      concepts.push(c);
    }
  }
  const unknownSystems = [...new Set([...includes, ...excludes].flatMap((p) => p.unknownSystems))];
  return { url: vs.url, version: vs.version, contains, concepts, notEnumerable: blocked?.reason, unknownSystems };
}

function flatten(contains: ValueSetExpansionContains[]): ValueSetExpansionContains[] {
  return contains.flatMap(({ contains: nested, ...c }) => [...(c.code ? [c] : []), ...flatten(nested ?? [])]);
}
