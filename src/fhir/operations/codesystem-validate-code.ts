// CodeSystem/$validate-code (type and instance level): is a code in the code system, and is its display right.
import type { Coding } from '@medplum/fhirtypes';
import { terminologyFor } from '../../terminology/source.js';
import { validateInCodeSystem } from '../../terminology/validate-code.js';
import { coreOperationDefinition } from '../definitions.js';
import type { OperationRoute } from '../registry.js';
import type { Handler } from '../request.js';
import { checkResponse, inputCodings } from './code-check-response.js';
import { readOperationInput } from './params.js';
import { codeSystemFromInput } from './terminology-input.js';

const definition = coreOperationDefinition('CodeSystem-validate-code');

const handler: Handler = async (hc, request, params) => {
  const input = readOperationInput(request, definition);
  const codings = inputCodings(input, 'url');
  const source = await terminologyFor(hc.repo, hc.ctx);
  const fallback = codings.find((c: Coding) => c.system)?.system;
  const { system, index } = await codeSystemFromInput(hc, source, params.id, input, 'url', fallback);
  return { status: 200, resource: checkResponse(validateInCodeSystem(index, system, codings)) };
};

export const codeSystemValidateCodeOperation: OperationRoute = {
  name: 'validate-code',
  levels: ['type', 'instance'],
  resourceTypes: ['CodeSystem'],
  methods: ['GET', 'POST'],
  definition,
  handler,
};
