// Requests Node's HTTP parser refuses before Express sees them (headers over the size limit, malformed request lines)
// still get a FHIR OperationOutcome, not a bare status line.
import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';

const REFUSALS: Record<string, { status: number; reason: string; diagnostics: string; expression: string }> = {
  HPE_HEADER_OVERFLOW: { status: 431, reason: 'Request Header Fields Too Large', expression: 'headers', diagnostics: 'The request headers are larger than the server accepts (16 KB in all)' },
  HPE_URI_TOO_LONG: { status: 414, reason: 'URI Too Long', expression: 'url', diagnostics: 'The request URL is longer than the server accepts; send search parameters with POST [type]/_search' },
};
const MALFORMED = { status: 400, reason: 'Bad Request', expression: 'request', diagnostics: 'The request is not valid HTTP/1.1' };

export function answerClientErrors(server: Server): void {
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    // A connection reset or timeout has no one to answer; a socket already written to cannot take a second response.
    if (err.code === 'ECONNRESET' || !socket.writable || (socket as Duplex & { _httpMessage?: unknown })._httpMessage) {
      socket.destroy();
      return;
    }
    const refusal = REFUSALS[err.code ?? ''] ?? MALFORMED;
    const body = JSON.stringify({
      resourceType: 'OperationOutcome',
      issue: [{ severity: 'error', code: refusal.status === 400 ? 'structure' : 'too-long', diagnostics: refusal.diagnostics, expression: [refusal.expression] }],
    });
    socket.end(
      `HTTP/1.1 ${refusal.status} ${refusal.reason}\r\nContent-Type: application/fhir+json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
}
