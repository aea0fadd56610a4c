// ValueSet/$expand (type and instance level): url, valueSet, filter, offset, count, includeDesignations, activeOnly.
import { expandValueSet } from '../../terminology/expand.js';
import { terminologyFor } from '../../terminology/source.js';
import { coreOperationDefinition } from '../definitions.js';
import type { OperationRoute } from '../registry.js';
import type { Handler } from '../request.js';
import { nonNegative, readOperationInput } from './params.js';
import { valueSetFromInput } from './terminology-input.js';

const definition = coreOperationDefinition('ValueSet-expand');

const handler: Handler = async (hc, request, params) => {
  const input = readOperationInput(request, definition);
  const source = await terminologyFor(hc.repo, hc.ctx);
  const vs = await valueSetFromInput(hc, source, params.id, input);
  const expanded = await expandValueSet(vs, source, {
    filter: input.get<string>('filter'),
    offset: nonNegative(input, 'offset'),
    count: nonNegative(input, 'count'),
    includeDesignations: input.get<boolean>('includeDesignations'),
    activeOnly: input.get<boolean>('activeOnly'),
  });
  return { status: 200, resource: expanded };
};

export const valueSetExpandOperation: OperationRoute = {
  name: 'expand',
  levels: ['type', 'instance'],
  resourceTypes: ['ValueSet'],
  methods: ['GET', 'POST'],
  definition,
  handler,
};
