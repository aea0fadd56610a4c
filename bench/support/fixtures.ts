// Request bodies for the CRUD benchmark: a realistic CalAIM member Patient (~1 KB) and a 20-entry transaction.
import type { Bundle, BundleEntry, Observation, Patient } from '@medplum/fhirtypes';

/** A Medi-Cal member; n varies the identifying fields so no two bodies are alike. */
export function patient(n: number): Patient {
  return {
    resourceType: 'Patient',
    identifier: [
      { system: 'https://www.dhcs.ca.gov/cin', value: `9${String(n).padStart(8, '0')}A` },
      { system: 'urn:oid:2.16.840.1.113883.4.1', value: `900-${String(n % 100).padStart(2, '0')}-${String(n % 10000).padStart(4, '0')}` },
    ],
    active: true,
    name: [{ use: 'official', family: `Member${n}`, given: ['Alex', 'Jordan'] }],
    telecom: [
      { system: 'phone', value: `(916) 555-${String(n % 10000).padStart(4, '0')}`, use: 'mobile' },
      { system: 'email', value: `member${n}@example.org`, use: 'home' },
    ],
    gender: n % 2 === 0 ? 'female' : 'male',
    birthDate: `19${50 + (n % 50)}-0${1 + (n % 9)}-1${n % 10}`,
    address: [{ use: 'home', line: [`${100 + (n % 900)} Capitol Mall`, 'Apt 4'], city: 'Sacramento', state: 'CA', postalCode: '95814', country: 'US' }],
    maritalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-MaritalStatus', code: 'S', display: 'Never Married' }] },
    communication: [{ language: { coding: [{ system: 'urn:ietf:bcp:47', code: 'es', display: 'Spanish' }] }, preferred: true }],
    generalPractitioner: [{ reference: 'Organization/ecm-provider-1', display: 'ECM Provider One' }],
    managingOrganization: { reference: 'Organization/mcp-a', display: 'Medi-Cal Managed Care Plan A' },
  };
}

/** The same member claiming the Medi-Cal member profile (CIN on the server's identifier system), so each write is also profile-validated. */
export function profiledPatient(n: number): Patient {
  const base = patient(n);
  const [cin, ...others] = base.identifier ?? [];
  return {
    ...base,
    meta: { profile: ['https://calaim-fhir.dev/fhir/StructureDefinition/medi-cal-member'] },
    identifier: [{ ...cin, system: 'https://calaim-fhir.dev/fhir/sid/cin' }, ...others],
  };
}

/** A PHQ-9 total score for a member. */
function observation(n: number, subject: string): Observation {
  return {
    resourceType: 'Observation',
    status: 'final',
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'survey' }] }],
    code: { coding: [{ system: 'http://loinc.org', code: '44261-6', display: 'Patient Health Questionnaire 9 item (PHQ-9) total score' }] },
    subject: { reference: subject },
    effectiveDateTime: '2026-01-15T10:00:00Z',
    valueQuantity: { value: n % 28, unit: '{score}', system: 'http://unitsofmeasure.org', code: '{score}' },
  };
}

/** A transaction of 10 new Patients and 10 Observations that reference them through urn:uuid fullUrls. */
export function transactionBundle(n: number, size = 20): Bundle {
  const pairs = Math.floor(size / 2);
  const entry: BundleEntry[] = [];
  for (let i = 0; i < pairs; i++) {
    const fullUrl = `urn:uuid:00000000-0000-4000-8000-${String(n).padStart(8, '0')}${String(i).padStart(4, '0')}`;
    entry.push({ fullUrl, resource: patient(n * pairs + i), request: { method: 'POST', url: 'Patient' } });
    entry.push({ resource: observation(n + i, fullUrl), request: { method: 'POST', url: 'Observation' } });
  }
  return { resourceType: 'Bundle', type: 'transaction', entry };
}
