// $reindex (system, type, instance): rebuilds search index rows, e.g. after a SearchParameter is added or changed.
import type { OperationDefinition } from '@medplum/fhirtypes';
import { loadDefinitions } from '../definitions.js';
import type { OperationRoute } from '../registry.js';
import type { Handler } from '../request.js';

const BATCH = 500;

export const reindexDefinition: OperationDefinition = {
  resourceType: 'OperationDefinition',
  id: 'reindex',
  url: 'https://calaim-fhir.dev/fhir/OperationDefinition/reindex',
  name: 'Reindex',
  title: 'Rebuild search indexes',
  status: 'active',
  kind: 'operation',
  code: 'reindex',
  description:
    'Re-extracts every search parameter (core and stored SearchParameter resources) for the current versions of the resources in scope, ' +
    'in batches of 500, each batch in its own transaction. Use it after creating or changing a SearchParameter so existing data matches.',
  system: true,
  type: true,
  instance: true,
  parameter: [{ name: 'count', use: 'out', min: 1, max: '1', type: 'integer', documentation: 'How many resources were re-indexed' }],
};

async function reindexType(hc: Parameters<Handler>[0], resourceType: string, id?: string): Promise<number> {
  let total = 0;
  let afterId: string | undefined;
  for (;;) {
    const { count, lastId } = await hc.repo.reindex(hc.ctx, resourceType, { afterId, id, limit: BATCH });
    total += count;
    if (count < BATCH || !lastId) return total;
    afterId = lastId;
  }
}

const handler: Handler = async (hc, _request, params) => {
  const types = params.resourceType ? [params.resourceType] : loadDefinitions();
  let count = 0;
  for (const type of types) count += await reindexType(hc, type, params.id);
  if (params.id !== undefined && count === 0) await hc.repo.read(hc.ctx, params.resourceType as string, params.id);
  return { status: 200, resource: { resourceType: 'Parameters', parameter: [{ name: 'count', valueInteger: count }] } };
};

export const reindexOperation: OperationRoute = {
  name: 'reindex',
  levels: ['system', 'type', 'instance'],
  resourceTypes: '*',
  methods: ['POST'],
  definition: reindexDefinition,
  handler,
};
