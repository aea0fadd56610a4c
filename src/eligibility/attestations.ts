// Attestations: Observations coded from ecm-attestation (or community-support) with a valueBoolean; the latest decides.
import type { Observation, Resource } from '@medplum/fhirtypes';
import { dayRange, type Day } from './calendar.js';
import { observationDate } from './resource-dates.js';

const FINAL = new Set(['final', 'amended', 'corrected']);

interface Dated {
  /** The last day the effective date covers (a partial date counts as its last day when ordering). */
  hi: Day;
  observation: Observation;
}

/** Attestations grouped by "system|code", built once per collection of resources (rules ask for many codes). */
const indexes = new WeakMap<readonly Resource[], Map<string, Dated[]>>();

function index(resources: readonly Resource[]): Map<string, Dated[]> {
  let byCode = indexes.get(resources);
  if (byCode) return byCode;
  byCode = new Map();
  for (const resource of resources) {
    if (typeof resource !== 'object' || resource === null || resource.resourceType !== 'Observation') continue;
    const o = resource as Observation;
    if (!FINAL.has(o.status as string) || typeof o.valueBoolean !== 'boolean' || !Array.isArray(o.code?.coding)) continue;
    const range = dayRange(observationDate(o));
    if (!range) continue;
    const seen = new Set<string>();
    for (const c of o.code.coding) {
      const key = `${c?.system}|${c?.code}`;
      if (seen.has(key)) continue;
      seen.add(key);
      let list = byCode.get(key);
      if (!list) byCode.set(key, (list = []));
      list.push({ hi: range.hi, observation: o });
    }
  }
  indexes.set(resources, byCode);
  return byCode;
}

/**
 * The attestations that decide a fact at asOf: among those dated on or before asOf (a partial date must be wholly before),
 * the latest by calendar date, a partial date counting as its last day. On a tie `false` wins, so the result is either the
 * latest `false` ones or, when there is none, the latest `true` ones.
 */
export function decidingAttestations(resources: readonly Resource[], system: string, code: string, asOf: Day): Observation[] {
  const candidates = index(resources).get(`${system}|${code}`);
  if (!candidates) return [];
  let latest = Number.NEGATIVE_INFINITY;
  let deciding: Observation[] = [];
  for (const { hi, observation } of candidates) {
    if (hi > asOf) continue;
    if (hi > latest) {
      latest = hi;
      deciding = [observation];
    } else if (hi === latest) deciding.push(observation);
  }
  const negative = deciding.filter((o) => o.valueBoolean === false);
  return negative.length ? negative : deciding;
}
