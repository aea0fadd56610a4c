// Checks every content file against the base specification and against each other (npm run content:check).
import type { CodeSystem, ConceptMap, SearchParameter, StructureDefinition, ValueSet } from '@medplum/fhirtypes';
import fhirpath from 'fhirpath';
import { isDeepStrictEqual } from 'node:util';
import { requiredBindingIssues } from '../validation/base-bindings.js';
import { validateBase } from '../validation/base-validator.js';
import { coreStructureDefinition } from '../validation/profile/core-definitions.js';
import { generateSnapshots } from '../validation/profile/snapshot.js';
import { lexicalSystem } from '../terminology/lexical.js';
import { fileTerminology } from './file-terminology.js';
import type { ContentFile } from './files.js';

export interface Problem {
  file: string;
  message: string;
}

/** Code systems we reference but deliberately do not hold (their content is licensed or external). */
const EXTERNAL_SYSTEMS = new Set(['http://snomed.info/sct', 'http://loinc.org', 'urn:oid:2.16.840.1.113883.6.238', 'http://hl7.org/fhir/us/sdoh-clinicalcare/CodeSystem/SDOHCC-CodeSystemTemporaryCodes']);

function isError(i: { severity?: string }): boolean {
  return i.severity === 'error' || i.severity === 'fatal';
}

/** The base specification, required bindings included (against the content's own terminology, then the R4 core). */
async function checkBase(files: ContentFile[], problems: Problem[]): Promise<void> {
  const terminology = fileTerminology(files);
  for (const f of files) {
    const issues = [...validateBase(f.resource), ...(await requiredBindingIssues(f.resource, async () => terminology))];
    for (const i of issues.filter(isError)) problems.push({ file: f.file, message: `${i.expression?.join(', ') ?? ''}: ${i.diagnostics ?? i.details?.text}` });
  }
}

/** Each committed snapshot must be exactly what its differential generates. */
function checkSnapshots(files: ContentFile[], problems: Problem[]): void {
  const sds = files.filter((f) => f.resource.resourceType === 'StructureDefinition' && (f.resource as StructureDefinition).differential);
  let generated: StructureDefinition[];
  try {
    generated = generateSnapshots(sds.map((f) => f.resource as StructureDefinition), coreStructureDefinition);
  } catch (err) {
    problems.push({ file: 'profiles/', message: `snapshot generation failed: ${(err as Error).message}` });
    return;
  }
  generated.forEach((sd, i) => {
    if (!isDeepStrictEqual(sd.snapshot, (sds[i].resource as StructureDefinition).snapshot)) {
      problems.push({ file: sds[i].file, message: 'snapshot is not the one its differential generates (run npm run content:snapshots)' });
    }
  });
}

async function checkReferences(files: ContentFile[], problems: Problem[]): Promise<void> {
  const terminology = fileTerminology(files);
  const knownSystem = async (system: string) => EXTERNAL_SYSTEMS.has(system) || !!lexicalSystem(system) || !!(await terminology.codeSystem(system));
  for (const f of files) {
    const r = f.resource;
    if (r.resourceType === 'StructureDefinition') {
      for (const e of (r as StructureDefinition).snapshot?.element ?? []) {
        const vs = e.binding?.strength === 'required' ? e.binding.valueSet : undefined;
        if (vs && !(await terminology.valueSet(vs)) && !vs.startsWith('http://hl7.org/fhir/ValueSet/')) problems.push({ file: f.file, message: `${e.id}: required binding to unknown ValueSet ${vs}` });
      }
    }
    if (r.resourceType === 'ValueSet') {
      for (const inc of [...((r as ValueSet).compose?.include ?? []), ...((r as ValueSet).compose?.exclude ?? [])]) {
        if (inc.system && !(await knownSystem(inc.system))) problems.push({ file: f.file, message: `unknown code system ${inc.system}` });
        for (const url of inc.valueSet ?? []) if (!(await terminology.valueSet(url))) problems.push({ file: f.file, message: `unknown value set ${url}` });
        const index = inc.system ? await terminology.codeSystem(inc.system) : undefined;
        for (const c of inc.concept ?? []) if (index?.content === 'complete' && !index.get(c.code as string)) problems.push({ file: f.file, message: `${inc.system}#${c.code} is not in its code system` });
      }
      const compiled = await terminology.compiled((r as ValueSet).url as string);
      if (!compiled) problems.push({ file: f.file, message: 'value set cannot be compiled' });
    }
    if (r.resourceType === 'CodeSystem') {
      const cs = r as CodeSystem;
      const codes = (cs.concept ?? []).map((c) => c.code);
      if (new Set(codes).size !== codes.length) problems.push({ file: f.file, message: 'duplicate codes' });
      if (cs.count !== undefined && cs.count !== codes.length) problems.push({ file: f.file, message: `count ${cs.count} but ${codes.length} concepts` });
    }
    if (r.resourceType === 'ConceptMap') {
      for (const group of (r as ConceptMap).group ?? []) {
        const source = await terminology.codeSystem(group.source as string);
        const target = await terminology.codeSystem(group.target as string);
        for (const el of group.element ?? []) {
          if (!source?.get(el.code as string)) problems.push({ file: f.file, message: `source ${group.source}#${el.code} is unknown` });
          for (const t of el.target ?? []) if (!target?.get(t.code as string)) problems.push({ file: f.file, message: `target ${group.target}#${t.code} is unknown` });
        }
      }
    }
    if (r.resourceType === 'SearchParameter') {
      try {
        fhirpath.parse((r as SearchParameter).expression as string);
      } catch (err) {
        problems.push({ file: f.file, message: `expression does not parse: ${(err as Error).message}` });
      }
    }
  }
}

export async function checkContent(files: ContentFile[]): Promise<Problem[]> {
  const problems: Problem[] = [];
  await checkBase(files, problems);
  checkSnapshots(files, problems);
  await checkReferences(files, problems);
  return problems;
}
