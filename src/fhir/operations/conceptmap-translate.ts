// ConceptMap/$translate (type and instance level): a code, Coding or CodeableConcept translated with the concept maps the server holds.
import type { CodeableConcept, Coding, ConceptMap } from '@medplum/fhirtypes';
import { allConceptMaps, conceptMapByUrl } from '../../terminology/concept-maps.js';
import { mapScope, translate, translateParameters } from '../../terminology/translate.js';
import { codingsOf } from '../../terminology/validate-code.js';
import { coreOperationDefinition } from '../definitions.js';
import { badRequest, notFound } from '../errors.js';
import type { OperationRoute } from '../registry.js';
import type { Handler, HandlerContext } from '../request.js';
import { readOperationInput, type OperationInput } from './params.js';

const definition = coreOperationDefinition('ConceptMap-translate');

/** The maps to translate with: the instance, a posted conceptMap, the map at url, or every map whose value sets fit source and target. */
async function mapsFor(hc: HandlerContext, id: string | undefined, input: OperationInput, reverse: boolean): Promise<ConceptMap[]> {
  if (id !== undefined) return [(await hc.repo.read(hc.ctx, 'ConceptMap', id)) as ConceptMap];
  const posted = input.get<ConceptMap>('conceptMap');
  if (posted !== undefined) {
    if (posted.resourceType !== 'ConceptMap') throw badRequest('Parameter conceptMap must be a ConceptMap', "Parameters.parameter.where(name='conceptMap')");
    return [posted];
  }
  const url = input.get<string>('url');
  if (url !== undefined) {
    const version = input.get<string>('conceptMapVersion');
    const map = await conceptMapByUrl(hc.repo, hc.ctx, version !== undefined && !url.includes('|') ? `${url}|${version}` : url);
    if (!map) throw notFound(`ConceptMap ${url}${version ? ` version ${version}` : ''} is not known to this server`, 'url');
    return [map];
  }
  // Reversed, the codes come from the maps' target value set and the answers from their source value set.
  const [from, to] = reverse ? ['target', 'source'] as const : ['source', 'target'] as const;
  const source = input.get<string>('source')?.split('|')[0];
  const target = input.get<string>('target')?.split('|')[0];
  return (await allConceptMaps(hc.repo, hc.ctx)).filter((m) => {
    const scope = mapScope(m);
    return (source === undefined || scope[from] === source) && (target === undefined || scope[to] === target);
  });
}

const handler: Handler = async (hc, request, params) => {
  const input = readOperationInput(request, definition);
  const codings = codingsOf({
    code: input.get<string>('code'),
    system: input.get<string>('system'),
    coding: input.get<Coding>('coding'),
    codeableConcept: input.get<CodeableConcept>('codeableConcept'),
  }).filter((c) => typeof c.code === 'string' && c.code !== '');
  if (codings.length === 0) throw badRequest('Give the concept to translate: code (with system), coding or codeableConcept', 'code');
  const reverse = input.get<boolean>('reverse') ?? false;
  const maps = await mapsFor(hc, params.id, input, reverse);
  const result = await translate(maps, { codings, targetSystem: input.get<string>('targetsystem'), reverse }, (url) => conceptMapByUrl(hc.repo, hc.ctx, url));
  return { status: 200, resource: { resourceType: 'Parameters', parameter: translateParameters(result) } };
};

export const conceptMapTranslateOperation: OperationRoute = {
  name: 'translate',
  levels: ['type', 'instance'],
  resourceTypes: ['ConceptMap'],
  methods: ['GET', 'POST'],
  definition,
  handler,
};
