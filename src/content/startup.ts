// Start-up step: load the content files (unless LOAD_CONTENT=false) and say which resource types they protect.
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Repository } from '../storage/repository.js';
import { PROJECT_ROOT, readContent } from './files.js';
import { loadContent } from './load.js';
import type { ContentProtection } from './protected-repository.js';

/** Types protected even when the files are not read (content loaded by an earlier start stays read-only). */
const CONFORMANCE_TYPES = ['CodeSystem', 'ValueSet', 'ConceptMap', 'NamingSystem', 'StructureDefinition', 'SearchParameter', 'OperationDefinition', 'Group', 'PlanDefinition', 'Library'];

export async function startContent(repo: Repository, config: Config, logger: Logger): Promise<ContentProtection> {
  const types = new Set(CONFORMANCE_TYPES);
  if (config.loadContent) {
    const started = Date.now();
    const files = readContent(config.contentDir ?? PROJECT_ROOT);
    files.forEach((f) => types.add(f.resource.resourceType));
    const report = await loadContent(repo, files, logger);
    logger.info({ created: report.created.length, updated: report.updated, unchanged: report.unchanged, kept: report.kept.length, ms: Date.now() - started }, 'conformance content loaded');
  }
  return { types, writable: config.contentWritable };
}
