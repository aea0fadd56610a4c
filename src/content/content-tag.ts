// The meta.tag that marks a resource as loaded from a content file, carrying the file content's hash.
import type { Coding, Resource } from '@medplum/fhirtypes';

export const CONTENT_TAG_SYSTEM = 'https://calaim-fhir.dev/fhir/CodeSystem/content-file';

export function contentTag(resource: Resource | undefined): Coding | undefined {
  return resource?.meta?.tag?.find((t) => t.system === CONTENT_TAG_SYSTEM);
}

/** The resource with our tag (code = content hash, display = file) replacing any earlier one. */
export function withContentTag<T extends Resource>(resource: T, hash: string, file: string): T {
  const others = (resource.meta?.tag ?? []).filter((t) => t.system !== CONTENT_TAG_SYSTEM);
  return { ...resource, meta: { ...resource.meta, tag: [...others, { system: CONTENT_TAG_SYSTEM, code: hash, display: file }] } };
}
