// One keep-alive TCP connection whose requests are written when the test chooses (pipelining), with responses read in order.
import { connect, type Socket } from 'node:net';

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

interface Waiter {
  resolve: (response: RawResponse) => void;
  reject: (err: Error) => void;
  /** Called on an interim 100 Continue. */
  onContinue?: () => void;
}

export class RawConnection {
  private buffer = Buffer.alloc(0);
  private readonly waiters: Waiter[] = [];
  private closed = false;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.drain();
    });
    const fail = (err?: Error) => {
      this.closed = true;
      for (const waiter of this.waiters.splice(0)) waiter.reject(new Error(`connection closed before the response was complete${err ? `: ${err.message}` : ''}`));
    };
    socket.on('error', fail);
    socket.on('close', () => fail());
  }

  static open(url: string): Promise<RawConnection> {
    const { hostname, port } = new URL(url);
    return new Promise((resolve, reject) => {
      const socket = connect(Number(port), hostname, () => resolve(new RawConnection(socket)));
      socket.once('error', reject);
    });
  }

  /**
   * Writes one request now. `written` settles once all its bytes are handed to the kernel, `response` when its
   * response has fully arrived. With a body, the headers go first with Expect: 100-continue and the body only after
   * the server's 100 Continue, so `written` also proves the server has parsed the request and is handling it.
   */
  send(method: string, path: string, body?: string, headers: Record<string, string> = {}): { written: Promise<void>; response: Promise<RawResponse> } {
    const payload = body === undefined ? undefined : Buffer.from(body);
    const head = [`${method} ${path} HTTP/1.1`, 'Host: 127.0.0.1', 'Accept: application/fhir+json'];
    for (const [name, value] of Object.entries(headers)) head.push(`${name}: ${value}`);
    if (payload) head.push('Content-Type: application/fhir+json', `Content-Length: ${payload.length}`, 'Expect: 100-continue');
    const write = (bytes: Buffer) => new Promise<void>((resolve, reject) => this.socket.write(bytes, (err) => (err ? reject(err) : resolve())));
    let continued: (() => void) | undefined;
    const accepted = new Promise<void>((resolve) => (continued = resolve));
    const response = new Promise<RawResponse>((resolve, reject) => {
      if (this.closed) reject(new Error('connection already closed'));
      else this.waiters.push({ resolve, reject, onContinue: continued });
    });
    const headWritten = write(Buffer.from(`${head.join('\r\n')}\r\n\r\n`));
    // A final response instead of 100 Continue (an early error) means the body is not wanted.
    const answeredFirst = response.then(() => false, () => false);
    const written = payload ? headWritten.then(() => Promise.race([accepted.then(() => true), answeredFirst])).then((go) => (go ? write(payload) : undefined)) : headWritten;
    return { written, response };
  }

  close(): void {
    this.socket.destroy();
  }

  /** Parses every complete response in the buffer (Content-Length framing only, which is all Express sends here). */
  private drain(): void {
    for (;;) {
      const end = this.buffer.indexOf('\r\n\r\n');
      if (end < 0 || this.waiters.length === 0) return;
      const [statusLine, ...lines] = this.buffer.subarray(0, end).toString('latin1').split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const colon = line.indexOf(':');
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      if (headers['transfer-encoding']) throw new Error('chunked responses are not supported by RawConnection');
      const status = Number(statusLine.split(' ')[1]);
      if (status === 100) {
        this.buffer = this.buffer.subarray(end + 4);
        this.waiters[0].onContinue?.();
        continue;
      }
      const length = Number(headers['content-length'] ?? 0);
      if (this.buffer.length < end + 4 + length) return;
      const body = this.buffer.subarray(end + 4, end + 4 + length).toString('utf8');
      this.buffer = this.buffer.subarray(end + 4 + length);
      (this.waiters.shift() as Waiter).resolve({ status, headers, body });
    }
  }
}
