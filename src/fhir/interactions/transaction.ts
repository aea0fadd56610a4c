// transaction: all entries in one database transaction, in the spec's order, with fullUrl references resolved.
import { randomUUID } from 'node:crypto';
import type { Bundle, BundleEntry, Resource } from '@medplum/fhirtypes';
import { responseEntry } from '../bundle/entry-response.js';
import { entryToRequest } from '../bundle/entry-request.js';
import { isConditionalCreate, transactionOrder } from '../bundle/processing-order.js';
import { assertNoPlaceholders, rewriteReferences } from '../bundle/references.js';
import { badRequest, FhirError, outcome } from '../errors.js';
import type { FhirRequest, FhirResponse, HandlerContext } from '../request.js';
import { isConditionalWrite, resolveConditionalWrite } from './conditional-writes.js';

/** Request headers a handler may blame, and where they live in a Bundle entry. */
const ENTRY_HEADERS: Record<string, string> = {
  'If-Match': 'request.ifMatch',
  'If-None-Match': 'request.ifNoneMatch',
  'If-None-Exist': 'request.ifNoneExist',
  'If-Modified-Since': 'request.ifModifiedSince',
  // the criteria of a conditional update, patch or delete
  criteria: 'request.url',
};

/** Maps one handler expression into the entry: Patient.name -> resource.name, id -> resource.id, _count -> request.url. */
function reroot(expression: string, prefix: string): string {
  if (expression.startsWith('Bundle.')) return expression;
  if (ENTRY_HEADERS[expression]) return `${prefix}.${ENTRY_HEADERS[expression]}`;
  if (expression.startsWith('_')) return `${prefix}.request.url`;
  // A leading capital is a type (Patient.birthDate, Resource, Patch[0]) standing for the entry's resource.
  if (/^[A-Z]/.test(expression)) return `${prefix}.resource${expression.replace(/^[^.]*/, '')}`;
  return `${prefix}.resource.${expression}`;
}

/** Re-roots an error's expressions at the entry that caused it (Patient.name -> Bundle.entry[2].resource.name). */
function atEntry(err: unknown, index: number): unknown {
  if (!(err instanceof FhirError)) return err;
  const prefix = `Bundle.entry[${index}]`;
  const issues = (err.outcome.issue ?? []).map((i) => ({
    ...i,
    diagnostics: `${prefix}: ${i.diagnostics ?? i.details?.text ?? ''}`,
    // An issue without an expression still names its entry (an empty array is not valid FHIR JSON).
    expression: i.expression?.length ? i.expression.map((e) => reroot(e, prefix)) : [prefix],
  }));
  return new FhirError(err.status, outcome(issues));
}

function identityOf(request: FhirRequest): string | undefined {
  return request.path.length >= 2 && request.method !== 'GET' && request.method !== 'HEAD' ? `${request.path[0]}/${request.path[1]}` : undefined;
}

/** The key under which two conditional writes name the same resource: type and criteria, parameters in order. */
function criteriaKey(request: FhirRequest): string {
  const pairs = Object.entries(request.query).flatMap(([k, values]) => values.map((v) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`));
  return `${request.path[0]}?${pairs.sort().join('&')}`;
}

/**
 * Conditional update, patch and delete entries become requests on the resource their criteria resolve to, before any
 * entry runs: references to their fullUrl can then be rewritten like those of any PUT, and their resolved identities
 * take part in the overlap check (R4 transaction rules). Two that would create a resource with the same criteria
 * name the same one, which the overlap check refuses rather than creating it twice.
 */
async function resolveConditionalEntries(hc: HandlerContext, requests: FhirRequest[]): Promise<FhirRequest[]> {
  const newIds = new Map<string, string>();
  const out: FhirRequest[] = [];
  for (const [i, request] of requests.entries()) {
    if (!isConditionalWrite(request)) {
      out.push(request);
      continue;
    }
    const key = criteriaKey(request);
    const newId = () => newIds.get(key) ?? (newIds.set(key, randomUUID()).get(key) as string);
    try {
      out.push((await resolveConditionalWrite(hc, request, newId)) ?? request);
    } catch (err) {
      throw atEntry(err, i);
    }
  }
  return out;
}

export async function processTransaction(hc: HandlerContext, bundle: Bundle, prefer: string | undefined): Promise<FhirResponse> {
  const entries: BundleEntry[] = bundle.entry ?? [];
  const parsed = entries.map((entry, i) => ({ ...entryToRequest(entry, i, hc.baseUrl), prefer }));
  const results: BundleEntry[] = await hc.repo.transaction(hc.ctx, async (txRepo) => {
    const requests = await resolveConditionalEntries({ ...hc, repo: txRepo }, parsed);
    const fullUrls = new Map<string, string>();
    // fullUrls of conditional creates, resolved to the created or matched resource while the transaction runs
    const pending = new Map<string, string>();
    const seen = new Map<string, number>();
    const fullUrlAt = new Map<string, number>();
    requests.forEach((request, i) => {
      const identity = identityOf(request);
      if (identity) {
        if (seen.has(identity)) throw badRequest(`${identity} appears in entries ${seen.get(identity)} and ${i}; a transaction may touch a resource once`, `Bundle.entry[${i}].request.url`);
        seen.set(identity, i);
      }
      const fullUrl = entries[i].fullUrl;
      // bdl-7: a fullUrl names one entry; two entries with the same one would make references to it ambiguous.
      if (fullUrl !== undefined) {
        if (fullUrlAt.has(fullUrl)) throw badRequest(`fullUrl ${fullUrl} appears in entries ${fullUrlAt.get(fullUrl)} and ${i}`, `Bundle.entry[${i}].fullUrl`);
        fullUrlAt.set(fullUrl, i);
      }
      if (request.method === 'POST' && request.path.length === 1 && request.ifNoneExist === undefined) {
        request.assignedId = randomUUID();
        if (fullUrl) fullUrls.set(fullUrl, `${request.path[0]}/${request.assignedId}`);
      } else if (fullUrl && (request.method === 'PUT' || request.method === 'PATCH') && identity) fullUrls.set(fullUrl, identity);
      else if (fullUrl && isConditionalCreate(request)) pending.set(fullUrl, `${request.path[0]}/pending`);
    });
    for (const [i, request] of requests.entries()) {
      if (request.body && request.method !== 'PATCH') {
        request.body = rewriteReferences(request.body as Resource, fullUrls);
        // References to conditional creates are rewritten once those have run; everything else must resolve now.
        assertNoPlaceholders(rewriteReferences(request.body, pending), `Bundle.entry[${i}].resource`);
      }
    }
    const order = transactionOrder(requests);
    const resolved = new Map<string, string>();
    const out: BundleEntry[] = new Array(entries.length);
    for (const index of order) {
      const request = requests[index];
      try {
        if (pending.size > 0 && request.body && request.method !== 'PATCH') {
          request.body = rewriteReferences(request.body as Resource, resolved);
          assertNoPlaceholders(request.body, `Bundle.entry[${index}].resource`);
        }
        const response = await hc.dispatch(request, txRepo);
        const fullUrl = entries[index].fullUrl;
        if (fullUrl && pending.has(fullUrl) && response.resource?.id) resolved.set(fullUrl, `${response.resource.resourceType}/${response.resource.id}`);
        out[index] = responseEntry(response, hc.baseUrl, prefer);
      } catch (err) {
        throw atEntry(err, index);
      }
    }
    return out;
  });
  return { status: 200, resource: { resourceType: 'Bundle', type: 'transaction-response', entry: results } };
}
