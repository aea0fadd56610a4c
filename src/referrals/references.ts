// Reference helpers: "Type/id" from relative or absolute references, and the Organization behind a requester or owner.
import type { PractitionerRole, Reference } from '@medplum/fhirtypes';
import type { RequestContext } from '../context.js';
import type { Repository } from '../storage/repository.js';

/** "Organization/x" for "Organization/x", "https://host/fhir/Organization/x" or ".../Organization/x/_history/2"; undefined otherwise. */
export function localRef(reference: string | undefined): string | undefined {
  if (!reference) return undefined;
  const match = /(?:^|\/)([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/.exec(reference);
  return match ? `${match[1]}/${match[2]}` : undefined;
}

export function refId(reference: string | undefined, type: string): string | undefined {
  const local = localRef(reference);
  return local?.startsWith(`${type}/`) ? local.slice(type.length + 1) : undefined;
}

/** The Organization a requester/owner reference stands for: itself, or a PractitionerRole's organization. */
export async function organizationOf(repo: Repository, ctx: RequestContext, ref: Reference | undefined): Promise<string | undefined> {
  const local = localRef(ref?.reference);
  if (!local) return undefined;
  if (local.startsWith('Organization/')) return local;
  if (local.startsWith('PractitionerRole/')) {
    const current = await repo.readCurrent(ctx, 'PractitionerRole', local.slice('PractitionerRole/'.length));
    return localRef((current?.resource as PractitionerRole | undefined)?.organization?.reference);
  }
  return undefined;
}
