// Attestations: Observations coded from ecm-attestation (or community-support) with a valueBoolean; the latest decides.
import type { Observation, Resource } from '@medplum/fhirtypes';
import { dayRange, type Day } from './calendar.js';
import { observationDate } from './resource-dates.js';

const FINAL = new Set(['final', 'amended', 'corrected']);
const NONE: Observation[] = Object.freeze([]) as unknown as Observation[];

interface Dated {
  /** The last day the effective date covers (a partial date counts as its last day when ordering). */
  hi: Day;
  observation: Observation;
}

type Index = Map<string, Map<string, Dated[]>>;

/** Attestations grouped by system and code, built once per collection of resources (rules ask for many codes). */
const indexes = new WeakMap<readonly Resource[], Index>();

function index(resources: readonly Resource[]): Index {
  let byCode = indexes.get(resources);
  if (byCode) return byCode;
  byCode = new Map();
  for (const resource of resources) {
    if (typeof resource !== 'object' || resource === null || resource.resourceType !== 'Observation') continue;
    const o = resource as Observation;
    if (!FINAL.has(o.status as string) || typeof o.valueBoolean !== 'boolean' || !Array.isArray(o.code?.coding)) continue;
    const range = dayRange(observationDate(o));
    if (!range) continue;
    const dated = { hi: range.hi, observation: o };
    for (const c of o.code.coding) {
      if (typeof c?.system !== 'string' || typeof c.code !== 'string') continue;
      let codes = byCode.get(c.system);
      if (!codes) byCode.set(c.system, (codes = new Map()));
      let list = codes.get(c.code);
      if (!list) codes.set(c.code, (list = []));
      // The same coding twice on one Observation counts once.
      if (list[list.length - 1] !== dated) list.push(dated);
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
  const candidates = index(resources).get(system)?.get(code);
  if (!candidates) return NONE;
  let latest = Number.NEGATIVE_INFINITY;
  let falses = 0;
  for (const { hi, observation } of candidates) {
    if (hi > asOf || hi < latest) continue;
    if (hi > latest) [latest, falses] = [hi, 0];
    if (observation.valueBoolean === false) falses++;
  }
  if (latest === Number.NEGATIVE_INFINITY) return NONE;
  const deciding: Observation[] = [];
  for (const { hi, observation } of candidates) if (hi === latest && (falses === 0 || observation.valueBoolean === false)) deciding.push(observation);
  return deciding;
}
