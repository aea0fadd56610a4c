// Intermediary splits (Gravity indirect referral): child Tasks point at their parent with partOf; a parent closes after its children.
import type { Task } from '@medplum/fhirtypes';
import type { RequestContext } from '../context.js';
import { parseSearchQuery } from '../search/query.js';
import { runSearch, type SearchServices } from '../search/service.js';
import type { Repository } from '../storage/repository.js';
import { TERMINAL } from './transitions.js';

const PAGE = 1000;

/** Child Tasks of `taskId` that are still open (not closed or entered-in-error). */
export async function openChildren(search: SearchServices, repo: Repository, ctx: RequestContext, taskId: string): Promise<Task[]> {
  const query = parseSearchQuery(['Task'], { 'part-of': [`Task/${taskId}`], status: [openStatuses()] }, PAGE);
  const result = await runSearch(search, repo, ctx, { query, count: PAGE, baseUrl: '', strict: false });
  return result.matches.map((doc) => doc.resource as Task);
}

function openStatuses(): string {
  return ['draft', 'requested', 'accepted', 'in-progress', 'on-hold'].filter((s) => !TERMINAL.includes(s as Task['status'])).join(',');
}
