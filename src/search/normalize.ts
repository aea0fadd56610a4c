// Value normalisation shared by index extraction and query planning, so both sides agree exactly.

/** Case- and accent-insensitive form of a string: NFD, combining marks removed, lower-cased, spaces collapsed. */
export function normalizeString(value: string): string {
  return value.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+/g, ' ').trim();
}

/** Escapes LIKE wildcards so user input matches literally. */
export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

const DATE_RE = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;

export interface Range {
  low: string;
  high: string;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

function lastDayOfMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * The instant range a FHIR date/dateTime/instant covers, from its precision (2024 -> the whole year).
 * Values without a time zone are taken as UTC. Returns undefined for unparseable input.
 */
export function dateRange(value: string): Range | undefined {
  const m = DATE_RE.exec(value.trim());
  if (!m) return undefined;
  const [, y, mo, d, hh, mi, ss, frac, tz] = m;
  const year = Number(y);
  const month = mo ? Number(mo) : undefined;
  const day = d ? Number(d) : undefined;
  if (month !== undefined && (month < 1 || month > 12)) return undefined;
  if (day !== undefined && month !== undefined && (day < 1 || day > lastDayOfMonth(year, month))) return undefined;
  if (hh === undefined) {
    const startMonth = month ?? 1;
    const endMonth = month ?? 12;
    const endDay = day ?? lastDayOfMonth(year, endMonth);
    return {
      low: `${pad(year, 4)}-${pad(startMonth)}-${pad(day ?? 1)}T00:00:00.000Z`,
      high: `${pad(year, 4)}-${pad(endMonth)}-${pad(endDay)}T23:59:59.999Z`,
    };
  }
  const zone = tz ?? 'Z';
  const base = `${pad(year, 4)}-${mo}-${d}T${hh}:${mi}`;
  let lowText: string;
  let highText: string;
  if (ss === undefined) {
    lowText = `${base}:00.000${zone}`;
    highText = `${base}:59.999${zone}`;
  } else if (frac === undefined) {
    lowText = `${base}:${ss}.000${zone}`;
    highText = `${base}:${ss}.999${zone}`;
  } else {
    const ms = frac.slice(1, 4).padEnd(3, '0');
    lowText = highText = `${base}:${ss}.${ms}${zone}`;
  }
  const low = new Date(lowText);
  const high = new Date(highText);
  if (Number.isNaN(low.getTime()) || Number.isNaN(high.getTime())) return undefined;
  return { low: low.toISOString(), high: high.toISOString() };
}

/** Decimal places written in a number literal (for implicit precision: 100 -> 0, 1.50 -> 2). */
export function decimals(value: string): number {
  const match = /\.(\d+)/.exec(value);
  const exponent = /e([+-]?\d+)/i.exec(value);
  return Math.max(0, (match ? match[1].length : 0) - (exponent ? Number(exponent[1]) : 0));
}

export const NUMBER_RE = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** Longest indexed text, in UTF-8 bytes: btree index entries must stay well under PostgreSQL's ~2.7 kB limit. */
export const INDEX_TEXT_BYTES = 600;

/** Cuts a string to at most INDEX_TEXT_BYTES of UTF-8 at a character boundary (values this long match on their prefix). */
export function clipForIndex(value: string): string {
  if (value.length * 3 <= INDEX_TEXT_BYTES || Buffer.byteLength(value, 'utf8') <= INDEX_TEXT_BYTES) return value;
  let bytes = 0;
  let end = 0;
  for (const char of value) {
    const size = Buffer.byteLength(char, 'utf8');
    if (bytes + size > INDEX_TEXT_BYTES) break;
    bytes += size;
    end += char.length;
  }
  return value.slice(0, end);
}
