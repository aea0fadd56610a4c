// Reads an element's values from a JSON object, with the path of each value as issues report it (e.g. Patient.name[0]).

export interface PathValue {
  value: unknown;
  path: string;
  /** For a choice element, the type suffix of the JSON key (valueBoolean -> "Boolean"). */
  suffix?: string;
}

export function valuesOf(parent: unknown, name: string, parentPath: string): PathValue[] {
  if (parent === null || typeof parent !== 'object' || Array.isArray(parent)) return [];
  const record = parent as Record<string, unknown>;
  const out: PathValue[] = [];
  const push = (key: string, suffix?: string) => {
    const v = record[key];
    if (v === undefined || v === null) return;
    if (Array.isArray(v)) v.forEach((item, i) => item !== null && out.push({ value: item, path: `${parentPath}.${key}[${i}]`, suffix }));
    else out.push({ value: v, path: `${parentPath}.${key}`, suffix });
  };
  if (name.endsWith('[x]')) {
    const prefix = name.slice(0, -3);
    for (const key of Object.keys(record)) if (key.startsWith(prefix) && /^[A-Z]/.test(key.slice(prefix.length))) push(key, key.slice(prefix.length));
  } else push(name);
  return out;
}

/** Values at a simple dotted path below a value ("$this", "system", "coding.system"), arrays flattened. */
export function navigate(value: unknown, path: string): unknown[] {
  if (path === '$this') return [value];
  let current: unknown[] = [value];
  for (const segment of path.split('.')) {
    current = current.flatMap((v) => {
      if (v === null || typeof v !== 'object') return [];
      const next = (v as Record<string, unknown>)[segment];
      return next === undefined || next === null ? [] : Array.isArray(next) ? next : [next];
    });
  }
  return current;
}

/** "Type" of a literal reference: Type/id, an absolute URL ending in Type/id[/_history/v], or a conditional Type?query. */
export function referenceType(reference: string): string | undefined {
  if (reference.startsWith('#') || reference.startsWith('urn:')) return undefined;
  const conditional = /^([A-Z][A-Za-z]+)\?/.exec(reference);
  if (conditional) return conditional[1];
  const match = /(?:^|\/)([A-Z][A-Za-z]+)\/[A-Za-z0-9\-.]{1,64}(?:\/_history\/[A-Za-z0-9\-.]{1,64})?$/.exec(reference);
  return match?.[1];
}
