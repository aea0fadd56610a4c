// Reads the conformance content files (profiles/, valueSets/, bundles/ without bundles/examples/) from disk.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Bundle, Resource } from '@medplum/fhirtypes';

export const CONTENT_DIRS = ['profiles', 'valueSets', 'bundles'];
/** Sample member bundles (examples/) and the quick-start demo population (demo/, loaded by src/demo): not conformance content. */
const SKIPPED = [join('bundles', 'examples'), join('bundles', 'demo')];

/** The repository root, where the content directories live by default. */
export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface ContentFile {
  /** Path relative to the content root, with forward slashes. */
  file: string;
  resource: Resource;
  /** sha256 of the resource as loaded (canonical JSON, without meta), so whitespace edits do not count as changes. */
  hash: string;
}

function walk(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : name.endsWith('.json') ? [path] : [];
  });
}

/** Stable JSON: object keys sorted, so the hash depends on content only. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Hash of a resource's content, ignoring meta (which the server stamps). */
export function contentHash(resource: Resource): string {
  const { meta: _meta, ...rest } = resource;
  return createHash('sha256').update(canonicalJson(rest)).digest('hex');
}

/** Every resource in the content directories; a Bundle file contributes its entries. Throws on unreadable JSON. */
export function readContent(root: string = PROJECT_ROOT, dirs: string[] = CONTENT_DIRS): ContentFile[] {
  const files = dirs.flatMap((d) => walk(join(root, d))).filter((p) => !SKIPPED.some((s) => relative(root, p).startsWith(s + sep)));
  return files.flatMap((path) => {
    const file = relative(root, path).split(sep).join('/');
    let json: Resource;
    try {
      json = JSON.parse(readFileSync(path, 'utf8')) as Resource;
    } catch (err) {
      throw new Error(`${file}: not valid JSON (${(err as Error).message})`);
    }
    const resources = json.resourceType === 'Bundle' ? ((json as Bundle).entry ?? []).flatMap((e) => (e.resource ? [e.resource] : [])) : [json];
    return resources.map((resource) => {
      if (!resource.resourceType || !resource.id) throw new Error(`${file}: every content resource needs a resourceType and an id`);
      return { file, resource, hash: contentHash(resource) };
    });
  });
}
