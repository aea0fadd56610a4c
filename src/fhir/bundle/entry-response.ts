// Builds a batch/transaction response entry from a handler response or an error.
import { STATUS_CODES } from 'node:http';
import type { BundleEntry } from '@medplum/fhirtypes';
import type { FhirError } from '../errors.js';
import { returnPreference } from '../prefer.js';
import type { FhirResponse } from '../request.js';

export function statusLine(status: number): string {
  return `${status} ${STATUS_CODES[status] ?? ''}`.trim();
}

export function responseEntry(response: FhirResponse, baseUrl: string, prefer: string | undefined): BundleEntry {
  const preference = returnPreference(prefer);
  const entry: BundleEntry = {};
  if (response.resource?.id && response.resource.resourceType !== 'Bundle') entry.fullUrl = `${baseUrl}/${response.resource.resourceType}/${response.resource.id}`;
  if (response.resource && preference === 'representation') entry.resource = response.resource;
  entry.response = { status: statusLine(response.status) };
  if (response.location) entry.response.location = response.location;
  if (response.versionId) entry.response.etag = `W/"${response.versionId}"`;
  if (response.lastModified) entry.response.lastModified = response.lastModified;
  if (response.outcome && (preference === 'OperationOutcome' || !response.resource)) entry.response.outcome = response.outcome;
  return entry;
}

export function errorEntry(error: FhirError): BundleEntry {
  return { response: { status: statusLine(error.status), outcome: error.outcome } };
}
