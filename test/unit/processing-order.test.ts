// The transaction processing order: DELETE, POST, PUT/PATCH, GET/HEAD; lock-taking groups in resource order.
import { describe, expect, it } from 'vitest';
import { processingOrder, transactionOrder } from '../../src/fhir/bundle/processing-order.js';
import type { HttpMethod } from '../../src/fhir/request.js';

const req = (method: HttpMethod, url: string) => ({ method, path: url.split('/') });

describe('processingOrder', () => {
  it('runs DELETE, then POST, then PUT and PATCH, then GET and HEAD', () => {
    const items = [req('GET', 'Patient/a'), req('PUT', 'Patient/b'), req('POST', 'Patient'), req('HEAD', 'Patient/c'), req('DELETE', 'Patient/d'), req('PATCH', 'Patient/e')];
    expect(processingOrder(items).map((i) => items[i].method)).toEqual(['DELETE', 'POST', 'PUT', 'PATCH', 'GET', 'HEAD']);
  });

  it('orders DELETEs and PUT/PATCHes by resource, so concurrent transactions lock rows in one order', () => {
    const one = [req('PUT', 'Patient/b'), req('PATCH', 'Patient/a'), req('DELETE', 'Patient/z'), req('DELETE', 'Patient/y')];
    const two = [req('PATCH', 'Patient/a'), req('DELETE', 'Patient/y'), req('PUT', 'Patient/b'), req('DELETE', 'Patient/z')];
    const urls = (items: typeof one) => processingOrder(items).map((i) => items[i].path.join('/'));
    expect(urls(one)).toEqual(['Patient/y', 'Patient/z', 'Patient/a', 'Patient/b']);
    expect(urls(two)).toEqual(urls(one));
  });

  it('keeps POSTs and GETs in their listed order', () => {
    const items = [req('GET', 'Patient/z'), req('POST', 'Patient'), req('GET', 'Patient/a'), req('POST', 'Observation')];
    expect(processingOrder(items)).toEqual([1, 3, 0, 2]);
  });
});

describe('transactionOrder', () => {
  it('runs DELETEs, conditional creates, the other writes, Task writes, then reads', () => {
    const items = [
      req('POST', 'Task'),
      req('GET', 'Patient/a'),
      req('PUT', 'Observation/o'),
      { ...req('POST', 'Patient'), ifNoneExist: 'identifier=x|1' },
      req('POST', 'Condition'),
      req('PUT', 'Task/t'),
      req('DELETE', 'Encounter/e'),
    ];
    const label = (i: number) => `${items[i].method} ${items[i].path.join('/')}`;
    expect(transactionOrder(items).map(label)).toEqual(['DELETE Encounter/e', 'POST Patient', 'POST Condition', 'PUT Observation/o', 'POST Task', 'PUT Task/t', 'GET Patient/a']);
  });
});
