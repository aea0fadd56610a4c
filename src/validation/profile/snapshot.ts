// Generates a StructureDefinition snapshot from its differential and its base definition's snapshot.
import type { ElementDefinition, StructureDefinition } from '@medplum/fhirtypes';
import { coreTypeDefinition } from './core-definitions.js';

export type DefinitionResolver = (url: string) => StructureDefinition | undefined;

export class SnapshotError extends Error {}

/**
 * The snapshot is the base snapshot with each differential element merged into the element of the same id.
 * Elements the base does not have are made on demand: a slice is a copy of the sliced element (min 0, no
 * slicing) placed after the sliced element's subtree; a child of an element whose children are not in the
 * snapshot yet comes from the sliced element's children (for a slice) or from the element's datatype.
 */
export function generateSnapshot(sd: StructureDefinition, resolve: DefinitionResolver): ElementDefinition[] {
  const base = sd.baseDefinition ? resolve(sd.baseDefinition) : undefined;
  if (!base?.snapshot?.element?.length) throw new SnapshotError(`${sd.url}: base definition ${sd.baseDefinition} is unknown or has no snapshot`);
  if (base.type !== sd.type) throw new SnapshotError(`${sd.url}: type ${sd.type} differs from its base type ${base.type}`);
  const elements = structuredClone(base.snapshot.element);
  for (const diff of sd.differential?.element ?? []) {
    if (!diff.id) throw new SnapshotError(`${sd.url}: every differential element needs an id (path ${diff.path})`);
    const index = findOrMake(elements, diff.id, diff.path ?? '');
    elements[index] = merge(elements[index], diff);
  }
  return elements;
}

function merge(target: ElementDefinition, diff: ElementDefinition): ElementDefinition {
  const merged: Record<string, unknown> = { ...target };
  for (const [key, value] of Object.entries(diff)) {
    if (key === 'id' || key === 'path') continue;
    if (key === 'constraint') {
      const keys = new Set((target.constraint ?? []).map((c) => c.key));
      merged.constraint = [...(target.constraint ?? []), ...structuredClone(diff.constraint ?? []).filter((c) => !keys.has(c.key))];
    } else merged[key] = structuredClone(value);
  }
  return merged as unknown as ElementDefinition;
}

function indexOfId(elements: ElementDefinition[], id: string): number {
  return elements.findIndex((e) => e.id === id);
}

/** Splits "A.b:s.c" into its parent id "A.b:s" and last part "c"; a slice "A.b:s" into "A.b" and ":s". */
function splitId(id: string): { parent: string; last: string; slice: boolean } {
  const dot = id.lastIndexOf('.');
  const colon = id.lastIndexOf(':');
  if (colon > dot) return { parent: id.slice(0, colon), last: id.slice(colon + 1), slice: true };
  return { parent: id.slice(0, dot), last: id.slice(dot + 1), slice: false };
}

function isInSubtree(id: string | undefined, root: string): boolean {
  return !!id && (id === root || id.startsWith(`${root}.`) || id.startsWith(`${root}:`));
}

function findOrMake(elements: ElementDefinition[], id: string, path: string): number {
  const found = indexOfId(elements, id);
  if (found >= 0) return found;
  const { parent, last, slice } = splitId(id);
  if (!parent) throw new SnapshotError(`no element ${id} in the base snapshot`);
  if (slice) {
    const slicedIndex = findOrMake(elements, parent, path);
    const sliced = elements[slicedIndex];
    if (!sliced.slicing) {
      // Extensions are always sliced by url (the core snapshots leave this implicit); anything else must say how.
      if (!sliced.type?.some((t) => t.code === 'Extension')) throw new SnapshotError(`slice ${id} of ${parent}, which declares no slicing`);
      sliced.slicing = { discriminator: [{ type: 'value', path: 'url' }], description: 'Extensions are always sliced by (at least) url', rules: 'open' };
    }
    const { slicing: _slicing, ...rest } = structuredClone(sliced);
    const element: ElementDefinition = { ...rest, id, sliceName: last, min: 0 };
    let end = slicedIndex;
    while (end + 1 < elements.length && isInSubtree(elements[end + 1].id, parent)) end++;
    elements.splice(end + 1, 0, element);
    return end + 1;
  }
  const parentIndex = findOrMake(elements, parent, path.slice(0, path.lastIndexOf('.')));
  expandChildren(elements, parentIndex);
  const made = indexOfId(elements, id);
  if (made < 0) throw new SnapshotError(`no element ${id}: ${elements[parentIndex].id} has no child "${last}"`);
  return made;
}

/** Inserts the children of the element at `index`, which has none in the snapshot yet. */
function expandChildren(elements: ElementDefinition[], index: number): void {
  const parent = elements[index];
  const id = parent.id as string;
  if (elements[index + 1]?.id?.startsWith(`${id}.`)) return;
  const { parent: unsliced, slice } = splitId(id);
  let children: ElementDefinition[] = [];
  let fromId = '';
  let fromPath = '';
  if (slice) {
    children = elements.filter((e) => e.id?.startsWith(`${unsliced}.`));
    fromId = unsliced;
    fromPath = parent.path as string;
  }
  if (children.length === 0) {
    const codes = [...new Set((parent.type ?? []).map((t) => t.code))];
    if (codes.length !== 1) throw new SnapshotError(`cannot expand ${id}: it needs exactly one type, has ${codes.join(', ') || 'none'}`);
    const typeDefinition = coreTypeDefinition(codes[0] as string);
    if (!typeDefinition?.snapshot) throw new SnapshotError(`cannot expand ${id}: unknown type ${codes[0]}`);
    children = typeDefinition.snapshot.element.slice(1);
    fromId = codes[0] as string;
    fromPath = codes[0] as string;
  }
  const rebased = children.map((child) => ({
    ...structuredClone(child),
    id: id + (child.id as string).slice(fromId.length),
    path: (parent.path as string) + (child.path as string).slice(fromPath.length),
  }));
  elements.splice(index + 1, 0, ...rebased);
}

/** Regenerates the snapshot of every definition in `sds`, bases first, resolving other bases with `resolve`. */
export function generateSnapshots(sds: StructureDefinition[], resolve: DefinitionResolver): StructureDefinition[] {
  const byUrl = new Map(sds.map((sd) => [sd.url as string, sd]));
  const done = new Map<string, StructureDefinition>();
  const visit = (sd: StructureDefinition, trail: string[]): StructureDefinition => {
    const url = sd.url as string;
    const ready = done.get(url);
    if (ready) return ready;
    if (trail.includes(url)) throw new SnapshotError(`circular baseDefinition: ${[...trail, url].join(' -> ')}`);
    const local = sd.baseDefinition ? byUrl.get(sd.baseDefinition) : undefined;
    if (local) visit(local, [...trail, url]);
    const element = generateSnapshot(sd, (u) => done.get(u) ?? resolve(u));
    const result = { ...sd, snapshot: { element } };
    done.set(url, result);
    return result;
  };
  return sds.map((sd) => visit(sd, []));
}
