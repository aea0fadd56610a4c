// ICD-10-CM matching: codes normalised (no dots or spaces, upper case); patterns are ranges, categories or exact codes.

/** "Z59.01" and "z5901 " both become "Z5901". */
export function normalizeIcd(code: string): string {
  return /^[0-9A-Z]*$/.test(code) ? code : code.replace(/[.\s]/g, '').toUpperCase();
}

export type IcdMatcher = (normalizedCode: string) => boolean;

/**
 * One pattern of the rule language:
 * - "X-Y" (or "X–Y"): the code's first k characters lie between X and Y inclusive, k being the length of X and Y
 *   ("E08-E13" compares categories, "A-U" compares first letters);
 * - "X*" or "X.*": X itself and every code under it ("Z34.*", "O24.4*");
 * - a bare three-character category ("I50"): itself and every code under it;
 * - anything else: exactly that code ("Z59.0" is not a category).
 */
export function icdPattern(pattern: string): IcdMatcher {
  const range = /^\s*([^-–\s]+)\s*[-–]\s*([^-–\s]+)\s*$/.exec(pattern);
  if (range) {
    const lo = normalizeIcd(range[1]);
    const hi = normalizeIcd(range[2]);
    if (lo.length !== hi.length || lo > hi) throw new Error(`ICD-10-CM range "${pattern}" needs two ends of the same length, low first`);
    const k = lo.length;
    return (code) => code.length >= k && code.slice(0, k) >= lo && code.slice(0, k) <= hi;
  }
  const trimmed = pattern.trim();
  if (trimmed.endsWith('*')) {
    const prefix = normalizeIcd(trimmed.slice(0, -1));
    if (!prefix) throw new Error(`ICD-10-CM pattern "${pattern}" has nothing before the *`);
    return (code) => code.startsWith(prefix);
  }
  const code = normalizeIcd(trimmed);
  if (!code) throw new Error('An empty ICD-10-CM pattern matches nothing');
  return code.length === 3 ? (c) => c.startsWith(code) : (c) => c === code;
}

const matchers = new Map<string, IcdMatcher>();
const byList = new WeakMap<readonly string[], IcdMatcher>();

/** A matcher for a list of patterns (cached: rules pass the same lists for every member). */
export function icdMatcher(patterns: readonly string[]): IcdMatcher {
  let matcher = byList.get(patterns);
  if (matcher) return matcher;
  const key = patterns.join('\u0000');
  matcher = matchers.get(key);
  if (!matcher) {
    const parts = patterns.map(icdPattern);
    matcher = parts.length === 1 ? parts[0] : (code) => parts.some((p) => p(code));
    matchers.set(key, matcher);
  }
  byList.set(patterns, matcher);
  return matcher;
}
