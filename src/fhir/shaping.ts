// _summary and _elements: subsets of a resource, tagged SUBSETTED as the spec requires.
import { getDataType } from '@medplum/core';
import type { Resource } from '@medplum/fhirtypes';
import { badRequest } from './errors.js';

export type SummaryMode = 'true' | 'false' | 'text' | 'data' | 'count';
const MODES: SummaryMode[] = ['true', 'false', 'text', 'data', 'count'];
const SUBSETTED = { system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue', code: 'SUBSETTED', display: 'subsetted' };
const ALWAYS = new Set(['resourceType', 'id', 'meta']);

export interface Shape {
  summary?: SummaryMode;
  elements?: string[];
}

export function parseShape(summary: string | undefined, elements: string | undefined): Shape {
  if (summary !== undefined && !MODES.includes(summary as SummaryMode)) {
    throw badRequest(`_summary must be one of ${MODES.join(', ')}`, '_summary');
  }
  const list = elements?.split(',').map((e) => e.trim()).filter(Boolean);
  if (list?.some((e) => !/^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)?$/.test(e))) throw badRequest('_elements must be a comma-separated list of element names', '_elements');
  return { summary: summary as SummaryMode | undefined, elements: list?.map((e) => (e.includes('.') ? e.split('.')[1] : e)) };
}

/** True when the key (possibly a choice type like deceasedBoolean) is one of the named properties. */
function matches(key: string, names: Set<string>): boolean {
  if (names.has(key)) return true;
  for (const name of names) if (key.startsWith(name) && /^[A-Z]/.test(key.slice(name.length))) return true;
  return false;
}

function keep(resource: Resource, names: Set<string>): Resource {
  const out = Object.fromEntries(Object.entries(resource).filter(([key]) => ALWAYS.has(key) || matches(key, names)));
  return tagSubsetted(out as unknown as Resource);
}

function tagSubsetted(resource: Resource): Resource {
  const meta = resource.meta ?? {};
  if (meta.tag?.some((t) => t.code === SUBSETTED.code && t.system === SUBSETTED.system)) return resource;
  return { ...resource, meta: { ...meta, tag: [...(meta.tag ?? []), SUBSETTED] } };
}

/** Applies _summary/_elements to one resource (Bundles and OperationOutcomes pass through). */
export function shapeResource(resource: Resource, shape: Shape): Resource {
  if (resource.resourceType === 'OperationOutcome' || resource.resourceType === 'Bundle') return resource;
  const type = getDataType(resource.resourceType);
  const mandatory = type.mandatoryProperties ?? new Set<string>();
  if (shape.elements && shape.elements.length > 0) return keep(resource, new Set([...shape.elements, ...mandatory]));
  switch (shape.summary) {
    case 'true':
      return keep(resource, type.summaryProperties ?? new Set());
    case 'text':
      return keep(resource, new Set(['text', ...mandatory]));
    case 'data': {
      const { text: _text, ...rest } = resource as Resource & { text?: unknown };
      return tagSubsetted(rest as Resource);
    }
    default:
      return resource;
  }
}

export function isShaping(shape: Shape): boolean {
  return (shape.elements !== undefined && shape.elements.length > 0) || (shape.summary !== undefined && shape.summary !== 'false' && shape.summary !== 'count');
}
