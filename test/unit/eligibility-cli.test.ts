// calaim-fhir eligibility: files and directories in, a table per member (or JSON lines) out, usage errors as exit code 2.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { member } from '../helpers/eligibility-builder.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const EXAMPLES = join(ROOT, 'bundles/examples');

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { out: (t) => (out += t), err: (t) => (err += t), errIsTty: false });
  return { code, out, err };
}

describe('calaim-fhir eligibility', () => {
  it('prints a table for one member Bundle', async () => {
    const { code, out } = await run('eligibility', join(EXAMPLES, 'eligibility-homelessness-adult.json'), '--as-of', '2026-06-15');
    expect(code).toBe(0);
    expect(out).toContain('Patient/ex-homeless-adult  asOf 2026-06-15  ECM eligible: YES');
    expect(out).toMatch(/homelessness\s+yes\s+Condition\/ex-homeless-adult-diabetes, Condition\/ex-homeless-adult-unsheltered/);
    expect(out).toMatch(/sobering-center\s+eligible\s+Patient\/ex-homeless-adult/);
    expect(out).not.toContain('members; ECM eligible');
  });

  it('evaluates every member of a directory and sums them up', async () => {
    const { code, out } = await run('eligibility', EXAMPLES, '--as-of=2026-06-15');
    expect(code).toBe(0);
    expect(out).toContain('Patient/ex-excluded  asOf 2026-06-15  ECM eligible: no');
    expect(out).toContain('Exclusions: hospice (EpisodeOfCare/ex-excluded-hospice)');
    expect(out).toMatch(/\d+ members; ECM eligible: \d+/);
  });

  it('groups Bulk Data ndjson files by Patient, and --json prints the $ecm-eligibility Parameters per member', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'calaim-cli-'));
    const a = member('2012-01-01', 'nd-a');
    a.condition('Z59.01', { id: 'nd-a-h' });
    const b = member('1980-06-15', 'nd-b');
    b.attest('nf-resident-transition', true, '2026-01-01', { id: 'nd-b-nf' });
    const byType = new Map<string, string[]>();
    for (const e of [...(a.bundle().entry ?? []), ...(b.bundle().entry ?? [])]) {
      const type = e.resource?.resourceType as string;
      byType.set(type, [...(byType.get(type) ?? []), JSON.stringify(e.resource)]);
    }
    for (const [type, lines] of byType) writeFileSync(join(dir, `${type}.ndjson`), `${lines.join('\n')}\n`);
    const { code, out } = await run('eligibility', dir, '--as-of', '2026-06-15', '--json');
    expect(code).toBe(0);
    const lines = out.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.patient)).toEqual(['Patient/nd-a', 'Patient/nd-b']);
    expect(lines[0].parameters.resourceType).toBe('Parameters');
    expect(lines[0].parameters.parameter[0]).toEqual({ name: 'eligible', valueBoolean: true });
    expect(lines[1].parameters.parameter.find((p: { name: string; part?: { valueCoding?: { code: string } }[] }) => p.part?.[0].valueCoding?.code === 'nf-transition').part[1]).toEqual({ name: 'met', valueBoolean: true });
  });

  it('refuses a bad date, a missing path and a Bundle without a Patient (exit code 2)', async () => {
    expect(await run('eligibility', EXAMPLES, '--as-of', '2026-06')).toMatchObject({ code: 2, err: expect.stringContaining('--as-of must be a full date') });
    expect(await run('eligibility')).toMatchObject({ code: 2, err: expect.stringContaining('a bundle, ndjson file or directory is needed') });
    expect(await run('eligibility', join(EXAMPLES, 'nope.json'))).toMatchObject({ code: 2, err: expect.stringContaining('no such file') });
    const dir = mkdtempSync(join(tmpdir(), 'calaim-cli-'));
    writeFileSync(join(dir, 'x.json'), JSON.stringify({ resourceType: 'Bundle', type: 'collection', entry: [{ resource: { resourceType: 'Condition' } }] }));
    expect(await run('eligibility', join(dir, 'x.json'))).toMatchObject({ code: 2, err: expect.stringContaining('no Patient found') });
    expect(await run('nonsense')).toMatchObject({ code: 2, err: expect.stringContaining('unknown command') });
  });

  it('--rules evaluates edited definitions, with memberOf() ValueSets from valueSets/', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'calaim-rules-'));
    for (const f of readdirSync(join(ROOT, 'bundles')).filter((x) => x.endsWith('.json'))) copyFileSync(join(ROOT, 'bundles', f), join(dir, f));
    const group = JSON.parse(readFileSync(join(dir, 'Group-pof-nf-transition.json'), 'utf8'));
    group.extension[1].valueExpression.expression = "%Condition.where(code.memberOf('https://calaim-fhir.dev/fhir/ValueSet/icd10cm-asthma')).exists()";
    writeFileSync(join(dir, 'Group-pof-nf-transition.json'), JSON.stringify(group));
    const { code, out } = await run('eligibility', join(EXAMPLES, 'eligibility-cs-asthma-remediation.json'), '--as-of', '2026-06-15', '--rules', dir, '--json');
    expect(code).toBe(0);
    const nf = JSON.parse(out).parameters.parameter.find((p: { part?: { valueCoding?: { code: string } }[] }) => p.part?.[0].valueCoding?.code === 'nf-transition');
    expect(nf.part.slice(1, 3)).toEqual([{ name: 'met', valueBoolean: true }, { name: 'evidence', valueReference: { reference: 'Condition/ex-asthma-condition' } }]);
  });

  it('runs as `calaim-fhir` from package.json bin', () => {
    const res = spawnSync(process.execPath, [join(ROOT, 'bin/calaim-fhir.js'), 'eligibility', join(EXAMPLES, 'eligibility-nf-transition-adult.json'), '--as-of', '2026-06-15', '--json'], { encoding: 'utf8' });
    expect(res.status, res.stderr).toBe(0);
    expect(JSON.parse(res.stdout).patient).toBe('Patient/ex-nf');
  });
});
