// A transparent HTTP proxy between the connector and a simulator, for what the simulators do not
// show: when each request arrived and was answered, with which status and Retry-After, carrying
// which messageIds. It can also drop the connections it holds (a gateway resetting hung requests)
// and stop/start listening on its port (the destination going down and coming back).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface ProxiedCall {
  method: string;
  path: string;
  /** HTTP status the target answered; 0 when the client's connection was dropped first. */
  status: number;
  retryAfter: string | undefined;
  receivedAt: number;
  answeredAt: number;
  /** `destinations[].messageId` of an Infobip send request. */
  messageIds: string[];
}

export class RecordingProxy {
  readonly calls: ProxiedCall[] = [];
  readonly #target: string;
  #server: Server | undefined;
  #port = 0;
  readonly #sockets = new Set<Socket>();
  readonly #upstream = new Set<AbortController>();

  private constructor(target: string) {
    this.#target = target.replace(/\/+$/, '');
  }

  static async start(target: string, port = 0): Promise<RecordingProxy> {
    const proxy = new RecordingProxy(target);
    proxy.#port = port;
    await proxy.up();
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  /** Calls that carried `messageId`, in arrival order. */
  callsFor(messageId: string): ProxiedCall[] {
    return this.calls.filter((c) => c.messageIds.includes(messageId));
  }

  /** Starts listening (again) on the same port. */
  async up(): Promise<void> {
    if (this.#server) return;
    const server = createServer((req, res) => void this.#forward(req, res));
    server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.once('close', () => this.#sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.#port, '127.0.0.1', () => resolve());
    });
    this.#port = (server.address() as AddressInfo).port;
    this.#server = server;
  }

  /** Resets every client connection, answered or not (the client sees a network error). */
  dropConnections(): void {
    for (const socket of this.#sockets) socket.destroy();
    for (const controller of this.#upstream) controller.abort();
  }

  /** Stops listening and drops every connection: the port refuses connections until `up`. */
  async down(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    this.#server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    this.dropConnections();
    await closed;
  }

  close(): Promise<void> {
    return this.down();
  }

  async #forward(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const receivedAt = Date.now();
    const chunks: Buffer[] = [];
    try {
      for await (const chunk of req) chunks.push(chunk as Buffer);
    } catch {
      return void res.destroy(); // the client went away mid-request
    }
    const body = Buffer.concat(chunks);
    const call: ProxiedCall = { method: req.method ?? 'GET', path: req.url ?? '/', status: 0, retryAfter: undefined, receivedAt, answeredAt: 0, messageIds: messageIdsOf(body) };
    this.calls.push(call);
    const controller = new AbortController();
    this.#upstream.add(controller);
    req.socket.once('close', () => controller.abort());
    try {
      const headers: Record<string, string> = {};
      for (const name of ['authorization', 'content-type', 'accept']) {
        const value = req.headers[name];
        if (typeof value === 'string') headers[name] = value;
      }
      const upstream = await fetch(`${this.#target}${req.url}`, {
        method: req.method,
        headers,
        ...(body.length > 0 ? { body } : {}),
        signal: controller.signal,
      });
      const text = await upstream.text();
      call.status = upstream.status;
      call.retryAfter = upstream.headers.get('retry-after') ?? undefined;
      const out: Record<string, string> = { 'content-type': upstream.headers.get('content-type') ?? 'application/json' };
      if (call.retryAfter !== undefined) out['retry-after'] = call.retryAfter;
      call.answeredAt = Date.now();
      res.writeHead(upstream.status, out).end(text);
    } catch {
      call.answeredAt = Date.now();
      res.destroy();
    } finally {
      this.#upstream.delete(controller);
    }
  }
}

function messageIdsOf(body: Buffer): string[] {
  try {
    const json = JSON.parse(body.toString('utf8')) as { messages?: { destinations?: { messageId?: string }[] }[] };
    return (json.messages ?? []).flatMap((m) => (m.destinations ?? []).map((d) => d.messageId)).filter((id): id is string => typeof id === 'string');
  } catch {
    return [];
  }
}
