// DHCS Closed-Loop Referral data per referral: the three RTF fields plus CIN, service and provider, as rows, Parameters or CSV.
import type { Organization, Parameters, ParametersParameter, Patient, Resource, ServiceRequest, Task } from '@medplum/fhirtypes';
import { CIN_SYSTEM, CLOSURE_REASON_SYSTEM, DHCS_STATUS_SYSTEM, NPI_SYSTEM } from './codes.js';
import { localRef } from './references.js';
import { planOf } from './roles.js';
import { isOutsideClosedLoop, isReferralTask, serviceOf } from './service.js';

export interface ClrRow {
  task: string;
  cin?: string;
  program?: string;
  service?: string;
  serviceDisplay?: string;
  provider?: string;
  providerName?: string;
  providerNpi?: string;
  referralStatus?: string;
  referralStatusDisplay?: string;
  statusUpdateDate?: string;
  closureReason?: string;
  closureReasonDisplay?: string;
}

const COLUMNS: [keyof ClrRow, string][] = [
  ['task', 'Task'],
  ['cin', 'CIN'],
  ['program', 'Program'],
  ['service', 'Service'],
  ['serviceDisplay', 'Service Name'],
  ['providerName', 'Provider Name'],
  ['providerNpi', 'Provider NPI'],
  ['referralStatusDisplay', 'Referral Status'],
  ['statusUpdateDate', 'Date of Referral Status Update'],
  ['closureReasonDisplay', 'Reason for Referral Loop Closure'],
];

/** One row per referral Task in scope: sobering centers (outside CLR), drafts and entered-in-error are left out. */
export function clrRows(tasks: Task[], included: Map<string, Resource>): ClrRow[] {
  const rows: ClrRow[] = [];
  for (const task of tasks) {
    if (!isReferralTask(task) || task.status === 'draft' || task.status === 'entered-in-error') continue;
    const service = serviceOf(included.get(localRef(task.focus?.reference) ?? '') as ServiceRequest | undefined);
    if (isOutsideClosedLoop(service)) continue;
    const patient = included.get(localRef(task.for?.reference) ?? '') as Patient | undefined;
    const ownerRef = localRef(task.owner?.reference);
    const provider = ownerRef && ownerRef !== planOf(task) ? ownerRef : undefined;
    const org = provider ? (included.get(provider) as Organization | undefined) : undefined;
    const status = task.businessStatus?.coding?.find((c) => c.system === DHCS_STATUS_SYSTEM);
    const reason = task.statusReason?.coding?.find((c) => c.system === CLOSURE_REASON_SYSTEM);
    rows.push({
      task: `Task/${task.id}`,
      cin: patient?.identifier?.find((i) => i.system === CIN_SYSTEM)?.value,
      program: service.program,
      service: service.code,
      serviceDisplay: service.display,
      provider,
      providerName: org?.name ?? (provider ? task.owner?.display : undefined),
      providerNpi: org?.identifier?.find((i) => i.system === NPI_SYSTEM)?.value,
      referralStatus: status?.code,
      referralStatusDisplay: status?.display ?? status?.code,
      statusUpdateDate: (task.lastModified ?? task.meta?.lastUpdated)?.slice(0, 10),
      closureReason: reason?.code,
      closureReasonDisplay: reason ? (reason.display ?? task.statusReason?.text ?? reason.code) : undefined,
    });
  }
  return rows;
}

function csvCell(value: string | undefined): string {
  if (value === undefined) return '';
  // Quote always when needed; a leading = + - @ is neutralised so spreadsheets do not run it as a formula.
  const safe = /^[=+\-@]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function clrCsv(rows: ClrRow[]): string {
  const lines = [COLUMNS.map(([, title]) => title).join(',')];
  for (const row of rows) lines.push(COLUMNS.map(([key]) => csvCell(row[key])).join(','));
  return lines.join('\r\n') + '\r\n';
}

export function clrParameters(rows: ClrRow[], start: string, end: string): Parameters {
  const parameter: ParametersParameter[] = [
    { name: 'start', valueDate: start },
    { name: 'end', valueDate: end },
  ];
  for (const row of rows) {
    const part: ParametersParameter[] = [{ name: 'task', valueReference: { reference: row.task } }];
    if (row.cin) part.push({ name: 'cin', valueIdentifier: { system: CIN_SYSTEM, value: row.cin } });
    if (row.service) part.push({ name: 'service', valueCoding: { code: row.service, display: row.serviceDisplay } });
    if (row.provider) part.push({ name: 'provider', valueReference: { reference: row.provider, display: row.providerName } });
    if (row.providerNpi) part.push({ name: 'providerNpi', valueIdentifier: { system: NPI_SYSTEM, value: row.providerNpi } });
    if (row.referralStatus) part.push({ name: 'referralStatus', valueCoding: { system: DHCS_STATUS_SYSTEM, code: row.referralStatus, display: row.referralStatusDisplay } });
    if (row.statusUpdateDate) part.push({ name: 'referralStatusDate', valueDate: row.statusUpdateDate });
    if (row.closureReason) part.push({ name: 'loopClosureReason', valueCoding: { system: CLOSURE_REASON_SYSTEM, code: row.closureReason, display: row.closureReasonDisplay } });
    parameter.push({ name: 'referral', part });
  }
  return { resourceType: 'Parameters', parameter };
}
