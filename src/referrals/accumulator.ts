// The member-level CS benefit accumulator: a Basic resource per member listing each approved use; written with If-Match to serialize approvals.
import type { Basic, Extension } from '@medplum/fhirtypes';
import type { RequestContext } from '../context.js';
import { FhirError } from '../fhir/errors.js';
import type { Repository } from '../storage/repository.js';
import type { BenefitUse } from './caps.js';
import { ACCUMULATOR_PROFILE, BASE, CS_SYSTEM, WORKFLOW_SYSTEM } from './codes.js';

export const USE_EXTENSION = `${BASE}/StructureDefinition/cs-benefit-use`;

export const accumulatorId = (patientId: string): string => `cs-accumulator-${patientId}`;

function empty(patientId: string): Basic {
  return { resourceType: 'Basic', id: accumulatorId(patientId), meta: { profile: [ACCUMULATOR_PROFILE] }, code: { coding: [{ system: WORKFLOW_SYSTEM, code: 'cs-benefit-accumulator' }] }, subject: { reference: `Patient/${patientId}` } };
}

function toExtension(use: BenefitUse): Extension {
  const parts: Extension[] = [{ url: 'service', valueCoding: { system: CS_SYSTEM, code: use.service } }];
  if (use.start || use.end) parts.push({ url: 'period', valuePeriod: { start: use.start, end: use.end } });
  if (use.cents !== undefined) parts.push({ url: 'amount', valueMoney: { value: use.cents / 100, currency: 'USD' } });
  parts.push({ url: 'authorization', valueReference: { reference: use.authorization } });
  if (use.changeOfCircumstances) parts.push({ url: 'changeOfCircumstances', valueBoolean: true });
  return { url: USE_EXTENSION, extension: parts };
}

function fromExtension(ext: Extension): BenefitUse {
  const part = (url: string) => ext.extension?.find((e) => e.url === url);
  const money = part('amount')?.valueMoney?.value;
  return {
    service: part('service')?.valueCoding?.code ?? '',
    start: part('period')?.valuePeriod?.start,
    end: part('period')?.valuePeriod?.end,
    cents: money === undefined ? undefined : Math.round(money * 100),
    authorization: part('authorization')?.valueReference?.reference ?? '',
    changeOfCircumstances: part('changeOfCircumstances')?.valueBoolean,
  };
}

/** Creates the member's empty accumulator if absent (its own write, so later approvals can all lock one existing row). */
export async function ensureAccumulator(repo: Repository, ctx: RequestContext, patientId: string): Promise<void> {
  if (await repo.readCurrent(ctx, 'Basic', accumulatorId(patientId))) return;
  try {
    await repo.create(ctx, empty(patientId), { id: accumulatorId(patientId) });
  } catch (err) {
    if (!(err instanceof FhirError && (err.status === 409 || err.status === 412))) throw err;
  }
}

export async function readAccumulator(repo: Repository, ctx: RequestContext, patientId: string): Promise<{ uses: BenefitUse[]; versionId?: string; resource: Basic }> {
  const current = await repo.readCurrent(ctx, 'Basic', accumulatorId(patientId));
  const resource = (current?.resource as Basic | undefined) ?? empty(patientId);
  const uses = (resource.extension ?? []).filter((e) => e.url === USE_EXTENSION).map(fromExtension);
  return { uses, versionId: current?.deleted ? undefined : current?.versionId, resource };
}

/** Appends a use; a concurrent approval for the same member makes this a 412, and the caller retries. An accumulator written before it claimed its profile gets the claim now. */
export async function appendUse(repo: Repository, ctx: RequestContext, read: { resource: Basic; versionId?: string }, use: BenefitUse): Promise<void> {
  const profiles = read.resource.meta?.profile ?? [];
  const meta = { ...read.resource.meta, profile: profiles.includes(ACCUMULATOR_PROFILE) ? profiles : [...profiles, ACCUMULATOR_PROFILE] };
  const next: Basic = { ...read.resource, meta, extension: [...(read.resource.extension ?? []), toExtension(use)] };
  await repo.update(ctx, next, read.versionId ? { ifMatch: read.versionId } : {});
}
