// Write-pipeline step for SearchParameter resources: only definitions the search engine can use are stored.
import { parseFhirPath } from '@medplum/core';
import type { Resource, SearchParameter } from '@medplum/fhirtypes';
import { isKnownResourceType } from '../fhir/definitions.js';
import { unprocessable } from '../fhir/errors.js';
import type { WriteHooks } from '../storage/repository.js';

const SEARCHABLE = ['token', 'string', 'reference', 'date', 'number', 'quantity', 'uri', 'composite'];

export function checkSearchParameter(sp: SearchParameter): void {
  if (!sp.code || !/^[A-Za-z_][A-Za-z0-9\-_.]*$/.test(sp.code)) throw unprocessable('SearchParameter.code must be a parameter name such as "business-status"', 'SearchParameter.code');
  for (const [i, base] of ((sp.base ?? []) as string[]).entries()) {
    if (base !== 'Resource' && base !== 'DomainResource' && !isKnownResourceType(base)) throw unprocessable(`Unknown base resource type "${base}"`, `SearchParameter.base[${i}]`);
  }
  if (sp.type && !SEARCHABLE.includes(sp.type) && sp.type !== 'special') throw unprocessable(`Unsupported type "${sp.type}"`, 'SearchParameter.type');
  if (sp.type !== 'special' && sp.type !== 'composite' && !sp.expression) throw unprocessable('SearchParameter.expression is required for the server to index it', 'SearchParameter.expression');
  if (sp.expression) {
    try {
      parseFhirPath(sp.expression);
    } catch (err) {
      throw unprocessable(`SearchParameter.expression is not valid FHIRPath: ${(err as Error).message}`, 'SearchParameter.expression');
    }
  }
}

export const searchParameterCheck: WriteHooks = {
  beforeWrite(_ctx, resource: Resource) {
    if (resource.resourceType === 'SearchParameter') checkSearchParameter(resource);
  },
};
