// Loads the demo population (bundles/demo/*.json transaction Bundles of PUTs) once; resources that exist are left alone.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Bundle, Resource } from '@medplum/fhirtypes';
import { systemContext } from '../context.js';
import type { Repository } from '../storage/repository.js';

export const DEMO_DIR = new URL('../../bundles/demo/', import.meta.url);

/** Returns how many resources were created. Every bundle is applied in one transaction. */
export async function loadDemoData(repo: Repository, dir: string = DEMO_DIR.pathname): Promise<number> {
  const ctx = systemContext('demo-data');
  let created = 0;
  const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  for (const file of files) {
    const bundle = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Bundle;
    const resources = (bundle.entry ?? []).map((e) => e.resource).filter((r): r is Resource => !!r?.id);
    created += await repo.transaction(ctx, async (tx) => {
      let n = 0;
      for (const resource of resources) {
        if (await tx.readCurrent(ctx, resource.resourceType, resource.id as string)) continue;
        await tx.update(ctx, resource);
        n++;
      }
      return n;
    });
  }
  return created;
}
