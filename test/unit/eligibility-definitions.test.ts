// Definition resources are checked when loaded: a missing or broken Group, PlanDefinition or Library names itself.
import type { Group, Library, PlanDefinition, Resource } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { buildRuleSet, CHARACTERISTIC_EXPRESSION, DefinitionError } from '../../src/eligibility/definitions.js';
import { packagedDefinitions } from '../../src/eligibility/packaged-rules.js';

const base = () => structuredClone(packagedDefinitions().resources);
const find = <T extends Resource>(resources: Resource[], type: string, id: string) => resources.find((r) => r.resourceType === type && r.id === id) as T;
const setGroupExpression = (resources: Resource[], id: string, expression: string) => {
  const group = find<Group>(resources, 'Group', id);
  const ext = group.extension?.find((e) => e.url === CHARACTERISTIC_EXPRESSION);
  if (ext?.valueExpression) ext.valueExpression.expression = expression;
};

describe('definition resources', () => {
  it('the packaged definitions build, with every expression compiled to the fast path', () => {
    const rules = buildRuleSet(base(), 'test');
    expect(rules.populations.map((p) => p.code)).toHaveLength(9);
    expect(rules.supports).toHaveLength(15);
    const notCompiled = [
      ...rules.variables.map((v) => v.expression),
      ...rules.populations.flatMap((p) => p.rule.expressions()),
      ...rules.supports.flatMap((s) => s.actions.flatMap((a) => a.condition?.expressions() ?? [])),
    ].filter((e) => e.notCompiled);
    expect(notCompiled.map((e) => `${e.text}: ${e.notCompiled}`)).toEqual([]);
  });

  it('a missing Group is named', () => {
    const resources = base().filter((r) => !(r.resourceType === 'Group' && r.id === 'pof-ltc-risk'));
    expect(() => buildRuleSet(resources, 'test')).toThrow(new DefinitionError('Group/pof-ltc-risk is missing'));
  });

  it('an expression that does not parse, reads an unknown variable or misuses an engine function is refused', () => {
    const cases: [string, RegExp][] = [
      ['%adult and (', /Group\/pof-nf-transition.*does not parse/],
      ['%nobody.exists()', /unknown variable %nobody/],
      ["%Condition.where(code.icd()).exists()", /icd\(\) takes 1 arguments, not 0/],
      ["%patient.ageUnder('x', 2)", /ageUnder\(\) takes 1 arguments, not 2/],
    ];
    for (const [expression, message] of cases) {
      const resources = base();
      setGroupExpression(resources, 'pof-nf-transition', expression);
      expect(() => buildRuleSet(resources, 'test'), expression).toThrow(message);
    }
  });

  it('Library definitions cannot use the age columns, and must define the exclusions', () => {
    const resources = base();
    const library = find<Library>(resources, 'Library', 'ecm-eligibility-definitions');
    library.extension?.push({ url: 'http://hl7.org/fhir/StructureDefinition/variable', valueExpression: { name: 'x', language: 'text/fhirpath', expression: '%adult' } });
    expect(() => buildRuleSet(resources, 'test')).toThrow(/unknown variable %adult/);
    const noExclusions = base();
    const lib = find<Library>(noExclusions, 'Library', 'ecm-eligibility-definitions');
    lib.extension = lib.extension?.filter((e) => e.valueExpression?.name !== 'ecmExclusions' && e.valueExpression?.name !== 'hospice');
    expect(() => buildRuleSet(noExclusions, 'test')).toThrow(/defines no %ecmExclusions/);
  });

  it('a PlanDefinition action needs a status code and a FHIRPath condition', () => {
    const resources = base();
    const plan = find<PlanDefinition>(resources, 'PlanDefinition', 'cs-respite');
    (plan.action ?? [])[0].code = [{ coding: [{ code: 'maybe' }] }];
    expect(() => buildRuleSet(resources, 'test')).toThrow(/PlanDefinition\/cs-respite.action\[0\]: code must be one of/);
    const cql = base();
    const p = find<PlanDefinition>(cql, 'PlanDefinition', 'cs-respite');
    const condition = p.action?.[0].condition?.[0];
    if (condition?.expression) condition.expression.language = 'text/cql';
    expect(() => buildRuleSet(cql, 'test')).toThrow(/language must be text\/fhirpath/);
  });
});
