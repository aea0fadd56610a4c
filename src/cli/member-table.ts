// A member's eligibility as a readable text table, and the summary line over many members.
import type { EligibilityResult, EvidenceRef } from '../eligibility/evaluate.js';

const MAX_EVIDENCE = 4;

function evidence(refs: EvidenceRef[]): string {
  const names = refs.map((r) => r.reference ?? r.display ?? '?');
  return names.length > MAX_EVIDENCE ? `${names.slice(0, MAX_EVIDENCE).join(', ')} (+${names.length - MAX_EVIDENCE} more)` : names.join(', ');
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `  ${cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ')}`.trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

export function memberTable(patient: string, result: EligibilityResult): string {
  const exclusions = result.exclusions.length ? result.exclusions.map((x) => `${x.code} (${evidence(x.evidence)})`).join('; ') : 'none';
  return [
    `${patient}  asOf ${result.asOf}  ECM eligible: ${result.eligible ? 'YES' : 'no'}`,
    table(
      ['Population of focus', 'Met', 'Evidence'],
      result.populations.map((p) => [p.code, p.met ? 'yes' : '-', evidence(p.evidence)]),
    ),
    `  Exclusions: ${exclusions}`,
    table(
      ['Community support', 'Status', 'Evidence'],
      result.supports.map((s) => [s.code, s.status, evidence(s.evidence)]),
    ),
    '',
  ].join('\n');
}

export function summary(results: EligibilityResult[]): string {
  const n = results.length;
  const pct = (k: number) => `${k} (${n ? Math.round((100 * k) / n) : 0}%)`;
  const counts = new Map<string, number>();
  for (const r of results) for (const p of r.populations) if (p.met) counts.set(p.code, (counts.get(p.code) ?? 0) + 1);
  const pofs = [...counts].map(([code, k]) => `${code} ${k}`).join(', ') || 'none';
  return `${n} members; ECM eligible: ${pct(results.filter((r) => r.eligible).length)}; excluded: ${pct(results.filter((r) => r.exclusions.length > 0).length)}; populations met: ${pofs}\n`;
}
