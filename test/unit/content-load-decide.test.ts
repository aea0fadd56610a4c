// What the loader does with each file given the stored version: create, update, leave unchanged, or keep an API edit.
import type { Resource } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { withContentTag } from '../../src/content/content-tag.js';
import { contentHash, type ContentFile } from '../../src/content/files.js';
import { decide } from '../../src/content/load.js';
import type { StoredVersion } from '../../src/storage/repository.js';

const v1: Resource = { resourceType: 'ValueSet', id: 'x', status: 'active' } as Resource;
const v2: Resource = { ...v1, title: 'changed in the file' } as Resource;
const file = (r: Resource): ContentFile => ({ file: 'valueSets/ValueSet-x.json', resource: r, hash: contentHash(r) });
const stored = (r: Resource | undefined, deleted = false): StoredVersion => ({ resourceType: 'ValueSet', id: 'x', versionId: '1', lastUpdated: '2026-01-01T00:00:00.000Z', method: 'PUT', deleted, resource: r });
const loaded = (r: Resource, from: Resource) => ({ ...withContentTag(r, contentHash(from), 'valueSets/ValueSet-x.json'), meta: { ...withContentTag(r, contentHash(from), 'f').meta, versionId: '3' } });

describe('content loader decisions', () => {
  it('creates what is missing', () => expect(decide(file(v1), undefined)).toBe('create'));
  it('leaves a resource loaded from the same file alone', () => expect(decide(file(v1), stored(loaded(v1, v1)))).toBe('unchanged'));
  it('updates a resource the file changed, when nobody changed it since', () => expect(decide(file(v2), stored(loaded(v1, v1)))).toBe('update'));
  it('keeps a resource changed through the API (its content no longer hashes to its tag)', () =>
    expect(decide(file(v2), stored(loaded({ ...v1, status: 'retired' } as Resource, v1)))).toBe('keep'));
  it('keeps a resource created through the API before the file existed (no tag)', () => expect(decide(file(v1), stored(v1))).toBe('keep'));
  it('does not recreate a resource deleted through the API', () => expect(decide(file(v1), stored(undefined, true))).toBe('keep'));
  it('ignores meta and key order when hashing', () => {
    const reordered = { status: 'active', id: 'x', resourceType: 'ValueSet', meta: { versionId: '9' } } as Resource;
    expect(contentHash(reordered)).toBe(contentHash(v1));
  });
});
