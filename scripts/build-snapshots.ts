// Regenerates the snapshot of every StructureDefinition in profiles/ from its differential (npm run content:snapshots).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StructureDefinition } from '@medplum/fhirtypes';
import { PROJECT_ROOT, readContent } from '../src/content/files.js';
import { coreStructureDefinition } from '../src/validation/profile/core-definitions.js';
import { generateSnapshots } from '../src/validation/profile/snapshot.js';

const files = readContent(PROJECT_ROOT, ['profiles']).filter((f) => f.resource.resourceType === 'StructureDefinition' && (f.resource as StructureDefinition).differential);
const built = generateSnapshots(files.map((f) => f.resource as StructureDefinition), coreStructureDefinition);
built.forEach((sd, i) => {
  const { snapshot, ...rest } = sd;
  // Keep the authored key order and put the snapshot last, after the differential it is generated from.
  writeFileSync(join(PROJECT_ROOT, files[i].file), `${JSON.stringify({ ...rest, snapshot }, null, 2)}\n`);
});
console.log(`snapshots written for ${built.length} StructureDefinitions`);
