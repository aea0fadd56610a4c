// batch: each entry succeeds or fails on its own, with its own status and OperationOutcome.
import type { Bundle, BundleEntry } from '@medplum/fhirtypes';
import { errorEntry, responseEntry } from '../bundle/entry-response.js';
import { entryToRequest } from '../bundle/entry-request.js';
import { processingOrder } from '../bundle/processing-order.js';
import { toFhirError } from '../errors.js';
import type { FhirRequest, FhirResponse, HandlerContext } from '../request.js';

export async function processBatch(hc: HandlerContext, bundle: Bundle, prefer: string | undefined): Promise<FhirResponse> {
  const entries = bundle.entry ?? [];
  const results: BundleEntry[] = new Array(entries.length);
  const requests: (FhirRequest | undefined)[] = entries.map((entry, i) => {
    try {
      return { ...entryToRequest(entry, i, hc.baseUrl), prefer };
    } catch (err) {
      results[i] = errorEntry(toFhirError(err, hc.ctx.requestId));
      return undefined;
    }
  });
  const valid = requests.map((r, index) => ({ r, index })).filter((x): x is { r: FhirRequest; index: number } => x.r !== undefined);
  for (const position of processingOrder(valid.map((v) => v.r))) {
    const { r, index } = valid[position];
    try {
      results[index] = responseEntry(await hc.dispatch(r), hc.baseUrl, prefer);
    } catch (err) {
      const error = toFhirError(err, hc.ctx.requestId);
      if (error.status >= 500) hc.reportError(err);
      results[index] = errorEntry(error);
    }
  }
  return { status: 200, resource: { resourceType: 'Bundle', type: 'batch-response', entry: results } };
}
