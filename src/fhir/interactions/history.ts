// history: GET [type]/[id]/_history, [type]/_history and /_history, newest first, with _since, _count and cursor paging.
import type { Bundle, BundleEntry } from '@medplum/fhirtypes';
import type { StoredVersion } from '../../storage/repository.js';
import type { Handler, HandlerContext } from '../request.js';
import { firstParam } from '../request.js';
import { parseCount, parseInstant } from '../paging.js';

function entry(hc: HandlerContext, v: StoredVersion): BundleEntry {
  const url = `${v.resourceType}/${v.id}`;
  const status = v.deleted ? '204 No Content' : v.method === 'POST' || v.versionId === '1' ? '201 Created' : '200 OK';
  return {
    fullUrl: `${hc.baseUrl}/${url}`,
    ...(v.resource ? { resource: v.resource } : {}),
    request: { method: v.method === 'PATCH' ? 'PATCH' : v.method, url: v.method === 'POST' ? v.resourceType : url },
    response: { status, etag: `W/"${v.versionId}"`, lastModified: v.lastUpdated },
  };
}

export const history: Handler = async (hc, request, params) => {
  const count = parseCount(firstParam(request, '_count'), hc.config);
  // An unencoded "+" before the offset arrives as a space (…T00:00:00 02:00); read it as the "+" the client meant.
  const sinceRaw = firstParam(request, '_since')?.replace(/ (\d{2}:\d{2})$/, '+$1');
  const since = parseInstant(sinceRaw, '_since');
  const cursor = firstParam(request, '_cursor');
  if (params.id !== undefined) {
    // Instance history of an id that never existed is a 404, not an empty bundle.
    const current = await hc.repo.readCurrent(hc.ctx, params.resourceType as string, params.id);
    if (!current) await hc.repo.read(hc.ctx, params.resourceType as string, params.id);
  }
  const page = await hc.repo.history(hc.ctx, { resourceType: params.resourceType, id: params.id, since, count, cursor });
  const path = `${hc.baseUrl}/${request.path.join('/')}`;
  const link = (extra: Record<string, string>) => {
    const query = new URLSearchParams({ _count: String(count), ...(sinceRaw ? { _since: sinceRaw } : {}), ...extra });
    return `${path}?${query.toString()}`;
  };
  const bundle: Bundle = {
    resourceType: 'Bundle',
    type: 'history',
    ...(page.total !== undefined ? { total: page.total } : {}),
    link: [
      { relation: 'self', url: link(cursor ? { _cursor: cursor } : {}) },
      ...(page.nextCursor ? [{ relation: 'next', url: link({ _cursor: page.nextCursor }) }] : []),
    ],
    entry: page.entries.map((v) => entry(hc, v)),
  };
  return { status: 200, resource: bundle };
};
