// Reference resolution inside a member's data: by fullUrl first, else by Type/id (relative or absolute, _history removed).
import type { Resource } from '@medplum/fhirtypes';

export interface MemberEntry {
  fullUrl?: string;
  resource: Resource;
}

export interface ReferenceIndex {
  byFullUrl: Map<string, Resource>;
  byTypeId: Map<string, Resource>;
}

const TYPE_ID = /(?:^|\/)([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]*)?$/;

/** "Condition/1", "https://x/fhir/Condition/1/_history/2" -> "Condition/1"; undefined for urn:uuid:, #contained and the like. */
export function typeIdOf(reference: string): string | undefined {
  const match = TYPE_ID.exec(reference);
  return match ? `${match[1]}/${match[2]}` : undefined;
}

/** The first entry wins when a fullUrl or a Type/id occurs twice. */
export function indexEntries(entries: readonly MemberEntry[]): ReferenceIndex {
  const byFullUrl = new Map<string, Resource>();
  const byTypeId = new Map<string, Resource>();
  for (const { fullUrl, resource } of entries) {
    if (fullUrl && !byFullUrl.has(fullUrl)) byFullUrl.set(fullUrl, resource);
    if (typeof resource.id === 'string') {
      const key = `${resource.resourceType}/${resource.id}`;
      if (!byTypeId.has(key)) byTypeId.set(key, resource);
    }
  }
  return { byFullUrl, byTypeId };
}

export function resolveIn(index: ReferenceIndex, reference: unknown): Resource | undefined {
  if (typeof reference !== 'string' || reference === '') return undefined;
  const exact = index.byFullUrl.get(reference);
  if (exact) return exact;
  const key = typeIdOf(reference);
  return key ? index.byTypeId.get(key) : undefined;
}
