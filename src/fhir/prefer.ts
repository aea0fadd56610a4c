// The Prefer header: return=minimal | representation | OperationOutcome, and handling=strict | lenient.
export type ReturnPreference = 'minimal' | 'representation' | 'OperationOutcome';

export function returnPreference(prefer: string | undefined): ReturnPreference {
  const match = /(?:^|[;,\s])return\s*=\s*"?(minimal|representation|OperationOutcome)"?/i.exec(prefer ?? '');
  if (!match) return 'representation';
  const value = match[1].toLowerCase();
  return value === 'minimal' ? 'minimal' : value === 'operationoutcome' ? 'OperationOutcome' : 'representation';
}

export function strictHandling(prefer: string | undefined): boolean {
  return /(?:^|[;,\s])handling\s*=\s*"?strict"?/i.test(prefer ?? '');
}
