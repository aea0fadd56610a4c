// Content negotiation: JSON in and out; XML and other formats are refused with 406/415 OperationOutcomes.
import type { NextFunction, Request, Response } from 'express';
import { notAcceptable, unsupportedMediaType } from '../fhir/errors.js';

const JSON_FORMATS = new Set(['json', 'application/json', 'application/fhir+json', 'fhir+json', 'text/json']);
export const BODY_TYPES = new Set(['application/fhir+json', 'application/json', 'application/json-patch+json', 'application/x-www-form-urlencoded']);

function wantsOnlyOther(accept: string): boolean {
  const types = accept.split(',').map((part) => part.split(';')[0].trim().toLowerCase()).filter(Boolean);
  if (types.length === 0) return false;
  return types.every((t) => !(t === '*/*' || t === 'application/*' || t.endsWith('json') || t === 'text/csv' || t === 'text/*'));
}

export function negotiate(req: Request, _res: Response, next: NextFunction): void {
  // An unencoded "+" in the query decodes to a space: _format=application/fhir+json arrives as "application/fhir json".
  const format = typeof req.query._format === 'string' ? req.query._format.split(';')[0].trim().replace(/ /g, '+').toLowerCase() : undefined;
  if (format !== undefined && !JSON_FORMATS.has(format) && format !== 'text/csv' && format !== 'csv') {
    throw notAcceptable(`Only JSON is supported (_format=${format}); use application/fhir+json`, '_format');
  }
  const accept = req.get('accept');
  if (format === undefined && accept && wantsOnlyOther(accept)) throw notAcceptable(`Only JSON is supported (Accept: ${accept}); use application/fhir+json`, 'Accept');
  next();
}

/** The lower-cased media type of the request body; 415 for anything but JSON (and forms for _search). */
export function bodyMediaType(req: Request): string | undefined {
  const header = req.get('content-type');
  if (!header) return undefined;
  const [type, ...params] = header.split(';').map((p) => p.trim().toLowerCase());
  if (!BODY_TYPES.has(type)) throw unsupportedMediaType(`Content-Type ${type} is not supported; send application/fhir+json`, 'Content-Type');
  const charset = params.find((p) => p.startsWith('charset='))?.slice(8).replace(/"/g, '');
  if (charset && charset !== 'utf-8' && charset !== 'utf8') throw unsupportedMediaType(`charset ${charset} is not supported; send UTF-8`, 'Content-Type');
  return type;
}
