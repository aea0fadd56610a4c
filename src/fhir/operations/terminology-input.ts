// The value set or code system an operation works on: the instance in the URL, a url parameter, or a resource in the body.
import type { CodeSystem, ValueSet } from '@medplum/fhirtypes';
import { CodeSystemIndex } from '../../terminology/code-system-index.js';
import type { TerminologySource } from '../../terminology/source.js';
import { badRequest, notFound } from '../errors.js';
import type { HandlerContext } from '../request.js';
import type { OperationInput } from './params.js';

function canonical(url: string, version: string | undefined): string {
  return version && !url.includes('|') ? `${url}|${version}` : url;
}

export async function valueSetFromInput(hc: HandlerContext, source: TerminologySource, id: string | undefined, input: OperationInput): Promise<ValueSet> {
  if (id !== undefined) return (await hc.repo.read(hc.ctx, 'ValueSet', id)) as ValueSet;
  const posted = input.get<ValueSet>('valueSet');
  if (posted) {
    if (posted.resourceType !== 'ValueSet') throw badRequest('Parameter valueSet must be a ValueSet', "Parameters.parameter.where(name='valueSet')");
    return posted;
  }
  const url = input.get<string>('url');
  if (!url) throw badRequest('Give the value set: call it on an instance, or pass url (or a valueSet resource with POST)', 'url');
  const vs = await source.valueSet(canonical(url, input.get<string>('valueSetVersion')));
  if (!vs) throw notFound(`ValueSet ${url} is not known to this server`, 'url');
  return vs;
}

export async function codeSystemFromInput(
  hc: HandlerContext,
  source: TerminologySource,
  id: string | undefined,
  input: OperationInput,
  urlParam: 'url' | 'system',
  fallbackSystem?: string,
): Promise<{ system: string; index?: CodeSystemIndex }> {
  if (id !== undefined) {
    const cs = (await hc.repo.read(hc.ctx, 'CodeSystem', id)) as CodeSystem;
    return { system: cs.url ?? '', index: new CodeSystemIndex(cs) };
  }
  const posted = input.get<CodeSystem>('codeSystem');
  if (posted) return { system: posted.url ?? '', index: new CodeSystemIndex(posted) };
  const system = input.get<string>(urlParam) ?? fallbackSystem;
  if (!system) throw badRequest(`Give the code system: call it on an instance, or pass ${urlParam}`, urlParam);
  return { system, index: await source.codeSystem(canonical(system, input.get<string>('version'))) };
}
