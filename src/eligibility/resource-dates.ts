// Which element is "the date" of a resource in the contract (Condition onset/recorded, abatement, Observation effective, Encounter start).
import type { Resource } from '@medplum/fhirtypes';

type Loose = Record<string, unknown>;

function start(period: unknown): unknown {
  return typeof period === 'object' && period !== null ? (period as Loose).start : undefined;
}

/** onsetDateTime, else onsetPeriod.start, else recordedDate (onsetAge, onsetRange and onsetString count as absent). */
export function conditionDate(condition: Resource): unknown {
  const c = condition as unknown as Loose;
  return c.onsetDateTime ?? start(c.onsetPeriod) ?? c.recordedDate;
}

/** abatementDateTime, else abatementPeriod.start. */
export function abatementDate(condition: Resource): unknown {
  const c = condition as unknown as Loose;
  return c.abatementDateTime ?? start(c.abatementPeriod);
}

/** effectiveDateTime, else effectivePeriod.start, else effectiveInstant. */
export function observationDate(observation: Resource): unknown {
  const o = observation as unknown as Loose;
  return o.effectiveDateTime ?? start(o.effectivePeriod) ?? o.effectiveInstant;
}

/** The date a rule means by "its date": Condition and Observation as above, Encounter period.start (the admission). */
export function eventDate(resource: Resource): unknown {
  switch (resource.resourceType) {
    case 'Condition':
      return conditionDate(resource);
    case 'Observation':
      return observationDate(resource);
    case 'Encounter':
    case 'EpisodeOfCare':
      return start((resource as unknown as Loose).period);
    default:
      return undefined;
  }
}
