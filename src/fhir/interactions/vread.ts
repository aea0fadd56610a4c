// vread: GET [type]/[id]/_history/[vid].
import type { Resource } from '@medplum/fhirtypes';
import type { Handler } from '../request.js';
import { resourceResponse } from '../responses.js';

export const vread: Handler = async (hc, _request, params) => {
  const version = await hc.repo.readVersion(hc.ctx, params.resourceType as string, params.id as string, params.versionId as string);
  const response = resourceResponse(200, version.resource as Resource);
  response.location = undefined;
  return response;
};
