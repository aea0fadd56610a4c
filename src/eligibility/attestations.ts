// Attestations: Observations coded from ecm-attestation (or community-support) with a valueBoolean; the latest decides.
import type { Observation, Resource } from '@medplum/fhirtypes';
import { dayRange, type Day } from './calendar.js';
import { observationDate } from './resource-dates.js';

const FINAL = new Set(['final', 'amended', 'corrected']);

function isAttestation(resource: Resource, system: string, code: string): resource is Observation {
  if (resource.resourceType !== 'Observation') return false;
  const o = resource as Observation;
  if (!FINAL.has(o.status as string) || typeof o.valueBoolean !== 'boolean') return false;
  return Array.isArray(o.code?.coding) && o.code.coding.some((c) => c?.system === system && c?.code === code);
}

/**
 * The attestations that decide a fact at asOf: among those dated on or before asOf (a partial date must be wholly before),
 * the latest by calendar date, a partial date counting as its last day. On a tie `false` wins, so the result is either the
 * latest `false` ones or, when there is none, the latest `true` ones.
 */
export function decidingAttestations(resources: readonly Resource[], system: string, code: string, asOf: Day): Observation[] {
  let latest = Number.NEGATIVE_INFINITY;
  let deciding: Observation[] = [];
  for (const resource of resources) {
    if (!isAttestation(resource, system, code)) continue;
    const range = dayRange(observationDate(resource));
    if (!range || range.hi > asOf) continue;
    if (range.hi > latest) {
      latest = range.hi;
      deciding = [resource];
    } else if (range.hi === latest) deciding.push(resource);
  }
  const negative = deciding.filter((o) => o.valueBoolean === false);
  return negative.length ? negative : deciding;
}
