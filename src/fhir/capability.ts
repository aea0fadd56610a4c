// The CapabilityStatement, generated from the registry: whatever the router serves is what we advertise.
import type { CapabilityStatement, CapabilityStatementRestResource } from '@medplum/fhirtypes';
import type { Registry } from './registry.js';

/** Registry codes that are not CapabilityStatement interaction codes. */
const NOT_INTERACTIONS = new Set(['operation', 'capabilities', 'search-compartment']);

export interface CapabilityOptions {
  baseUrl: string;
  resourceTypes: string[];
  version: string;
  startedAt: string;
  /** Search parameters offered per resource type (core and the server's own SearchParameter resources). */
  searchParams: (resourceType: string) => { name: string; type: string; definition?: string }[];
}

/** FHIR JSON forbids empty arrays, so a list with nothing in it is left out. */
function nonEmpty<T>(list: T[]): T[] | undefined {
  return list.length > 0 ? list : undefined;
}

export function buildCapabilityStatement(registry: Registry, options: CapabilityOptions): CapabilityStatement {
  const codes = (level: string) =>
    registry.interactions.filter((i) => i.level === level).flatMap((i) => i.codes).filter((c) => !NOT_INTERACTIONS.has(c));
  const typeCodes = [...new Set([...codes('type'), ...codes('instance')])];
  const has = (code: string) => typeCodes.includes(code);
  const operationsFor = (type: string) =>
    registry.operations
      .filter((o) => (o.levels.includes('type') || o.levels.includes('instance')) && (o.resourceTypes === '*' || o.resourceTypes.includes(type)))
      .map((o) => ({ name: o.name, definition: o.definition.url as string }));
  const resource: CapabilityStatementRestResource[] = options.resourceTypes.map((type) => ({
    type: type as CapabilityStatementRestResource['type'],
    interaction: typeCodes.map((code) => ({ code: code as NonNullable<CapabilityStatementRestResource['interaction']>[number]['code'] })),
    versioning: 'versioned-update',
    readHistory: has('vread'),
    updateCreate: has('update'),
    conditionalCreate: has('search-type'),
    conditionalRead: 'full-support',
    conditionalUpdate: has('search-type'),
    conditionalDelete: has('search-type') ? 'single' : 'not-supported',
    operation: nonEmpty(operationsFor(type)),
    searchParam: nonEmpty(options.searchParams(type).map((p) => ({ ...p, type: p.type as 'token' }))),
    searchInclude: has('search-type') ? ['*'] : undefined,
    searchRevInclude: has('search-type') ? ['*'] : undefined,
  }));
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: options.startedAt,
    publisher: 'calaim-fhir',
    kind: 'instance',
    software: { name: 'calaim-fhir', version: options.version },
    implementation: { description: 'calaim-fhir: FHIR R4 server for CalAIM ECM and Community Supports', url: options.baseUrl },
    fhirVersion: '4.0.1',
    format: ['application/fhir+json', 'json'],
    patchFormat: ['application/json-patch+json'],
    rest: [
      {
        mode: 'server',
        resource,
        interaction: [...new Set(codes('system'))].map((code) => ({ code: code as 'transaction' })),
        operation: nonEmpty(registry.operations.filter((o) => o.levels.includes('system')).map((o) => ({ name: o.name, definition: o.definition.url as string }))),
      },
    ],
  };
}
