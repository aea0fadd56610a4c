// The contract every per-type filter builder follows: one query parameter (values OR'd) -> one SQL condition.
import type { ParamDef } from '../parameters.js';
import type { SqlParams, Target } from '../sql.js';

export interface FilterArgs {
  sql: SqlParams;
  target: Target;
  def: ParamDef;
  modifier?: string;
  values: string[];
  key: string;
  baseUrl: string;
  /** Expands a ValueSet (by canonical URL) for :in / :not-in. */
  expand: (url: string) => Promise<{ system?: string; code: string }[]>;
}

export type FilterBuilder = (args: FilterArgs) => string | Promise<string>;
