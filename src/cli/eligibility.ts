// calaim-fhir eligibility <bundle.json|ndjson|dir> [--as-of DATE] [--json] [--rules DIR]: the engine for analysts, without a server.
import { parseFullDate, todayInLosAngeles } from '../eligibility/calendar.js';
import { DefinitionError, type RuleSet } from '../eligibility/definitions.js';
import { evaluateEntries, type EligibilityResult } from '../eligibility/evaluate.js';
import { MemberInputError } from '../eligibility/member.js';
import { packagedRuleSet } from '../eligibility/packaged-rules.js';
import { toParameters } from '../eligibility/parameters.js';
import { fileValueSets } from './file-terminology.js';
import { CliError, type CliIo } from './io.js';
import { readMembers } from './member-files.js';
import { memberTable, summary } from './member-table.js';
import { progressBar } from './progress.js';

export const ELIGIBILITY_USAGE = `eligibility <bundle.json | members.ndjson | directory> [--as-of YYYY-MM-DD] [--json] [--rules DIR]
  Evaluates each member (one Patient and their data) against the ECM and Community Supports rules and prints a table per member.
  A directory may hold member Bundles (.json) and Bulk Data files of resources (.ndjson); resources are grouped by Patient.
  --as-of   evaluation date (default: today in America/Los_Angeles)
  --json    one line per member: {"patient": ..., "parameters": <the $ecm-eligibility Parameters>}
  --rules   a directory with the definition resources (default: the packaged bundles/)
`;

interface Options {
  path: string;
  asOf: string;
  json: boolean;
  rulesDir?: string;
}

function parseArgs(args: string[]): Options {
  let path: string | undefined;
  let asOf: string | undefined;
  let rulesDir: string | undefined;
  let json = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const value = () => {
      const v = args[++i];
      if (v === undefined) throw new CliError(`${arg} needs a value`);
      return v;
    };
    if (arg === '--as-of' || arg === '--asOf') asOf = value();
    else if (arg.startsWith('--as-of=')) asOf = arg.slice('--as-of='.length);
    else if (arg === '--json') json = true;
    else if (arg === '--rules') rulesDir = value();
    else if (arg.startsWith('-')) throw new CliError(`unknown option ${arg}\n${ELIGIBILITY_USAGE}`);
    else if (path === undefined) path = arg;
    else throw new CliError(`one path only (got ${path} and ${arg})`);
  }
  if (path === undefined) throw new CliError(`a bundle, ndjson file or directory is needed\n${ELIGIBILITY_USAGE}`);
  if (asOf !== undefined && parseFullDate(asOf) === undefined) throw new CliError(`--as-of must be a full date (YYYY-MM-DD), got "${asOf}"`);
  return { path, asOf: asOf ?? todayInLosAngeles(new Date()), json, rulesDir };
}

function loadRules(dir: string | undefined): RuleSet {
  try {
    return packagedRuleSet(dir);
  } catch (err) {
    if (err instanceof DefinitionError || (err as NodeJS.ErrnoException).code === 'ENOENT') throw new CliError(`rules: ${(err as Error).message}`);
    throw err;
  }
}

export async function eligibilityCommand(args: string[], io: CliIo): Promise<number> {
  const options = parseArgs(args);
  const rules = loadRules(options.rulesDir);
  const valueSets = await fileValueSets(rules.valueSetUrls);
  const members = readMembers(options.path);
  const progress = progressBar(io, members.length, 'evaluating');
  const results: EligibilityResult[] = [];
  let failed = 0;
  for (const member of members) {
    try {
      const result = evaluateEntries(rules, member.entries, options.asOf, { valueSets });
      results.push(result);
      io.out(options.json ? `${JSON.stringify({ patient: member.patient, parameters: toParameters(result) })}\n` : `${memberTable(member.patient, result)}\n`);
    } catch (err) {
      if (!(err instanceof MemberInputError)) throw err;
      failed++;
      io.err(`${member.patient}: ${err.message}\n`);
    }
    progress.tick();
  }
  progress.done();
  if (!options.json && results.length > 1) io.out(summary(results));
  return failed ? 1 : 0;
}
