// ValueSets for memberOf() without a server: the CodeSystems and ValueSets in valueSets/, then the R4 core, compiled by src/terminology.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CodeSystem, ValueSet } from '@medplum/fhirtypes';
import type { ValueSetTest } from '../eligibility/rule-functions.js';
import { CodeSystemIndex } from '../terminology/code-system-index.js';
import { compileValueSet } from '../terminology/compile-value-set.js';
import { coreCodeSystem, coreValueSet } from '../terminology/core-terminology.js';
import type { TerminologySource } from '../terminology/source.js';
import { CliError } from './io.js';

const VALUE_SETS_DIR = fileURLToPath(new URL('../../valueSets/', import.meta.url));

function readCanonicals(dir: string): Map<string, CodeSystem | ValueSet> {
  const byUrl = new Map<string, CodeSystem | ValueSet>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    const resource = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CodeSystem | ValueSet;
    if ((resource.resourceType === 'CodeSystem' || resource.resourceType === 'ValueSet') && resource.url) byUrl.set(`${resource.resourceType}|${resource.url}`, resource);
  }
  return byUrl;
}

export async function fileValueSets(urls: string[], dir = VALUE_SETS_DIR): Promise<ReadonlyMap<string, ValueSetTest> | undefined> {
  if (urls.length === 0) return undefined;
  const files = readCanonicals(dir);
  const source: TerminologySource = {
    codeSystem: async (url) => {
      const resource = (files.get(`CodeSystem|${url}`) as CodeSystem | undefined) ?? coreCodeSystem(url);
      return resource ? new CodeSystemIndex(resource) : undefined;
    },
    valueSet: async (url) => (files.get(`ValueSet|${url}`) as ValueSet | undefined) ?? coreValueSet(url),
    compiled: async (url, trail = []) => {
      const vs = await source.valueSet(url);
      return vs ? compileValueSet(vs, source, [...trail, url]) : undefined;
    },
  };
  const tests = new Map<string, ValueSetTest>();
  for (const url of urls) {
    const compiled = await source.compiled(url);
    if (!compiled) throw new CliError(`the rules name ValueSet ${url} in memberOf(), and it is neither in valueSets/ nor in the R4 core`);
    tests.set(url, (system, code) => compiled.contains(system, code));
  }
  return tests;
}
