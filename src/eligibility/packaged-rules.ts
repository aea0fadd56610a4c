// The definitions shipped in bundles/ (Library, Group/pof-*, PlanDefinition/cs-*), for the CLI and as the server's default.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Resource } from '@medplum/fhirtypes';
import { buildRuleSet, type RuleSet } from './definitions.js';

export const BUNDLES_DIR = fileURLToPath(new URL('../../bundles/', import.meta.url));
const DEFINITION_FILE = /^(Library-ecm-eligibility-definitions|Group-pof-[a-z-]+|PlanDefinition-cs-[a-z-]+)\.json$/;

let cached: { resources: Resource[]; hash: string } | undefined;

/** The packaged definition resources, read once per process. */
export function packagedDefinitions(dir = BUNDLES_DIR): { resources: Resource[]; hash: string } {
  if (cached && dir === BUNDLES_DIR) return cached;
  const hash = createHash('sha256');
  const resources = readdirSync(dir)
    .filter((f) => DEFINITION_FILE.test(f))
    .sort()
    .map((f) => {
      const text = readFileSync(`${dir}/${f}`, 'utf8');
      hash.update(text);
      return JSON.parse(text) as Resource;
    });
  const result = { resources, hash: hash.digest('hex').slice(0, 16) };
  if (dir === BUNDLES_DIR) cached = result;
  return result;
}

export function packagedRuleSet(dir = BUNDLES_DIR): RuleSet {
  const { resources, hash } = packagedDefinitions(dir);
  return buildRuleSet(resources, `files:${hash}`);
}
