// ValueSet compose filters (is-a, descendent-of, is-not-a, =, in, not-in, regex, generalizes, exists) as code predicates.
import type { ValueSetComposeIncludeFilter } from '@medplum/fhirtypes';
import type { CodeSystemIndex } from './code-system-index.js';
import type { LexicalSystem } from './lexical.js';

/** true / false, or undefined when the filter cannot be decided for this code system. */
export type CodePredicate = (code: string) => boolean | undefined;

const CODE_PROPERTIES = new Set(['concept', 'code']);

function fullMatch(pattern: string): (value: string) => boolean {
  const regex = new RegExp(`^(?:${pattern})$`);
  return (value) => regex.test(value);
}

/** A filter evaluated against a code system whose concepts the server holds. */
export function indexFilter(index: CodeSystemIndex, filter: ValueSetComposeIncludeFilter): CodePredicate {
  const { property = '', op, value = '' } = filter;
  const list = value.split(',').map((v) => v.trim());
  if (CODE_PROPERTIES.has(property)) {
    const ancestor = index.get(value)?.code ?? value;
    const below = () => index.descendants(ancestor);
    switch (op) {
      case 'is-a': {
        const set = below();
        return (code) => code === ancestor || set.has(code);
      }
      case 'descendent-of': {
        const set = below();
        return (code) => set.has(code);
      }
      case 'is-not-a': {
        const set = below();
        return (code) => code !== ancestor && !set.has(code);
      }
      case 'generalizes':
        return (code) => code === ancestor || index.descendants(code).has(ancestor);
      case '=':
        return (code) => code === ancestor;
      case 'in':
        return (code) => list.includes(code);
      case 'not-in':
        return (code) => !list.includes(code);
      case 'regex': {
        const matches = fullMatch(value);
        return (code) => matches(code);
      }
      default:
        return () => undefined;
    }
  }
  const valuesOf = (code: string): string[] | undefined => {
    const entry = index.get(code);
    if (!entry) return undefined;
    return property === 'display' ? (entry.display ? [entry.display] : []) : index.propertyValues(entry, property);
  };
  const test = (check: (values: string[]) => boolean): CodePredicate => (code) => {
    const values = valuesOf(code);
    return values === undefined ? false : check(values);
  };
  switch (op) {
    case '=':
      return test((values) => values.includes(value));
    case 'in':
      return test((values) => values.some((v) => list.includes(v)));
    case 'not-in':
      return test((values) => !values.some((v) => list.includes(v)));
    case 'regex': {
      const matches = fullMatch(value);
      return test((values) => values.some(matches));
    }
    case 'exists':
      return test((values) => (values.length > 0) === (value === 'true'));
    default:
      return () => undefined;
  }
}

/** A filter evaluated on the code alone, for code systems whose hierarchy is lexical (ICD-10-CM). */
export function lexicalFilter(lexical: LexicalSystem, filter: ValueSetComposeIncludeFilter): CodePredicate {
  const { property = '', op, value = '' } = filter;
  if (!CODE_PROPERTIES.has(property)) return () => undefined;
  const target = lexical.normalize(value);
  const list = value.split(',').map((v) => lexical.normalize(v));
  switch (op) {
    case 'is-a':
      return (code) => lexical.isA(code, value);
    case 'descendent-of':
      return (code) => lexical.isA(code, value) && lexical.normalize(code) !== target;
    case 'is-not-a':
      return (code) => !lexical.isA(code, value);
    case 'generalizes':
      return (code) => lexical.isA(value, code);
    case '=':
      return (code) => lexical.normalize(code) === target;
    case 'in':
      return (code) => list.includes(lexical.normalize(code));
    case 'not-in':
      return (code) => !list.includes(lexical.normalize(code));
    case 'regex': {
      const matches = fullMatch(value);
      return (code) => matches(lexical.written(code));
    }
    default:
      return () => undefined;
  }
}
