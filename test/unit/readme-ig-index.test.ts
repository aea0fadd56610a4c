// The README's implementation-guide index lists exactly the content files there are.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT, readContent } from '../../src/content/files.js';
import { withIgIndex } from '../../src/content/ig-index.js';

describe('README implementation guide', () => {
  it('lists every content artefact with its canonical URL (regenerate with: npx tsx scripts/ig-index.ts)', () => {
    const readme = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8');
    expect(withIgIndex(readme, readContent()) === readme, 'README index is stale: run npx tsx scripts/ig-index.ts').toBe(true);
  });
});
