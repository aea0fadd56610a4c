// Environment variables -> one typed, validated configuration object.
import type { ReferralPolicy } from './referrals/policy.js';

export interface Config {
  /** TCP port; 0 picks a free one (tests). */
  port: number;
  host: string;
  /** PostgreSQL connection string; when absent the embedded PGlite database is used. */
  databaseUrl?: string;
  /** PGlite data directory; 'memory://' keeps everything in memory. */
  dataDir: string;
  logLevel: string;
  /** Maximum accepted request body, in bytes. */
  bodyLimitBytes: number;
  /** Public base URL override (behind a proxy); otherwise derived from the request. */
  baseUrl?: string;
  /** Identity attached to every request until SMART authentication lands. */
  defaultClientId: string;
  defaultOrganization?: string;
  /** Size of the PostgreSQL connection pool. */
  poolSize: number;
  /**
   * random_page_cost for the server's database sessions. The default, 1.1, says index look-ups cost about as much as
   * sequential reads (SSD or a working set in memory), so the planner probes indexes instead of scanning.
   */
  randomPageCost?: number;
  /** Keep recurring statements (writes, reads by id) prepared per connection on PostgreSQL; off for poolers that cannot. */
  preparedStatements: boolean;
  /** Maximum page size for history and search. */
  maxCount: number;
  defaultCount: number;
  /** Load demo data on start-up (embedded quick start). */
  loadDemoData: boolean;
  /** Development only: take the caller's organization from the X-Calaim-Organization header. */
  devOrgHeader: boolean;
  /** Referral workflow numbers: decision deadlines, holidays, presumptive authorization length. */
  referrals: ReferralPolicy;
  /** Seconds between sweeps that end expired ECM presumptive authorizations; 0 turns the job off. */
  presumptiveSweepSeconds: number;
  /** Load the conformance content files (profiles/, valueSets/, bundles/) into storage on start-up. */
  loadContent: boolean;
  /** Directory holding the content directories; the project root by default. */
  contentDir?: string;
  /** Allow changing or deleting loaded conformance resources through the API (read-only otherwise: 403). */
  contentWritable: boolean;
  /** A meta.profile the server does not know: a warning, or a 422 when "reject". */
  unknownProfile: 'warn' | 'reject';
}

export class ConfigError extends Error {}

function dates(env: NodeJS.ProcessEnv, name: string): string[] {
  const list = (env[name] ?? '').split(',').map((d) => d.trim()).filter(Boolean);
  for (const d of list) if (!/^\d{4}-\d{2}-\d{2}$/.test(d)) throw new ConfigError(`${name} must list dates as YYYY-MM-DD, got "${d}"`);
  return list;
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min = 0): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new ConfigError(`${name} must be an integer >= ${min}, got "${raw}"`);
  return value;
}

/** Parses sizes such as "5mb", "512kb" or a plain byte count. */
export function parseByteSize(raw: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?\s*$/i.exec(raw);
  if (!match) throw new ConfigError(`invalid size "${raw}" (use e.g. 5mb, 512kb or bytes)`);
  const unit = (match[2] ?? 'b').toLowerCase();
  const factor = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 }[unit] ?? 1;
  return Math.floor(Number(match[1]) * factor);
}

/** A positive decimal; `off` (or 0) gives undefined: leave the database's own setting. */
function decimal(env: NodeJS.ProcessEnv, name: string, fallback: number): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (/^(off|0)$/i.test(raw)) return undefined;
  if (!/^\d+(\.\d+)?$/.test(raw)) throw new ConfigError(`${name} must be a positive number or off, got "${raw}"`);
  return Number(raw);
}

function bool(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new ConfigError(`${name} must be true or false, got "${raw}"`);
}

function oneOf<T extends string>(env: NodeJS.ProcessEnv, name: string, allowed: readonly T[], fallback: T): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!(allowed as readonly string[]).includes(raw)) throw new ConfigError(`${name} must be one of ${allowed.join(', ')}, got "${raw}"`);
  return raw as T;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const levels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
  const logLevel = env.LOG_LEVEL || 'info';
  if (!levels.includes(logLevel)) throw new ConfigError(`LOG_LEVEL must be one of ${levels.join(', ')}`);
  const maxCount = int(env, 'MAX_COUNT', 1000, 1);
  const databaseUrl = env.DATABASE_URL || undefined;
  return {
    port: int(env, 'PORT', 8080),
    host: env.HOST || '0.0.0.0',
    databaseUrl,
    dataDir: env.DATA_DIR || './data',
    logLevel,
    bodyLimitBytes: parseByteSize(env.BODY_LIMIT || '16mb'),
    baseUrl: env.BASE_URL ? env.BASE_URL.replace(/\/+$/, '') : undefined,
    defaultClientId: env.DEFAULT_CLIENT_ID || 'anonymous',
    defaultOrganization: env.DEFAULT_ORGANIZATION || undefined,
    poolSize: int(env, 'DB_POOL_SIZE', 10, 1),
    randomPageCost: decimal(env, 'DB_RANDOM_PAGE_COST', 1.1),
    preparedStatements: bool(env, 'DB_PREPARED_STATEMENTS', true),
    maxCount,
    defaultCount: Math.min(int(env, 'DEFAULT_COUNT', 50, 1), maxCount),
    // The embedded quick start comes with demo data; a PostgreSQL deployment does not unless asked.
    loadDemoData: bool(env, 'LOAD_DEMO_DATA', databaseUrl === undefined),
    devOrgHeader: bool(env, 'DEV_ORG_HEADER', false),
    referrals: {
      routineBusinessDays: int(env, 'REFERRAL_ROUTINE_BUSINESS_DAYS', 5, 1),
      expeditedHours: int(env, 'REFERRAL_EXPEDITED_HOURS', 72, 1),
      holidays: dates(env, 'REFERRAL_HOLIDAYS'),
      presumptiveDays: int(env, 'PRESUMPTIVE_AUTH_DAYS', 30, 0),
    },
    presumptiveSweepSeconds: int(env, 'PRESUMPTIVE_SWEEP_SECONDS', 300, 0),
    loadContent: bool(env, 'LOAD_CONTENT', true),
    contentDir: env.CONTENT_DIR || undefined,
    contentWritable: bool(env, 'CONTENT_WRITABLE', false),
    unknownProfile: oneOf(env, 'UNKNOWN_PROFILE', ['warn', 'reject'] as const, 'warn'),
  };
}
