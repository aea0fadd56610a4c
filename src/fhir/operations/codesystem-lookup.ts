// CodeSystem/$lookup (type and instance level): display, designations and properties of a code.
import type { Coding } from '@medplum/fhirtypes';
import { lexicalSystem } from '../../terminology/lexical.js';
import { lookupConcept } from '../../terminology/lookup.js';
import { terminologyFor } from '../../terminology/source.js';
import { coreOperationDefinition } from '../definitions.js';
import { badRequest, notFound } from '../errors.js';
import type { OperationRoute } from '../registry.js';
import type { Handler } from '../request.js';
import { readOperationInput } from './params.js';
import { codeSystemFromInput } from './terminology-input.js';

const definition = coreOperationDefinition('CodeSystem-lookup');

const handler: Handler = async (hc, request, params) => {
  const input = readOperationInput(request, definition);
  const coding = input.get<Coding>('coding');
  const code = input.get<string>('code') ?? coding?.code;
  if (!code) throw badRequest('Give code (with system) or coding', 'code');
  const source = await terminologyFor(hc.repo, hc.ctx);
  const { system, index } = await codeSystemFromInput(hc, source, params.id, input, 'system', coding?.system);
  if (!index) {
    const why = lexicalSystem(system) ? 'the server holds no content for it' : 'it is not known to this server';
    throw notFound(`Cannot look up ${code} in ${system}: ${why}`, 'system');
  }
  const result = lookupConcept(index, code, input.all<string>('property'));
  if (!result) throw notFound(`${code} is not a code in ${system}`, 'code');
  return { status: 200, resource: result };
};

export const codeSystemLookupOperation: OperationRoute = {
  name: 'lookup',
  levels: ['type', 'instance'],
  resourceTypes: ['CodeSystem'],
  methods: ['GET', 'POST'],
  definition,
  handler,
};
