// $validate-code for value sets and code systems: is a code (or Coding, or CodeableConcept) a member, and with what display.
import type { CodeableConcept, Coding } from '@medplum/fhirtypes';
import type { CodeSystemIndex } from './code-system-index.js';
import type { CompiledValueSet } from './compile-value-set.js';
import { lexicalSystem } from './lexical.js';
import type { TerminologySource } from './source.js';

export interface CodeCheck {
  result: boolean;
  message?: string;
  display?: string;
}

/** The codings to check: a CodeableConcept's, a single Coding, or code + system. */
export function codingsOf(input: { code?: string; system?: string; display?: string; coding?: Coding; codeableConcept?: CodeableConcept }): Coding[] {
  if (input.codeableConcept) return input.codeableConcept.coding ?? [];
  if (input.coding) return [input.coding];
  return input.code !== undefined ? [{ system: input.system, code: input.code, display: input.display }] : [];
}

function displayCheck(coding: Coding, display: string | undefined): CodeCheck {
  if (coding.display !== undefined && display !== undefined && coding.display.toLowerCase() !== display.toLowerCase()) {
    return { result: true, display, message: `The display "${coding.display}" is not the display of ${coding.system}#${coding.code} ("${display}")` };
  }
  return { result: true, ...(display !== undefined ? { display } : {}) };
}

async function displayOf(source: TerminologySource, coding: Coding): Promise<string | undefined> {
  if (!coding.system) return undefined;
  return (await source.codeSystem(coding.system))?.get(coding.code as string)?.display;
}

/** A CodeableConcept is valid when any of its codings is; the first valid one supplies the display. */
export async function validateInValueSet(source: TerminologySource, compiled: CompiledValueSet, codings: Coding[]): Promise<CodeCheck> {
  const messages: string[] = [];
  for (const coding of codings) {
    if (!coding.code) continue;
    const member = compiled.contains(coding.system, coding.code);
    if (member === true) return displayCheck(coding, await displayOf(source, coding));
    const label = `${coding.system ?? '(no system)'}#${coding.code}`;
    messages.push(member === false ? `${label} is not in value set ${compiled.url}` : `${label} cannot be checked against value set ${compiled.url}: the server holds no content for ${coding.system}`);
  }
  return { result: false, message: messages.join('; ') || 'No code was provided' };
}

/** Whether the code exists in the code system (for a lexical system with no content: only its format can be checked). */
export function validateInCodeSystem(index: CodeSystemIndex | undefined, system: string, codings: Coding[]): CodeCheck {
  const messages: string[] = [];
  for (const coding of codings) {
    if (!coding.code) continue;
    if (coding.system !== undefined && coding.system !== system) {
      messages.push(`${coding.system}#${coding.code} is not from code system ${system}`);
      continue;
    }
    const entry = index?.get(coding.code);
    if (entry) return displayCheck(coding, entry.display);
    if (!index && lexicalSystem(system)) {
      messages.push(`${system}#${coding.code}: the server holds no content for ${system}, so the code cannot be confirmed`);
      continue;
    }
    messages.push(index?.content === 'complete' || !index ? `${coding.code} is not a code in ${system}` : `${coding.code} is not in the ${index.content} of ${system} the server holds`);
  }
  return { result: false, message: messages.join('; ') || 'No code was provided' };
}
