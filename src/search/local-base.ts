// This server's own FHIR bases: an absolute reference under one of them names a local resource, like Type/id does.

const LOCAL_PATH = /^([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(\/_history\/[A-Za-z0-9\-.]{1,64})?$/;

/**
 * A set that can grow: with BASE_URL unset the server only knows its own address once it listens (port 0 in tests),
 * after the search parameter registry that carries this set already exists.
 */
export class LocalBases {
  private readonly bases: string[] = [];

  constructor(bases: Iterable<string> = []) {
    for (const base of bases) this.add(base);
  }

  /** Adds a FHIR base such as http://host:8080/fhir (a trailing slash is ignored). */
  add(base: string): void {
    const clean = base.replace(/\/+$/, '');
    if (clean && !this.bases.includes(clean)) this.bases.push(clean);
  }

  list(): readonly string[] {
    return this.bases;
  }

  /** Type/id (with /_history/v when given) for an absolute reference to a resource on this server; undefined otherwise. */
  relative(reference: string): string | undefined {
    const rest = pathBelow(reference, this.bases);
    return rest !== undefined && LOCAL_PATH.test(rest) ? rest : undefined;
  }
}

/** The part of a URL below the first of the bases it starts with (e.g. "Patient/1"), or undefined when it is on none. */
export function pathBelow(url: string, bases: readonly string[]): string | undefined {
  for (const base of bases) if (base && url.startsWith(`${base}/`)) return url.slice(base.length + 1);
  return undefined;
}

type Json = Record<string, unknown>;

/**
 * The resource as the index sees it: every Reference.reference that is an absolute URL on our base written as Type/id.
 * FHIRPath resolve() (the `patient` parameters, compartments) only understands relative references, so extraction reads
 * this view; the stored resource keeps what the client sent. Unchanged subtrees are shared, not copied.
 */
export function localView<T>(value: T, bases: LocalBases | undefined): T {
  if (!bases || bases.list().length === 0) return value;
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) {
      let copy: unknown[] | undefined;
      node.forEach((child, i) => {
        const next = walk(child);
        if (next !== child) (copy ??= [...node])[i] = next;
      });
      return copy ?? node;
    }
    if (!node || typeof node !== 'object') return node;
    let copy: Json | undefined;
    for (const [key, child] of Object.entries(node as Json)) {
      const next = key === 'reference' && typeof child === 'string' ? (bases.relative(child) ?? child) : walk(child);
      // defineProperty keeps a "__proto__" key in client JSON inert data, as in the stored resource.
      if (next !== child) Object.defineProperty((copy ??= { ...(node as Json) }), key, { value: next, enumerable: true, writable: true, configurable: true });
    }
    return copy ?? node;
  };
  return walk(value) as T;
}
