// ValueSet/$validate-code (type and instance level): is a code, Coding or CodeableConcept in the value set.
import { compileValueSet } from '../../terminology/compile-value-set.js';
import { terminologyFor } from '../../terminology/source.js';
import { validateInValueSet } from '../../terminology/validate-code.js';
import { coreOperationDefinition } from '../definitions.js';
import type { OperationRoute } from '../registry.js';
import type { Handler } from '../request.js';
import { checkResponse, inputCodings } from './code-check-response.js';
import { readOperationInput } from './params.js';
import { valueSetFromInput } from './terminology-input.js';

const definition = coreOperationDefinition('ValueSet-validate-code');

const handler: Handler = async (hc, request, params) => {
  const input = readOperationInput(request, definition);
  const codings = inputCodings(input, 'system');
  const source = await terminologyFor(hc.repo, hc.ctx);
  const vs = await valueSetFromInput(hc, source, params.id, input);
  const byUrl = params.id === undefined && !input.get('valueSet') && vs.url ? await source.compiled(vs.url) : undefined;
  const compiled = byUrl ?? (await compileValueSet(vs, source));
  return { status: 200, resource: checkResponse(await validateInValueSet(source, compiled, codings)) };
};

export const valueSetValidateCodeOperation: OperationRoute = {
  name: 'validate-code',
  levels: ['type', 'instance'],
  resourceTypes: ['ValueSet'],
  methods: ['GET', 'POST'],
  definition,
  handler,
};
