// POST [base]: a batch or transaction Bundle.
import type { Bundle } from '@medplum/fhirtypes';
import { badRequest } from '../errors.js';
import type { Handler } from '../request.js';
import { requireResource } from '../responses.js';
import { processBatch } from './batch.js';
import { processTransaction } from './transaction.js';

export const processBundle: Handler = async (hc, request) => {
  const bundle = requireResource(request.body, 'Bundle') as Bundle;
  if (bundle.entry !== undefined && !Array.isArray(bundle.entry)) throw badRequest('Bundle.entry must be an array', 'Bundle.entry');
  if (bundle.type === 'batch') return processBatch(hc, bundle, request.prefer);
  if (bundle.type === 'transaction') return processTransaction(hc, bundle, request.prefer);
  throw badRequest(`POST to the base accepts Bundle.type batch or transaction, not "${bundle.type ?? '(none)'}"`, 'Bundle.type');
};
