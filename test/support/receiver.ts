import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  headers: IncomingHttpHeaders;
  body: string;
  receivedAt: number;
}

export interface Receiver {
  url: string;
  received: ReceivedRequest[];
  /** Decides the answer to each request (default 204); may delay to simulate a slow receiver. */
  respond: (request: ReceivedRequest, index: number) => number | Promise<number>;
  /** Waits until `predicate` holds on what was received, or fails after `timeoutMs`. */
  waitFor: (predicate: (received: ReceivedRequest[]) => boolean, timeoutMs?: number) => Promise<void>;
  close: () => Promise<void>;
}

/** A real HTTP receiver on 127.0.0.1: webhooks are delivered to it over the network stack. */
export async function startReceiver(): Promise<Receiver> {
  const receiver = {
    received: [] as ReceivedRequest[],
    respond: (() => 204) as Receiver['respond'],
  };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const entry = { headers: request.headers, body: Buffer.concat(chunks).toString('utf8'), receivedAt: Date.now() };
      const index = receiver.received.push(entry) - 1;
      Promise.resolve(receiver.respond(entry, index)).then(
        (status) => {
          if (status >= 300 && status < 400) response.setHeader('Location', 'http://127.0.0.1:1/elsewhere');
          response.writeHead(status).end();
        },
        () => response.destroy(),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(receiver, {
    url: `http://127.0.0.1:${port}/hook`,
    waitFor: async (predicate: (received: ReceivedRequest[]) => boolean, timeoutMs = 20_000) => {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(receiver.received)) {
        if (Date.now() > deadline) throw new Error(`receiver: condition not met in ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}
