// Assembles the registry: every interaction and operation the server offers, in one place.
import { readFileSync } from 'node:fs';
import { buildCapabilityStatement } from './capability.js';
import { loadDefinitions } from './definitions.js';
import { processBundle } from './interactions/bundle.js';
import { create } from './interactions/create.js';
import { remove } from './interactions/delete.js';
import { history } from './interactions/history.js';
import { patch } from './interactions/patch.js';
import { read } from './interactions/read.js';
import { update } from './interactions/update.js';
import { vread } from './interactions/vread.js';
import { searchCompartment, searchSystem, searchType } from './interactions/search.js';
import { conditionalDelete, conditionalPatch, conditionalUpdate } from './interactions/conditional-writes.js';
import { allOperations } from './operations/index.js';
import type { OperationRoute, Registry } from './registry.js';
import type { Handler } from './request.js';
import { findOperation } from './router.js';
import { currentIndex } from '../search/service.js';

const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
const STARTED_AT = new Date().toISOString();

export function buildRegistry(operations: OperationRoute[] = allOperations): Registry {
  const registry: Registry = { interactions: [], operations };
  const runOperation: Handler = (hc, request, params) => findOperation(registry, request, params).handler(hc, request, params);
  const capabilities: Handler = async (hc) => {
    const index = await currentIndex(hc.search, hc.repo, hc.ctx);
    const searchParams = (type: string) =>
      [...index.all(type).values()].filter((p) => p.type !== 'special').map((p) => ({ name: p.code, type: p.type, ...(p.url ? { definition: p.url } : {}) }));
    return {
      status: 200,
      resource: buildCapabilityStatement(registry, { baseUrl: hc.baseUrl, resourceTypes: loadDefinitions(), version: VERSION, startedAt: STARTED_AT, searchParams }),
    };
  };
  registry.interactions.push(
    { codes: ['capabilities'], level: 'system', methods: ['GET'], pattern: ['metadata'], handler: capabilities },
    { codes: ['transaction', 'batch'], level: 'system', methods: ['POST'], pattern: [], handler: processBundle },
    { codes: ['history-system'], level: 'system', methods: ['GET'], pattern: ['_history'], handler: history },
    { codes: ['search-system'], level: 'system', methods: ['GET'], pattern: [], handler: searchSystem },
    { codes: ['search-system'], level: 'system', methods: ['POST'], pattern: ['_search'], handler: searchSystem },
    { codes: ['operation'], level: 'system', methods: ['GET', 'POST'], pattern: [':op'], handler: runOperation },
    { codes: ['create'], level: 'type', methods: ['POST'], pattern: [':type'], handler: create },
    { codes: ['search-type'], level: 'type', methods: ['GET'], pattern: [':type'], handler: searchType },
    { codes: ['search-type'], level: 'type', methods: ['POST'], pattern: [':type', '_search'], handler: searchType },
    { codes: ['update'], level: 'type', methods: ['PUT'], pattern: [':type'], handler: conditionalUpdate },
    { codes: ['patch'], level: 'type', methods: ['PATCH'], pattern: [':type'], handler: conditionalPatch },
    { codes: ['delete'], level: 'type', methods: ['DELETE'], pattern: [':type'], handler: conditionalDelete },
    { codes: ['history-type'], level: 'type', methods: ['GET'], pattern: [':type', '_history'], handler: history },
    { codes: ['operation'], level: 'type', methods: ['GET', 'POST'], pattern: [':type', ':op'], handler: runOperation },
    { codes: ['read'], level: 'instance', methods: ['GET'], pattern: [':type', ':id'], handler: read },
    { codes: ['update'], level: 'instance', methods: ['PUT'], pattern: [':type', ':id'], handler: update },
    { codes: ['patch'], level: 'instance', methods: ['PATCH'], pattern: [':type', ':id'], handler: patch },
    { codes: ['delete'], level: 'instance', methods: ['DELETE'], pattern: [':type', ':id'], handler: remove },
    { codes: ['history-instance'], level: 'instance', methods: ['GET'], pattern: [':type', ':id', '_history'], handler: history },
    { codes: ['vread'], level: 'instance', methods: ['GET'], pattern: [':type', ':id', '_history', ':vid'], handler: vread },
    { codes: ['operation'], level: 'instance', methods: ['GET', 'POST'], pattern: [':type', ':id', ':op'], handler: runOperation },
    { codes: ['search-compartment'], level: 'instance', methods: ['GET'], pattern: [':type', ':id', ':ctype'], handler: searchCompartment },
  );
  return registry;
}
