// The Parameters answer shared by ValueSet/$validate-code and CodeSystem/$validate-code.
import type { CodeableConcept, Coding, Parameters } from '@medplum/fhirtypes';
import type { CodeCheck } from '../../terminology/validate-code.js';
import { codingsOf } from '../../terminology/validate-code.js';
import { badRequest } from '../errors.js';
import type { OperationInput } from './params.js';

export function checkResponse(check: CodeCheck): Parameters {
  return {
    resourceType: 'Parameters',
    parameter: [
      { name: 'result', valueBoolean: check.result },
      ...(check.message ? [{ name: 'message', valueString: check.message }] : []),
      ...(check.display ? [{ name: 'display', valueString: check.display }] : []),
    ],
  };
}

/** The codings to check from code/system/display, coding or codeableConcept; 400 when none is given. */
export function inputCodings(input: OperationInput, systemParam: 'system' | 'url'): Coding[] {
  const codings = codingsOf({
    code: input.get<string>('code'),
    system: input.get<string>(systemParam),
    display: input.get<string>('display'),
    coding: input.get<Coding>('coding'),
    codeableConcept: input.get<CodeableConcept>('codeableConcept'),
  });
  if (codings.length === 0) throw badRequest('Give a code (with system), a coding or a codeableConcept to validate', 'code');
  return codings;
}
