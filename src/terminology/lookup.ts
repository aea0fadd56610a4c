// CodeSystem $lookup: a concept's display, designations and properties.
import type { Parameters, ParametersParameter } from '@medplum/fhirtypes';
import type { CodeSystemIndex } from './code-system-index.js';

/** The $lookup output for one concept, or undefined when the code is not in the code system. */
export function lookupConcept(index: CodeSystemIndex, code: string, properties: string[] = []): Parameters | undefined {
  const entry = index.get(code);
  if (!entry) return undefined;
  const wanted = (p: string) => properties.length === 0 || properties.includes(p);
  const parameter: ParametersParameter[] = [{ name: 'name', valueString: index.name ?? index.url }];
  if (index.version) parameter.push({ name: 'version', valueString: index.version });
  parameter.push({ name: 'display', valueString: entry.display ?? entry.code });
  if (entry.definition && wanted('definition')) parameter.push({ name: 'property', part: [{ name: 'code', valueCode: 'definition' }, { name: 'value', valueString: entry.definition }] });
  for (const d of entry.designation ?? []) {
    parameter.push({
      name: 'designation',
      part: [...(d.language ? [{ name: 'language', valueCode: d.language }] : []), ...(d.use ? [{ name: 'use', valueCoding: d.use }] : []), { name: 'value', valueString: d.value }],
    });
  }
  for (const parent of entry.parents) if (wanted('parent')) parameter.push({ name: 'property', part: [{ name: 'code', valueCode: 'parent' }, { name: 'value', valueCode: parent }] });
  for (const child of entry.children) if (wanted('child')) parameter.push({ name: 'property', part: [{ name: 'code', valueCode: 'child' }, { name: 'value', valueCode: child }] });
  for (const p of entry.property) {
    if (!wanted(p.code as string) || p.code === 'parent' || p.code === 'child') continue;
    const { code, ...value } = p;
    parameter.push({ name: 'property', part: [{ name: 'code', valueCode: code }, { name: 'value', ...value }] as ParametersParameter[] });
  }
  return { resourceType: 'Parameters', parameter };
}
