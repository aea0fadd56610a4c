// R4 resource type names from fhirpath.js's model, to tell `ofType(Condition)` and `%Condition` from other names.
import r4 from 'fhirpath/fhir-context/r4';

const parents = (r4 as unknown as { type2Parent: Record<string, string> }).type2Parent;
const known = new Map<string, boolean>();

export function isKnownResourceType(name: string): boolean {
  let result = known.get(name);
  if (result === undefined) {
    let type: string | undefined = name;
    while (type !== undefined && type !== 'Resource') type = parents[type];
    result = type === 'Resource' && name !== 'DomainResource';
    known.set(name, result);
  }
  return result;
}
