// Comparison prefixes for ordered parameter types (date, number, quantity).
export const PREFIXES = ['eq', 'ne', 'gt', 'lt', 'ge', 'le', 'sa', 'eb', 'ap'] as const;
export type Prefix = (typeof PREFIXES)[number];

export function splitPrefix(value: string): { prefix: Prefix; value: string } {
  const head = value.slice(0, 2) as Prefix;
  if (PREFIXES.includes(head) && value.length > 2 && !/^[a-z]/.test(value.slice(2, 3))) return { prefix: head, value: value.slice(2) };
  return { prefix: 'eq', value };
}
