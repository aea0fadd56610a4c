// Reference resolution inside a member's data: by fullUrl first, else by Type/id (relative or absolute, _history removed).
import type { Resource } from '@medplum/fhirtypes';

export interface MemberEntry {
  fullUrl?: string;
  resource: Resource;
}

const TYPE_ID = /(?:^|\/)([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]*)?$/;

/** "Condition/1", "https://x/fhir/Condition/1/_history/2" -> "Condition/1"; undefined for urn:uuid:, #contained and the like. */
export function typeIdOf(reference: string): string | undefined {
  const match = TYPE_ID.exec(reference);
  return match ? `${match[1]}/${match[2]}` : undefined;
}

/** Resolves references among some entries; the first entry wins when a fullUrl or a Type/id occurs twice. */
export class ReferenceIndex {
  private readonly byFullUrl = new Map<string, Resource>();
  private byTypeId?: Map<string, Resource>;

  constructor(private readonly entries: readonly MemberEntry[]) {
    for (const { fullUrl, resource } of entries) if (fullUrl && !this.byFullUrl.has(fullUrl)) this.byFullUrl.set(fullUrl, resource);
  }

  /** Built on first use: most members never resolve anything but their subject. */
  private typeIds(): Map<string, Resource> {
    if (!this.byTypeId) {
      this.byTypeId = new Map();
      for (const { resource } of this.entries) {
        if (typeof resource.id !== 'string') continue;
        const key = `${resource.resourceType}/${resource.id}`;
        if (!this.byTypeId.has(key)) this.byTypeId.set(key, resource);
      }
    }
    return this.byTypeId;
  }

  resolve(reference: unknown): Resource | undefined {
    if (typeof reference !== 'string' || reference === '') return undefined;
    const exact = this.byFullUrl.get(reference) ?? this.typeIds().get(reference);
    if (exact) return exact;
    const key = typeIdOf(reference);
    return key ? this.typeIds().get(key) : undefined;
  }

  /** Whether a reference resolves to this Patient, without building the Type/id index (the one question asked of every resource). */
  resolvesTo(reference: unknown, patient: Resource): boolean {
    if (typeof reference !== 'string' || reference === '') return false;
    const byUrl = this.byFullUrl.get(reference);
    if (byUrl) return byUrl === patient;
    // Only one Patient is allowed, so "Patient/<its id>" can only resolve to it.
    const own = `Patient/${patient.id}`;
    if (typeof patient.id !== 'string' || reference === own) return reference === own;
    return typeIdOf(reference) === own;
  }
}
