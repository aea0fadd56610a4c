// A StructureDefinition snapshot compiled once into a tree of the checks that go beyond the base resource definition.
import type { ElementDefinition, StructureDefinition } from '@medplum/fhirtypes';
import fhirpath from 'fhirpath';
import r4model from 'fhirpath/fhir-context/r4';
import { coreElement } from './core-definitions.js';

export interface CompiledConstraint {
  key: string;
  severity: 'error' | 'warning';
  human: string;
  expression: string;
  evaluate: (node: unknown, env: Record<string, unknown>) => unknown[];
}

export interface Discriminator {
  type: string;
  path: string;
}

export interface CompiledElement {
  id: string;
  path: string;
  /** The JSON property name, "value[x]" style for choice elements. */
  name: string;
  sliceName?: string;
  min: number;
  max: number;
  /** False when the cardinality is the base definition's (the base validator already checks it). */
  checkCardinality: boolean;
  /** For a choice element narrowed from its base: the allowed JSON suffixes (e.g. "Boolean"). */
  allowedSuffixes?: string[];
  fixed?: unknown;
  pattern?: unknown;
  /** Canonical URL of a required binding (code, Coding and CodeableConcept values are checked). */
  requiredValueSet?: string;
  /** Reference target profiles, when narrowed from the base definition. */
  targetProfiles?: string[];
  /** Profiles the value itself must conform to (e.g. an extension definition). */
  typeProfiles: string[];
  constraints: CompiledConstraint[];
  children: CompiledElement[];
  slicing?: { discriminators: Discriminator[]; rules: string; slices: CompiledElement[] };
}

export interface CompiledProfile {
  url: string;
  type: string;
  /** A base type's own definition (not a constraint on it): values need no further checks against it. */
  isBaseType: boolean;
  root: CompiledElement;
  /** Every required-binding value set, type profile and target profile mentioned, for prefetching. */
  valueSets: string[];
  profiles: string[];
  targetProfiles: string[];
}

const INFINITE = Number.POSITIVE_INFINITY;

function parseMax(max: string | undefined): number {
  return max === undefined || max === '*' ? INFINITE : Number(max);
}

function valueWithPrefix(ed: ElementDefinition, prefix: 'fixed' | 'pattern'): unknown {
  const record = ed as unknown as Record<string, unknown>;
  const key = Object.keys(record).find((k) => k.startsWith(prefix) && /^[A-Z]/.test(k.slice(prefix.length)));
  return key ? record[key] : undefined;
}

function capitalize(code: string): string {
  return code.charAt(0).toUpperCase() + code.slice(1);
}

function sameSet(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

function compileConstraints(ed: ElementDefinition, base: ElementDefinition | undefined): CompiledConstraint[] {
  const inherited = new Set((base?.constraint ?? []).map((c) => c.key));
  return (ed.constraint ?? [])
    .filter((c) => c.key && c.expression && !inherited.has(c.key))
    .map((c) => {
      const fn = fhirpath.compile({ base: ed.path as string, expression: c.expression as string }, r4model);
      return {
        key: c.key as string,
        severity: c.severity === 'warning' ? 'warning' : 'error',
        human: c.human ?? c.key ?? '',
        expression: c.expression as string,
        evaluate: (node, env) => fn(node, env) as unknown[],
      };
    });
}

function compileElement(ed: ElementDefinition): CompiledElement {
  const path = ed.path as string;
  const name = path.slice(path.lastIndexOf('.') + 1);
  const base = ed.base?.path ? coreElement(ed.base.path) : undefined;
  const min = ed.min ?? 0;
  const max = parseMax(ed.max);
  const codes = (ed.type ?? []).map((t) => t.code as string);
  const baseCodes = (base?.type ?? []).map((t) => t.code as string);
  const targets = (ed.type ?? []).flatMap((t) => t.targetProfile ?? []);
  const baseTargets = (base?.type ?? []).flatMap((t) => t.targetProfile ?? []);
  const binding = ed.binding?.strength === 'required' ? ed.binding.valueSet?.split('|')[0] : undefined;
  return {
    id: ed.id as string,
    path,
    name,
    sliceName: ed.sliceName,
    min,
    max,
    checkCardinality: !!ed.sliceName || !base || base.min !== min || parseMax(base.max) !== max,
    allowedSuffixes: name.endsWith('[x]') && base && !sameSet(codes, baseCodes) ? codes.map(capitalize) : undefined,
    fixed: valueWithPrefix(ed, 'fixed'),
    pattern: valueWithPrefix(ed, 'pattern'),
    requiredValueSet: binding,
    targetProfiles: targets.length > 0 && !sameSet(targets, baseTargets) ? targets : undefined,
    typeProfiles: (ed.type ?? []).flatMap((t) => t.profile ?? []),
    constraints: compileConstraints(ed, base),
    children: [],
    slicing: ed.slicing
      ? { discriminators: (ed.slicing.discriminator ?? []).map((d) => ({ type: d.type as string, path: d.path as string })), rules: ed.slicing.rules ?? 'open', slices: [] }
      : undefined,
  };
}

/** Splits an element id into its parent id and whether the last part is a slice ("A.b:s" -> "A.b", slice). */
function parentOf(id: string): { parent: string; slice: boolean } {
  const dot = id.lastIndexOf('.');
  const colon = id.lastIndexOf(':');
  return colon > dot ? { parent: id.slice(0, colon), slice: true } : { parent: id.slice(0, dot), slice: false };
}

export function compileProfile(sd: StructureDefinition): CompiledProfile {
  const elements = sd.snapshot?.element ?? [];
  if (elements.length === 0) throw new Error(`StructureDefinition ${sd.url} has no snapshot`);
  const byId = new Map<string, CompiledElement>();
  const root = compileElement(elements[0]);
  byId.set(root.id, root);
  const valueSets = new Set<string>();
  const profiles = new Set<string>();
  const targetProfiles = new Set<string>();
  const collect = (e: CompiledElement) => {
    if (e.requiredValueSet) valueSets.add(e.requiredValueSet);
    e.typeProfiles.forEach((p) => profiles.add(p));
    e.targetProfiles?.forEach((p) => targetProfiles.add(p));
  };
  collect(root);
  for (const ed of elements.slice(1)) {
    const element = compileElement(ed);
    byId.set(element.id, element);
    collect(element);
    const { parent, slice } = parentOf(element.id);
    const owner = byId.get(parent);
    if (!owner) throw new Error(`${sd.url}: element ${element.id} comes before its parent ${parent}`);
    if (slice) {
      owner.slicing ??= { discriminators: [], rules: 'open', slices: [] };
      owner.slicing.slices.push(element);
    } else owner.children.push(element);
  }
  prune(root);
  return { url: sd.url as string, type: sd.type as string, isBaseType: sd.derivation !== 'constraint', root, valueSets: [...valueSets], profiles: [...profiles], targetProfiles: [...targetProfiles] };
}

function hasChecks(e: CompiledElement): boolean {
  return (
    e.checkCardinality || e.fixed !== undefined || e.pattern !== undefined || !!e.requiredValueSet || !!e.targetProfiles || !!e.allowedSuffixes ||
    e.typeProfiles.length > 0 || e.constraints.length > 0 || !!e.slicing
  );
}

/** Drops subtrees with nothing to check, so validation only walks what the profile constrains. */
export function prune(e: CompiledElement): boolean {
  e.children = e.children.filter(prune);
  if (e.slicing) e.slicing.slices.forEach((s) => prune(s));
  return hasChecks(e) || e.children.length > 0;
}
