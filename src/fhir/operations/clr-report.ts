// $clr-report (type Task, GET): DHCS Closed-Loop Referral fields for referrals whose status changed in [start, end].
import type { Bundle, OperationDefinition, Resource, Task } from '@medplum/fhirtypes';
import { clrCsv, clrParameters, clrRows } from '../../referrals/clr-rows.js';
import { badRequest } from '../errors.js';
import type { OperationRoute } from '../registry.js';
import { firstParam, type Handler, type HandlerContext } from '../request.js';

const PAGE = '1000';
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export const clrReportDefinition: OperationDefinition = {
  resourceType: 'OperationDefinition',
  id: 'clr-report',
  url: 'https://calaim-fhir.dev/fhir/OperationDefinition/clr-report',
  name: 'ClrReport',
  title: 'DHCS Closed-Loop Referral report',
  status: 'active',
  kind: 'operation',
  code: 'clr-report',
  description:
    'Per ECM/Community Supports referral Task whose Date of Referral Status Update (Task.lastModified) falls in [start, end]: Referral Status, Date of Referral Status Update, ' +
    'Reason for Referral Loop Closure, CIN, service and provider. Sobering centers (outside closed-loop tracking), drafts and entered-in-error Tasks are left out. ' +
    'Parameters by default; CSV with _format=text/csv.',
  system: false,
  type: true,
  instance: false,
  affectsState: false,
  resource: ['Task'],
  parameter: [
    { name: 'start', use: 'in', min: 1, max: '1', type: 'date', documentation: 'First day of the reporting period (YYYY-MM-DD)' },
    { name: 'end', use: 'in', min: 1, max: '1', type: 'date', documentation: 'Last day of the reporting period (YYYY-MM-DD)' },
    { name: 'referral', use: 'out', min: 0, max: '*', documentation: 'One per referral: task, cin, service, provider, providerNpi, referralStatus, referralStatusDate, loopClosureReason' },
  ],
};

/** Every page of the period's referral Tasks, with their ServiceRequests, members and owners. */
async function collect(hc: HandlerContext, start: string, end: string): Promise<{ tasks: Task[]; included: Map<string, Resource> }> {
  const tasks: Task[] = [];
  const included = new Map<string, Resource>();
  let query: Record<string, string[]> = { modified: [`ge${start}`, `le${end}`], code: ['http://hl7.org/fhir/CodeSystem/task-code|fulfill'], _include: ['Task:focus', 'Task:patient', 'Task:owner'], _count: [PAGE] };
  for (;;) {
    const res = await hc.dispatch({ method: 'GET', path: ['Task'], query });
    const bundle = res.resource as Bundle;
    for (const entry of bundle.entry ?? []) {
      const r = entry.resource;
      if (!r) continue;
      if (entry.search?.mode === 'match' && r.resourceType === 'Task') tasks.push(r as Task);
      else if (r.resourceType !== 'OperationOutcome') included.set(`${r.resourceType}/${r.id}`, r);
    }
    const next = bundle.link?.find((l) => l.relation === 'next')?.url;
    if (!next) return { tasks, included };
    query = {};
    for (const [key, value] of new URL(next).searchParams) (query[key] ??= []).push(value);
  }
}

const handler: Handler = async (hc, request) => {
  const start = firstParam(request, 'start');
  const end = firstParam(request, 'end');
  if (!start || !DATE.test(start)) throw badRequest('start is required as a date YYYY-MM-DD', 'start');
  if (!end || !DATE.test(end)) throw badRequest('end is required as a date YYYY-MM-DD', 'end');
  if (end < start) throw badRequest('end is before start', 'end');
  const { tasks, included } = await collect(hc, start, end);
  const rows = clrRows(tasks, included);
  const format = firstParam(request, '_format')?.split(';')[0].trim().toLowerCase();
  if (format === 'text/csv' || format === 'csv') return { status: 200, raw: { contentType: 'text/csv; charset=utf-8', body: clrCsv(rows) } };
  return { status: 200, resource: clrParameters(rows, start, end) };
};

export const clrReportOperation: OperationRoute = {
  name: 'clr-report',
  levels: ['type'],
  resourceTypes: ['Task'],
  methods: ['GET'],
  definition: clrReportDefinition,
  handler,
};
