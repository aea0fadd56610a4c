// The search entry point used by interactions: parameter registry, ValueSet expansion, and run().
import type { RequestContext } from '../context.js';
import { badRequest } from '../fhir/errors.js';
import type { Repository } from '../storage/repository.js';
import { executeSearch, type SearchResult, type SearchRun } from './execute.js';
import type { SearchParameterIndex, SearchParameterRegistry } from './parameters.js';

export type ExpandValueSet = (repo: Repository, ctx: RequestContext, url: string) => Promise<{ system?: string; code: string }[]>;

export interface SearchServices {
  parameters: SearchParameterRegistry;
  expand: ExpandValueSet;
}

export const noExpansion: ExpandValueSet = async (_repo, _ctx, url) => {
  throw badRequest(`ValueSet ${url} cannot be expanded by this server`, ':in');
};

export function currentIndex(services: SearchServices, repo: Repository, ctx: RequestContext): Promise<SearchParameterIndex> {
  return services.parameters.current({ query: (text, params) => repo.select(ctx, text, params ?? []) });
}

export async function runSearch(services: SearchServices, repo: Repository, ctx: RequestContext, run: Omit<SearchRun, 'expand'>): Promise<SearchResult> {
  const index = await currentIndex(services, repo, ctx);
  return executeSearch(repo, ctx, index, { ...run, expand: (url) => services.expand(repo, ctx, url) });
}
