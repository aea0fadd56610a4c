// The R4 core code systems and value sets as a terminology source of their own: fixed content, compiled once per process.
import { CodeSystemIndex } from './code-system-index.js';
import { compileValueSet, type CompiledValueSet } from './compile-value-set.js';
import { coreCodeSystem, coreValueSet } from './core-terminology.js';
import type { TerminologySource } from './source.js';

const codeSystems = new Map<string, CodeSystemIndex | undefined>();
const compiled = new Map<string, Promise<CompiledValueSet | undefined>>();

/** Never consults storage, so it needs no invalidation; terminologyFor() is the view that includes stored resources. */
export const coreTerminology: TerminologySource = {
  codeSystem: async (url) => {
    if (!codeSystems.has(url)) {
      const cs = coreCodeSystem(url);
      codeSystems.set(url, cs ? new CodeSystemIndex(cs) : undefined);
    }
    return codeSystems.get(url);
  },
  valueSet: async (url) => coreValueSet(url),
  compiled: (url, trail = []) => {
    const compile = async () => {
      const vs = coreValueSet(url);
      return vs ? compileValueSet(vs, coreTerminology, [...trail, url]) : undefined;
    };
    if (trail.length > 0) return compile();
    let value = compiled.get(url);
    if (!value) compiled.set(url, (value = compile()));
    return value;
  },
};
