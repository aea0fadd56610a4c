// Assertions on OperationOutcome error responses shared by the integration suites.
import { expect } from 'vitest';
import type { FhirResult } from './server.js';

interface Issue {
  severity: string;
  code: string;
  diagnostics?: string;
  expression?: string[];
}

/** Every expression of every issue in an OperationOutcome body. */
export function expressions(body: { issue?: { expression?: string[] }[] } | undefined): string[] {
  return (body?.issue ?? []).flatMap((i) => i.expression ?? []);
}

/**
 * Asserts the response is `status` with an OperationOutcome body whose issues are errors,
 * and (when given) that some issue's expression starts with `expressionPrefix`.
 */
export function expectOutcome(res: FhirResult, status: number, expressionPrefix?: string): void {
  expect(res.status, res.text).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/fhir\+json/);
  expect(res.body?.resourceType, res.text).toBe('OperationOutcome');
  expect(res.body.issue.length).toBeGreaterThan(0);
  for (const i of res.body.issue as Issue[]) {
    expect(['error', 'fatal']).toContain(i.severity);
    expect(typeof i.code).toBe('string');
    // FHIR forbids empty arrays in JSON.
    if (i.expression !== undefined) expect(i.expression.length).toBeGreaterThan(0);
  }
  if (expressionPrefix !== undefined) {
    const all = expressions(res.body);
    expect(all.some((e) => e.startsWith(expressionPrefix)), `expected an expression starting "${expressionPrefix}", got ${JSON.stringify(all)}`).toBe(true);
  }
}
