// ConceptMap $translate: the concepts a code maps to (or, reversed, the source concepts that map to it), with their equivalence.
import type { Coding, ConceptMap, ConceptMapGroup, ParametersParameter } from '@medplum/fhirtypes';

export interface TranslateRequest {
  /** The codings to translate (a code with its system, a Coding, or each coding of a CodeableConcept). */
  codings: Coding[];
  /** Only groups mapping to this code system (from it, when reversed). */
  targetSystem?: string;
  /** Translate from a map's targets back to its sources. */
  reverse: boolean;
}

export interface TranslateMatch {
  equivalence: string;
  concept: Coding;
  product: { element: string; concept: Coding }[];
  /** Canonical URL of the concept map that supplied the match. */
  source?: string;
}

export interface TranslateResult {
  result: boolean;
  message?: string;
  matches: TranslateMatch[];
}

/** The concept map named by a group's unmapped.url (mode other-map); undefined when unknown. */
export type MapResolver = (url: string) => Promise<ConceptMap | undefined>;

/** Read from the other side, a wider target is a narrower source and so on. */
const INVERSE: Record<string, string> = { wider: 'narrower', narrower: 'wider', subsumes: 'specializes', specializes: 'subsumes' };
/** Matches that say the concepts do not correspond. */
const NOT_A_TRANSLATION = new Set(['unmatched', 'disjoint']);

const bare = (canonical: string | undefined): string | undefined => canonical?.split('|')[0];

function coding(system: string | undefined, version: string | undefined, code: string | undefined, display: string | undefined): Coding {
  return { ...(system ? { system } : {}), ...(version ? { version } : {}), ...(code ? { code } : {}), ...(display ? { display } : {}) };
}

/** The value sets a map translates from and to, without versions. */
export function mapScope(map: ConceptMap): { source?: string; target?: string } {
  return { source: bare(map.sourceUri ?? map.sourceCanonical), target: bare(map.targetUri ?? map.targetCanonical) };
}

async function translateInGroup(map: ConceptMap, group: ConceptMapGroup, input: Coding, request: TranslateRequest, resolve: MapResolver, trail: string[]): Promise<TranslateMatch[]> {
  const [from, to, toVersion] = request.reverse ? [group.target, group.source, group.sourceVersion] : [group.source, group.target, group.targetVersion];
  if (input.system && from && input.system !== from) return [];
  if (request.targetSystem && to !== request.targetSystem) return [];
  const source = map.url;
  const matches: TranslateMatch[] = [];
  for (const element of group.element ?? []) {
    for (const target of element.target ?? []) {
      const product = (target.product ?? []).map((p) => ({ element: p.property as string, concept: coding(p.system, undefined, p.value, p.display) }));
      if (!request.reverse && element.code === input.code) {
        matches.push({ equivalence: target.equivalence as string, concept: coding(to, toVersion, target.code, target.display), product, source });
      } else if (request.reverse && target.code === input.code) {
        const equivalence = target.equivalence as string;
        matches.push({ equivalence: INVERSE[equivalence] ?? equivalence, concept: coding(to, toVersion, element.code, element.display), product, source });
      }
    }
  }
  if (matches.length > 0 || request.reverse || !group.unmapped) return matches;
  // Nothing mapped: the group says what an unmapped source code becomes.
  const unmapped = group.unmapped;
  if (unmapped.mode === 'provided') return [{ equivalence: 'equal', concept: coding(to, toVersion, input.code, input.display), product: [], source }];
  if (unmapped.mode === 'fixed') return [{ equivalence: 'equivalent', concept: coding(to, toVersion, unmapped.code, unmapped.display), product: [], source }];
  if (unmapped.mode === 'other-map' && unmapped.url && !trail.includes(bare(unmapped.url) as string)) {
    const other = await resolve(unmapped.url);
    if (other) return translateWithMap(other, input, request, resolve, trail);
  }
  return [];
}

async function translateWithMap(map: ConceptMap, input: Coding, request: TranslateRequest, resolve: MapResolver, trail: string[]): Promise<TranslateMatch[]> {
  const matches: TranslateMatch[] = [];
  for (const group of map.group ?? []) matches.push(...(await translateInGroup(map, group, input, request, resolve, [...trail, bare(map.url) ?? ''])));
  return matches;
}

function label(c: Coding): string {
  return c.system ? `${c.system}#${c.code}` : `"${c.code}"`;
}

/**
 * Translates each coding with each map, in order; duplicate matches are dropped. result is true when some match is a
 * translation (an equivalence other than unmatched or disjoint); otherwise message says why not.
 */
export async function translate(maps: ConceptMap[], request: TranslateRequest, resolve: MapResolver): Promise<TranslateResult> {
  const matches: TranslateMatch[] = [];
  const seen = new Set<string>();
  for (const input of request.codings) {
    if (!input.code) continue;
    for (const map of maps) {
      for (const match of await translateWithMap(map, input, request, resolve, [])) {
        const key = JSON.stringify([match.equivalence, match.concept.system, match.concept.code, match.source, match.product]);
        if (seen.has(key)) continue;
        seen.add(key);
        matches.push(match);
      }
    }
  }
  const result = matches.some((m) => !NOT_A_TRANSLATION.has(m.equivalence));
  if (result) return { result, matches };
  const what = request.codings.filter((c) => c.code).map(label).join(', ');
  const where = maps.length === 1 ? `ConceptMap ${maps[0].url}` : maps.length === 0 ? 'any ConceptMap the server holds (none applies)' : `the ${maps.length} ConceptMaps that apply`;
  const direction = request.reverse ? ' (reverse)' : '';
  const message = matches.length > 0 ? `${what} maps only as ${[...new Set(matches.map((m) => m.equivalence))].join(', ')} in ${where}` : `No translation${direction} of ${what} in ${where}`;
  return { result, message, matches };
}

/** The $translate output parameters. */
export function translateParameters(result: TranslateResult): ParametersParameter[] {
  return [
    { name: 'result', valueBoolean: result.result },
    ...(result.message ? [{ name: 'message', valueString: result.message }] : []),
    ...result.matches.map((m) => ({
      name: 'match',
      part: [
        { name: 'equivalence', valueCode: m.equivalence },
        { name: 'concept', valueCoding: m.concept },
        ...m.product.map((p) => ({ name: 'product', part: [{ name: 'element', valueUri: p.element }, { name: 'concept', valueCoding: p.concept }] })),
        ...(m.source ? [{ name: 'source', valueUri: m.source }] : []),
      ],
    })),
  ];
}
