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
  /** Type -> id -> resource, built on first use: most members never resolve anything but their subject. */
  private byTypeId?: Map<string, Map<string, Resource>>;

  constructor(private readonly entries: readonly MemberEntry[]) {
    for (const { fullUrl, resource } of entries) if (fullUrl && !this.byFullUrl.has(fullUrl)) this.byFullUrl.set(fullUrl, resource);
  }

  private lookups = 0;

  private typeId(type: string, id: string): Resource | undefined {
    // A few lookups scan the entries; a member that resolves many references gets an index.
    if (!this.byTypeId && ++this.lookups <= 8) {
      for (const { resource } of this.entries) if (resource.id === id && resource.resourceType === type) return resource;
      return undefined;
    }
    if (!this.byTypeId) {
      this.byTypeId = new Map();
      for (const { resource } of this.entries) {
        if (typeof resource.id !== 'string') continue;
        let ids = this.byTypeId.get(resource.resourceType);
        if (!ids) this.byTypeId.set(resource.resourceType, (ids = new Map()));
        if (!ids.has(resource.id)) ids.set(resource.id, resource);
      }
    }
    return this.byTypeId.get(type)?.get(id);
  }

  resolve(reference: unknown): Resource | undefined {
    if (typeof reference !== 'string' || reference === '') return undefined;
    const byUrl = this.byFullUrl.get(reference);
    if (byUrl) return byUrl;
    // "Type/id" (the usual case) without the regular expression.
    const slash = reference.indexOf('/');
    if (slash > 0 && reference.indexOf('/', slash + 1) < 0 && reference.indexOf(':') < 0) {
      const found = this.typeId(reference.slice(0, slash), reference.slice(slash + 1));
      if (found) return found;
    }
    const key = typeIdOf(reference);
    if (!key) return undefined;
    const at = key.indexOf('/');
    return this.typeId(key.slice(0, at), key.slice(at + 1));
  }

  private lastReference?: string;
  private lastAnswer = false;

  /** Whether a reference resolves to this Patient, without building the Type/id index (the one question asked of every resource). */
  resolvesTo(reference: unknown, patient: Resource): boolean {
    if (typeof reference !== 'string' || reference === '') return false;
    // A member's resources nearly always spell their subject the same way.
    if (reference === this.lastReference) return this.lastAnswer;
    this.lastReference = reference;
    return (this.lastAnswer = this.answer(reference, patient));
  }

  private answer(reference: string, patient: Resource): boolean {
    const byUrl = this.byFullUrl.get(reference);
    if (byUrl) return byUrl === patient;
    // Only one Patient is allowed, so "Patient/<its id>" can only resolve to it.
    const own = `Patient/${patient.id}`;
    if (typeof patient.id !== 'string' || reference === own) return reference === own;
    return typeIdOf(reference) === own;
  }
}
