// Every resource the repository ships or uses as a fixture (bundles/ with examples and demo, profiles/, valueSets/,
// test/fixtures/), a Bundle followed by its entries: the corpus differential tests compare implementations on.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Resource } from '@medplum/fhirtypes';

function jsonFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return jsonFiles(path);
    return name.endsWith('.json') ? [path] : [];
  });
}

export function resourceCorpus(): Resource[] {
  const resources: Resource[] = [];
  for (const file of ['bundles', 'profiles', 'valueSets', 'test/fixtures'].flatMap(jsonFiles)) {
    const doc = JSON.parse(readFileSync(file, 'utf8')) as Resource;
    if (typeof doc?.resourceType !== 'string') continue;
    resources.push(doc);
    if (doc.resourceType === 'Bundle') for (const e of doc.entry ?? []) if (e.resource) resources.push(e.resource);
  }
  return resources;
}
