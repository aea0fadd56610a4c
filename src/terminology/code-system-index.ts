// One CodeSystem made searchable: concepts by code (hierarchy flattened), with parents and children.
import type { CodeSystem, CodeSystemConcept, CodeSystemConceptDesignation, CodeSystemConceptProperty } from '@medplum/fhirtypes';

export interface ConceptEntry {
  code: string;
  display?: string;
  definition?: string;
  designation?: CodeSystemConceptDesignation[];
  property: CodeSystemConceptProperty[];
  parents: string[];
  children: string[];
}

export class CodeSystemIndex {
  readonly url: string;
  readonly version?: string;
  readonly name?: string;
  /** complete, fragment, example, not-present or supplement. */
  readonly content: string;
  /** Concepts in definition order (depth first). */
  readonly concepts: ConceptEntry[] = [];
  private readonly byKey = new Map<string, ConceptEntry>();
  private readonly caseSensitive: boolean;

  constructor(readonly resource: CodeSystem) {
    this.url = resource.url as string;
    this.version = resource.version;
    this.name = resource.name;
    this.content = resource.content ?? 'complete';
    this.caseSensitive = resource.caseSensitive !== false;
    const visit = (concepts: CodeSystemConcept[] | undefined, parent?: string) => {
      for (const c of concepts ?? []) {
        if (!c.code) continue;
        let entry = this.get(c.code);
        if (!entry) {
          entry = { code: c.code, display: c.display, definition: c.definition, designation: c.designation, property: c.property ?? [], parents: [], children: [] };
          this.concepts.push(entry);
          this.byKey.set(this.key(c.code), entry);
        }
        if (parent) this.link(parent, c.code);
        visit(c.concept, c.code);
      }
    };
    visit(resource.concept);
    // Hierarchy may also be given as parent/child properties.
    for (const entry of this.concepts) {
      for (const p of entry.property) {
        if (p.code === 'parent' && p.valueCode) this.link(p.valueCode, entry.code);
        if (p.code === 'child' && p.valueCode) this.link(entry.code, p.valueCode);
      }
    }
  }

  private key(code: string): string {
    return this.caseSensitive ? code : code.toLowerCase();
  }

  private link(parent: string, child: string): void {
    const p = this.get(parent);
    const c = this.get(child);
    if (!p || !c) return;
    if (!p.children.includes(c.code)) p.children.push(c.code);
    if (!c.parents.includes(p.code)) c.parents.push(p.code);
  }

  get(code: string): ConceptEntry | undefined {
    return this.byKey.get(this.key(code));
  }

  /** Every code strictly under `code`. */
  descendants(code: string): Set<string> {
    const out = new Set<string>();
    const stack = [...(this.get(code)?.children ?? [])];
    while (stack.length) {
      const next = stack.pop() as string;
      if (out.has(next)) continue;
      out.add(next);
      stack.push(...(this.get(next)?.children ?? []));
    }
    return out;
  }

  /** Values of a property on a concept, as strings (codes, strings, booleans, numbers alike). */
  propertyValues(entry: ConceptEntry, property: string): string[] {
    if (property === 'parent') return entry.parents;
    if (property === 'child') return entry.children;
    return entry.property
      .filter((p) => p.code === property)
      .map((p) => p.valueCode ?? p.valueString ?? p.valueCoding?.code ?? (p.valueBoolean ?? p.valueInteger ?? p.valueDecimal ?? p.valueDateTime)?.toString())
      .filter((v): v is string => v !== undefined);
  }
}
