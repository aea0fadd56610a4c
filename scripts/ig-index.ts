// Rewrites the README's implementation-guide index from the content files (npx tsx scripts/ig-index.ts).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT, readContent } from '../src/content/files.js';
import { withIgIndex } from '../src/content/ig-index.js';

const path = join(PROJECT_ROOT, 'README.md');
const before = readFileSync(path, 'utf8');
const after = withIgIndex(before, readContent());
if (after !== before) writeFileSync(path, after);
console.log(after === before ? 'README index already up to date' : 'README index rewritten');
