// npm run content:check: validates all conformance content (profiles/, valueSets/, bundles/) against the base specification.
import { checkContent } from '../src/content/check.js';
import { readContent } from '../src/content/files.js';

const files = readContent();
const problems = await checkContent(files);
for (const p of problems) console.error(`${p.file}: ${p.message}`);
console.log(`${files.length} content resources checked: ${problems.length ? `${problems.length} problem(s)` : 'no problems'}`);
process.exit(problems.length ? 1 : 0);
