// A resource as its stored JSON text: parsed only when something reads its content, otherwise spliced into the response
// as it is (a page of 50 Tasks costs a JSON.parse and a JSON.stringify of ~85 KB otherwise, for no change).
import type { Resource } from '@medplum/fhirtypes';
import { randomBytes } from 'node:crypto';

/** Collects the texts of unread documents while serializeJson runs (synchronously, so one collector suffices). */
let collecting: string[] | undefined;
/** Stands in for a document in JSON.stringify's output; random per process, so no client string can equal it. */
const TOKEN = `stored-json-${randomBytes(16).toString('hex')}-`;
const TOKEN_IN_JSON = new RegExp(`"${TOKEN}(\\d+)"`, 'g');

export class StoredJson {
  private parsed?: Resource;

  constructor(
    readonly resourceType: string,
    readonly id: string,
    private readonly text: string,
  ) {}

  /** The resource; parsed on first use, and from then on this object (which callers may change) is what is sent. */
  get resource(): Resource {
    this.parsed ??= JSON.parse(this.text) as Resource;
    return this.parsed;
  }

  /** JSON.stringify anywhere gives the resource; inside serializeJson an unread document goes out as its stored text. */
  toJSON(): unknown {
    if (collecting && this.parsed === undefined) {
      collecting.push(this.text);
      return `${TOKEN}${collecting.length - 1}`;
    }
    return this.resource;
  }
}

/** JSON text of a response body, unread stored documents spliced in as stored (pretty output parses them, to indent them). */
export function serializeJson(body: unknown, pretty: boolean): string {
  if (pretty) return JSON.stringify(body, null, 2);
  const texts: string[] = [];
  collecting = texts;
  let json: string;
  try {
    json = JSON.stringify(body);
  } finally {
    collecting = undefined;
  }
  return texts.length === 0 ? json : json.replace(TOKEN_IN_JSON, (_, i: string) => texts[Number(i)]);
}
