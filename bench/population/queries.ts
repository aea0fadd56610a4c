// The search workloads of the benchmark, each a list of request paths whose parameter values come from a sample of the population.
import type { Resource, Task } from '@medplum/fhirtypes';
import { CIN_SYSTEM, member, rngFor, type Member, type PopulationSpec } from './generate.js';

export interface Workload {
  name: string;
  /** The query shape, as the issue writes it. */
  shape: string;
  /** Request paths (under the server root, /fhir/...), cycled through by the load generator. */
  paths: string[];
}

export interface SampleOptions {
  spec: PopulationSpec;
  members: number;
  /** Range of Task last_updated in the loaded database (load time), for _lastUpdated=gt… values. */
  taskUpdated: { min: number; max: number };
  variants: number;
}

const q = encodeURIComponent;
const refId = (reference: string | undefined) => reference?.split('/')[1] ?? '';

/** Regenerates a random sample of members (the generator is deterministic per member, so no database reads are needed). */
function sampleMembers(spec: PopulationSpec, members: number, wanted: number): Member[] {
  const rng = rngFor(`${spec.seed}:bench-sample`);
  return Array.from({ length: wanted }, () => member(spec, rng.int(members)));
}

export function searchWorkloads(options: SampleOptions): Workload[] {
  const { spec, members, taskUpdated, variants } = options;
  const rng = rngFor(`${spec.seed}:bench-values`);
  const sample = sampleMembers(spec, members, Math.max(variants, 200));
  const tasks: Task[] = sample.flatMap((m) => m.referrals.flatMap((r) => r.tasks));
  const owned = tasks.filter((t) => t.owner);
  const referrals = sample.flatMap((m) => m.referrals).filter((r) => r.tasks.length > 0);
  const times = (n: number, make: () => string) => Array.from({ length: n }, make);
  const span = taskUpdated.max - taskUpdated.min;
  const resourcePick = <T extends Resource>(items: T[]) => rng.pick(items);

  return [
    {
      name: 'task-owner-status-updated',
      shape: 'Task?owner=Organization/x&status=requested&_lastUpdated=gt…',
      paths: times(variants, () => {
        const owner = resourcePick(owned).owner?.reference as string;
        // A poll "since my last look": windows log-uniform from 0.1% to all of the update span (hours to the whole history).
        const since = new Date(taskUpdated.max - span * Math.pow(10, -3 * rng.next())).toISOString();
        return `/fhir/Task?owner=${q(owner)}&status=requested&_lastUpdated=gt${q(since)}`;
      }),
    },
    {
      name: 'task-unowned-requested',
      shape: 'Task?owner:missing=true&status=requested',
      // No value to vary: the benchmark walks its pages instead (see pagedPaths), so rows differ per request.
      paths: ['/fhir/Task?owner:missing=true&status=requested'],
    },
    {
      name: 'task-ids-include-focus',
      shape: 'Task?_id=a,b&_include=Task:focus',
      paths: times(variants, () => `/fhir/Task?_id=${resourcePick(tasks).id},${resourcePick(tasks).id}&_include=Task:focus`),
    },
    {
      name: 'sr-patient-category-revinclude',
      shape: 'ServiceRequest?patient=…&category=…&_revinclude=Task:focus',
      paths: times(variants, () => {
        const sr = rng.pick(referrals).serviceRequest;
        const coding = rng.pick(sr.category ?? [])?.coding?.[0];
        return `/fhir/ServiceRequest?patient=${q(`Patient/${refId(sr.subject?.reference)}`)}&category=${q(`${coding?.system}|${coding?.code}`)}&_revinclude=Task:focus`;
      }),
    },
    {
      name: 'patient-identifier-cin',
      shape: 'Patient?identifier=<CIN system>|<CIN>',
      paths: times(variants, () => {
        const cin = rng.pick(sample).patient.identifier?.find((i) => i.system === CIN_SYSTEM)?.value as string;
        return `/fhir/Patient?identifier=${q(`${CIN_SYSTEM}|${cin}`)}`;
      }),
    },
    {
      name: 'patient-name-prefix',
      shape: 'Patient?name=<prefix>',
      paths: times(variants, () => {
        const name = rng.pick(sample).patient.name?.[0];
        const word = rng.chance(0.6) ? (name?.family as string) : (name?.given?.[0] as string);
        return `/fhir/Patient?name=${q(word.slice(0, Math.min(word.length, 3 + rng.int(4))))}`;
      }),
    },
    {
      name: 'patient-birthdate',
      shape: 'Patient?birthdate=<date>',
      paths: times(variants, () => `/fhir/Patient?birthdate=${rng.pick(sample.filter((m) => m.patient.birthDate)).patient.birthDate}`),
    },
    {
      name: 'task-focus-chain-code',
      shape: 'Task?focus:ServiceRequest.code=…',
      paths: times(variants, () => {
        const coding = rng.pick(referrals).serviceRequest.code?.coding?.[0];
        return `/fhir/Task?focus:ServiceRequest.code=${q(`${coding?.system}|${coding?.code}`)}`;
      }),
    },
  ];
}

/** Follows next links from a first page: the pages a client walking the result set would request. */
export async function pagedPaths(root: string, first: string, maxPages: number): Promise<string[]> {
  const paths = [first];
  let url: string | undefined = `${root}${first}`;
  while (url && paths.length < maxPages) {
    const response = await fetch(url, { headers: { accept: 'application/fhir+json' } });
    if (!response.ok) throw new Error(`GET ${url} returned ${response.status}: ${await response.text()}`);
    const bundle = (await response.json()) as { link?: { relation: string; url: string }[] };
    const next = bundle.link?.find((l) => l.relation === 'next')?.url;
    url = next;
    if (next) paths.push(new URL(next).pathname + new URL(next).search);
  }
  return paths;
}
