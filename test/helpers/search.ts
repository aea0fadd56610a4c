// Helpers shared by the search suites: seeding fixed-id data with PUT, and reading match ids out of searchset Bundles.
import type { Resource } from '@medplum/fhirtypes';
import { expect } from 'vitest';
import type { Config } from '../../src/config.js';
import type { Backend } from './backends.js';
import { startTestServer, type FhirResult, type TestServer } from './server.js';

/**
 * A test server holding only what the suite writes: no demo data and no conformance content loaded at start-up,
 * so that every expected result set is exact.
 */
export function startSearchServer(backend: Backend): Promise<TestServer> {
  const overrides: Record<string, unknown> = { loadDemoData: false, loadContent: false };
  return startTestServer(backend, overrides as Partial<Config>);
}

export interface SearchEntry {
  fullUrl?: string;
  resource?: Resource & { id: string };
  search?: { mode?: string };
}

/** PUTs every resource at its fixed id (in order, so later ones may reference earlier ones). */
export async function seed(server: TestServer, resources: Resource[]): Promise<void> {
  for (const resource of resources) {
    const res = await server.fhir(`${resource.resourceType}/${resource.id}`, { method: 'PUT', body: resource });
    expect([200, 201], `${resource.resourceType}/${resource.id}: ${res.text}`).toContain(res.status);
  }
}

export function entries(body: { entry?: SearchEntry[] } | undefined, mode?: string): SearchEntry[] {
  return (body?.entry ?? []).filter((e) => mode === undefined || e.search?.mode === mode);
}

/** Ids of the match entries, sorted (for set comparisons). */
export function matchIds(res: FhirResult): string[] {
  return entries(res.body, 'match')
    .map((e) => e.resource?.id as string)
    .sort();
}

/** Type/id of the entries in one mode, sorted. */
export function refs(res: FhirResult, mode: string): string[] {
  return entries(res.body, mode)
    .map((e) => `${e.resource?.resourceType}/${e.resource?.id}`)
    .sort();
}

/** Runs a search that must succeed and returns the sorted match ids. */
export async function searchIds(server: TestServer, query: string, init?: Parameters<TestServer['fhir']>[1]): Promise<string[]> {
  const res = await server.fhir(query, init);
  expect(res.status, `${query}: ${res.text}`).toBe(200);
  expect(res.body.resourceType).toBe('Bundle');
  expect(res.body.type).toBe('searchset');
  return matchIds(res);
}

/** The URL of a Bundle link relation, as a path relative to the FHIR base. */
export function linkPath(server: TestServer, res: FhirResult, relation: string): string | undefined {
  const url: string | undefined = res.body.link?.find((l: { relation: string }) => l.relation === relation)?.url;
  if (url === undefined) return undefined;
  expect(url.startsWith(`${server.baseUrl}/`) || url.startsWith(`${server.baseUrl}?`), url).toBe(true);
  return url.slice(server.baseUrl.length);
}

/** The warning issues of the search.mode=outcome entry (none when absent). */
export function outcomeIssues(res: FhirResult): { severity: string; code: string; diagnostics?: string }[] {
  return entries(res.body, 'outcome').flatMap((e) => (e.resource as unknown as { issue: { severity: string; code: string; diagnostics?: string }[] }).issue);
}
