// Graceful close of the HTTP server: stop accepting, finish requests in flight with Connection: close, drop keep-alive sockets as they go idle.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

export interface Drain {
  /** Resolves once every connection has closed; connections still open after graceMs are cut. */
  close: (graceMs: number) => Promise<void>;
}

/** Call right after listen: it has to see every request to be able to drain it. */
export function drainOnClose(server: Server): Drain {
  const open = new Set<ServerResponse>();
  let closing = false;
  // Before the app's own listener, so the header is set before any handler can send a response.
  server.prependListener('request', (_req: IncomingMessage, res: ServerResponse) => {
    if (closing) res.setHeader('Connection', 'close');
    open.add(res);
    res.once('close', () => {
      open.delete(res);
      // A response sent with keep-alive leaves an idle socket behind; server.close() would wait for it until the grace timer.
      if (closing) setImmediate(() => server.closeIdleConnections());
    });
  });
  return {
    close: async (graceMs) => {
      closing = true;
      // Clients learn from the response itself not to send another request on the connection.
      for (const res of open) if (!res.headersSent) res.setHeader('Connection', 'close');
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const timer = setTimeout(() => server.closeAllConnections(), graceMs);
      await closed;
      clearTimeout(timer);
    },
  };
}
