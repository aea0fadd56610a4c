// A terminology source over content files plus the R4 core, for checks that run without a server (content:check, tests).
import type { CodeSystem, ValueSet } from '@medplum/fhirtypes';
import { CodeSystemIndex } from '../terminology/code-system-index.js';
import { compileValueSet, type CompiledValueSet } from '../terminology/compile-value-set.js';
import { coreCodeSystem, coreValueSet } from '../terminology/core-terminology.js';
import type { TerminologySource } from '../terminology/source.js';
import type { ContentFile } from './files.js';

export function fileTerminology(files: ContentFile[]): TerminologySource {
  const byUrl = new Map<string, unknown>();
  for (const f of files) {
    const url = (f.resource as { url?: string }).url;
    if (url) byUrl.set(`${f.resource.resourceType}|${url}`, f.resource);
  }
  const compiled = new Map<string, Promise<CompiledValueSet | undefined>>();
  const source: TerminologySource = {
    codeSystem: async (url) => {
      const cs = (byUrl.get(`CodeSystem|${url.split('|')[0]}`) as CodeSystem | undefined) ?? coreCodeSystem(url);
      return cs ? new CodeSystemIndex(cs) : undefined;
    },
    valueSet: async (url) => (byUrl.get(`ValueSet|${url.split('|')[0]}`) as ValueSet | undefined) ?? coreValueSet(url),
    compiled: (url, trail = []) => {
      const compile = async () => {
        const vs = await source.valueSet(url);
        return vs ? compileValueSet(vs, source, [...trail, url]) : undefined;
      };
      if (trail.length > 0) return compile();
      let value = compiled.get(url);
      if (!value) compiled.set(url, (value = compile()));
      return value;
    },
  };
  return source;
}
