// Code systems the server has no content for but whose hierarchy is in the codes themselves (ICD-10-CM).

export interface LexicalSystem {
  /** The code as compared: dots and spaces removed, upper-cased. */
  normalize(code: string): string;
  /** The conventional written form used for regex filters (ICD-10-CM: a dot after the category). */
  written(code: string): string;
  /** Whether `code` is `ancestor` or under it. */
  isA(code: string, ancestor: string): boolean;
}

const icd10: LexicalSystem = {
  normalize: (code) => code.replace(/[.\s]/g, '').toUpperCase(),
  written(code) {
    const n = this.normalize(code);
    return n.length > 3 ? `${n.slice(0, 3)}.${n.slice(3)}` : n;
  },
  isA(code, ancestor) {
    return this.normalize(code).startsWith(this.normalize(ancestor));
  },
};

const SYSTEMS: Record<string, LexicalSystem> = {
  'http://hl7.org/fhir/sid/icd-10-cm': icd10,
  'http://hl7.org/fhir/sid/icd-10': icd10,
};

export function lexicalSystem(system: string | undefined): LexicalSystem | undefined {
  return system ? SYSTEMS[system] : undefined;
}
