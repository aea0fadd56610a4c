// Checks a resource against a compiled profile: cardinality, types, fixed/pattern values, slices, required bindings, invariants.
import type { OperationOutcomeIssue, Resource } from '@medplum/fhirtypes';
import type { CompiledValueSet } from '../../terminology/compile-value-set.js';
import { codingsOf, requiredBindingProblem } from '../binding.js';
import type { CompiledConstraint, CompiledElement, CompiledProfile, Discriminator } from './compile.js';
import { matchesFixed, matchesPattern } from './match.js';
import { navigate, referenceType, valuesOf, type PathValue } from './values.js';

/** What a check needs beyond the profile itself, resolved in advance so checking is synchronous. */
export interface ProfileContext {
  profile(url: string): CompiledProfile | undefined;
  /** The resource type a profile constrains (core definitions included). */
  profileType(url: string): string | undefined;
  valueSet(url: string): CompiledValueSet | undefined;
}

type Severity = OperationOutcomeIssue['severity'];
type Code = OperationOutcomeIssue['code'];

const CORE_PREFIX = 'http://hl7.org/fhir/StructureDefinition/';

function describe(value: unknown): string {
  return JSON.stringify(value);
}

class ProfileChecker {
  readonly issues: OperationOutcomeIssue[] = [];
  private readonly warned = new Set<string>();

  constructor(
    private readonly resource: Resource,
    private readonly context: ProfileContext,
    private readonly profileUrl: string,
  ) {}

  private add(severity: Severity, code: Code, path: string, message: string): void {
    this.issues.push({ severity, code, diagnostics: `${message} (profile ${this.profileUrl})`, expression: [path] });
  }

  private warnOnce(key: string, path: string, message: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.add('warning', 'not-supported', path, message);
  }

  checkValue(el: CompiledElement, value: unknown, path: string, suffix?: string): void {
    if (el.allowedSuffixes && suffix && !el.allowedSuffixes.includes(suffix)) {
      this.add('error', 'structure', path, `Type ${suffix} is not allowed here; allowed: ${el.allowedSuffixes.join(', ')}`);
    }
    if (el.fixed !== undefined && !matchesFixed(value, el.fixed)) this.add('error', 'value', path, `Value must be exactly ${describe(el.fixed)}`);
    if (el.pattern !== undefined && !matchesPattern(value, el.pattern)) this.add('error', 'value', path, `Value must match ${describe(el.pattern)}`);
    if (el.requiredValueSet) this.checkBinding(el.requiredValueSet, value, path);
    if (el.targetProfiles) this.checkTarget(el.targetProfiles, value, path);
    for (const c of el.constraints) this.checkConstraint(c, value, path);
    for (const url of el.typeProfiles) this.checkTypeProfile(url, value, path);
    if (value !== null && typeof value === 'object') for (const child of el.children) this.checkElement(child, value, path);
  }

  checkElement(el: CompiledElement, parent: unknown, parentPath: string): void {
    const values = valuesOf(parent, el.name, parentPath);
    if (el.checkCardinality) this.checkCount(values.length, el.min, el.max, `${parentPath}.${el.name.replace('[x]', '')}`, el.name.replace('[x]', ''));
    if (el.slicing?.slices.length) this.checkSlices(el, values, `${parentPath}.${el.name.replace('[x]', '')}`);
    for (const v of values) this.checkValue(el, v.value, v.path, v.suffix);
  }

  private checkCount(count: number, min: number, max: number, path: string, label: string): void {
    if (count < min) this.add('error', 'required', path, `${label}: at least ${min} required, found ${count}`);
    if (count > max) this.add('error', 'structure', path, `${label}: at most ${max} allowed, found ${count}`);
  }

  private checkSlices(el: CompiledElement, values: PathValue[], path: string): void {
    const slicing = el.slicing as NonNullable<CompiledElement['slicing']>;
    const members: PathValue[][] = slicing.slices.map(() => []);
    for (const v of values) {
      const index = slicing.slices.findIndex((s) => slicing.discriminators.length > 0 && slicing.discriminators.every((d) => this.inSlice(s, d, v.value)));
      if (index >= 0) members[index].push(v);
      else if (slicing.rules === 'closed') this.add('error', 'structure', v.path, `Value matches none of the slices of ${el.name} (closed slicing)`);
    }
    slicing.slices.forEach((slice, i) => {
      const label = `slice '${slice.sliceName}'`;
      if (members[i].length < slice.min) this.add('error', 'required', path, `${el.name} ${label}: at least ${slice.min} required, found ${members[i].length}`);
      if (members[i].length > slice.max) this.add('error', 'structure', path, `${el.name} ${label}: at most ${slice.max} allowed, found ${members[i].length}`);
      for (const v of members[i]) this.checkValue(slice, v.value, v.path, v.suffix);
    });
  }

  private inSlice(slice: CompiledElement, d: Discriminator, value: unknown): boolean {
    const targets = navigate(value, d.path);
    const definition = d.path === '$this' ? slice : descend(slice, d.path);
    if (d.type === 'exists') return (targets.length > 0) === ((definition?.min ?? 0) > 0);
    if (d.type === 'type') return false;
    if (d.type !== 'value' && d.type !== 'pattern') return false;
    const fixed = definition?.fixed ?? (d.path === 'url' && slice.typeProfiles.length === 1 ? slice.typeProfiles[0] : undefined);
    if (fixed !== undefined) return targets.some((t) => matchesFixed(t, fixed));
    if (definition?.pattern !== undefined) return targets.some((t) => matchesPattern(t, definition.pattern));
    if (definition?.requiredValueSet) {
      const vs = this.context.valueSet(definition.requiredValueSet);
      return !!vs && targets.some((t) => codingsOf(t)?.some((c) => typeof c.code === 'string' && vs.contains(c.system, c.code) === true));
    }
    return false;
  }

  private checkBinding(url: string, value: unknown, path: string): void {
    const vs = this.context.valueSet(url);
    if (!vs) {
      if (codingsOf(value)) this.warnOnce(`vs|${url}`, path, `ValueSet ${url} is not known to this server; the required binding was not checked`);
      return;
    }
    const problem = requiredBindingProblem(vs, url, value);
    if (problem) this.add('error', 'code-invalid', path, problem);
  }

  private checkTarget(targetProfiles: string[], value: unknown, path: string): void {
    const reference = (value as { reference?: unknown } | null)?.reference;
    if (typeof reference !== 'string') return;
    const type = referenceType(reference);
    if (!type) return;
    const allowed = [...new Set(targetProfiles.map((p) => this.context.profileType(p) ?? (p.startsWith(CORE_PREFIX) ? p.slice(CORE_PREFIX.length) : undefined)))];
    if (allowed.includes(undefined)) return;
    if (!allowed.includes(type)) this.add('error', 'structure', path, `Reference to ${type} is not allowed here; allowed: ${allowed.join(', ')}`);
  }

  private checkConstraint(c: CompiledConstraint, value: unknown, path: string): void {
    let ok: boolean;
    try {
      const result = c.evaluate(value, { resource: this.resource, rootResource: this.resource });
      ok = result.length === 1 && result[0] === true;
    } catch (err) {
      this.add('warning', 'exception', path, `Invariant ${c.key} could not be evaluated: ${(err as Error).message}`);
      return;
    }
    if (!ok) this.add(c.severity, 'invariant', path, `Constraint ${c.key} failed: ${c.human}`);
  }

  private checkTypeProfile(url: string, value: unknown, path: string): void {
    const profile = this.context.profile(url);
    if (profile?.isBaseType) return;
    if (!profile) {
      this.warnOnce(`sd|${url}`, path, `Profile ${url} is not known to this server; ${path} was not checked against it`);
      return;
    }
    const nested = new ProfileChecker(this.resource, this.context, url);
    nested.checkValue(profile.root, value, path);
    this.issues.push(...nested.issues);
  }
}

function descend(element: CompiledElement, path: string): CompiledElement | undefined {
  let current: CompiledElement | undefined = element;
  for (const segment of path.split('.')) current = current?.children.find((c) => c.name === segment || c.name === `${segment}[x]`);
  return current;
}

/** Every issue of a resource against one compiled profile. */
export function checkProfile(resource: Resource, profile: CompiledProfile, context: ProfileContext): OperationOutcomeIssue[] {
  const checker = new ProfileChecker(resource, context, profile.url);
  checker.checkValue(profile.root, resource, resource.resourceType);
  return checker.issues;
}
