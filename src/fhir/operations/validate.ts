// $validate at type and instance level: returns an OperationOutcome of every issue, without storing anything.
import type { Parameters, Resource } from '@medplum/fhirtypes';
import { validate } from '../../validation/validate.js';
import { coreOperationDefinition } from '../definitions.js';
import { badRequest, informational, outcome } from '../errors.js';
import type { OperationRoute } from '../registry.js';
import { firstParam, type Handler } from '../request.js';
import { requireResource } from '../responses.js';

const MODES = ['create', 'update', 'delete'];

function readInput(body: unknown): { resource?: Resource; mode?: string; profile?: string } {
  if (body === undefined) return {};
  const resource = requireResource(body);
  if (resource.resourceType !== 'Parameters') return { resource };
  const params = (resource as Parameters).parameter ?? [];
  if (!Array.isArray(params) || params.some((p) => p === null || typeof p !== 'object')) {
    throw badRequest('Parameters.parameter must be an array of objects', 'Parameters.parameter');
  }
  const mode = params.find((p) => p.name === 'mode')?.valueCode;
  if (mode !== undefined && !MODES.includes(mode)) throw badRequest(`mode must be one of ${MODES.join(', ')}`, 'Parameters.parameter.where(name=\'mode\')');
  const profile = params.find((p) => p.name === 'profile');
  return { resource: params.find((p) => p.name === 'resource')?.resource, mode, profile: profile?.valueUri ?? profile?.valueCanonical };
}

const handler: Handler = async (hc, request, params) => {
  const type = params.resourceType as string;
  const input = readInput(request.body);
  if (input.mode === 'delete') {
    if (params.id === undefined) throw badRequest('mode=delete needs an instance-level call', 'mode');
    await hc.repo.read(hc.ctx, type, params.id);
    return { status: 200, resource: informational('The resource can be deleted') };
  }
  const resource = input.resource ?? (params.id !== undefined ? await hc.repo.read(hc.ctx, type, params.id) : undefined);
  if (!resource) throw badRequest('No resource to validate: send one as the body or in a "resource" parameter', 'resource');
  if (resource.resourceType !== type) throw badRequest(`Resource type "${resource.resourceType}" does not match the URL type "${type}"`, 'resourceType');
  if (input.mode === 'update' && params.id !== undefined && resource.id !== params.id) {
    throw badRequest(`Resource id "${resource.id}" does not match the URL id "${params.id}"`, 'id');
  }
  const profile = firstParam(request, 'profile') ?? input.profile;
  const issues = await validate(hc.repo, hc.ctx, resource, profile !== undefined ? { profiles: [profile] } : {});
  return { status: 200, resource: issues.length ? outcome(issues) : informational('All OK') };
};

export const validateOperation: OperationRoute = {
  name: 'validate',
  levels: ['type', 'instance'],
  resourceTypes: '*',
  methods: ['GET', 'POST'],
  definition: coreOperationDefinition('Resource-validate'),
  handler,
};
