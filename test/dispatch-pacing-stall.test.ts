// The sending speed limit's burst target holds when the way to Infobip stalls: requests held on the
// way (a slow network, a stalled gateway) reach Infobip together when it clears, and the messages
// sent after must not add a full second's worth on top of them.
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import type { Sandbox } from '../src/sandbox/sandbox.ts';
import { testDialects } from './helpers/databases.ts';
import { eventually } from './helpers/eventually.ts';
import { addTenant, contacts, sleep, type TestTenant, uniquePrefix } from './helpers/flow.ts';
import { arrivals, burstLimit, executePaced, largestWindow, pacedActivity } from './helpers/pacing.ts';
import { startTestSandbox } from './helpers/sandbox.ts';

/** Forwards requests to `target`; while `hold` is set, requests wait for it before going on. */
class StallingProxy {
  hold: Promise<unknown> | undefined;
  readonly #server: Server;

  constructor(readonly target: string) {
    this.#server = createServer((req, res) => void this.#forward(req, res));
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    this.#server.closeAllConnections();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }

  async #forward(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    await this.hold;
    const headers = { authorization: req.headers.authorization ?? '', 'content-type': req.headers['content-type'] ?? 'application/json' };
    const answer = await fetch(new URL(req.url!, this.target), { method: req.method, headers, body: Buffer.concat(chunks) });
    res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' }).end(Buffer.from(await answer.arrayBuffer()));
  }
}

let sandbox: Sandbox;
let proxy: StallingProxy;
let tenant: TestTenant;

before(async () => {
  sandbox = await startTestSandbox(testDialects[0]!, { outcomes: { delivered: 1, undeliverable: 0, expired: 0, rejected: 0 } });
  proxy = new StallingProxy(sandbox.info.infobip.baseUrl);
  tenant = await addTenant(sandbox, { infobip: { baseUrl: await proxy.listen(), apiKey: sandbox.info.infobip.apiKey } });
});
after(async () => {
  await sandbox.close();
  await proxy.close();
});

test('requests held on the way to Infobip and let through together are not followed by a full second of the pace', async () => {
  // The backlog is stored first, so the pace (not the executes) sets when messages go.
  await sandbox.connector.dispatcher.stop();
  const ids = await executePaced(tenant, pacedActivity(1200), contacts(uniquePrefix('stall'), 70, 0));
  sandbox.connector.dispatcher.start();
  await eventually(() => ids.filter((id) => sandbox.infobip.sentMessages().has(id)).length >= 10 || undefined, 'the first messages at Infobip');
  // A second at 20/s: twenty messages (up to the dispatcher's eight requests in flight and what
  // waits behind them) reach Infobip at the same moment.
  proxy.hold = sleep(1000);
  await proxy.hold;
  proxy.hold = undefined;
  const times = await arrivals(sandbox.infobip, ids);
  assert.ok(largestWindow(times) <= burstLimit(20), `largest 1-second window ${largestWindow(times)} (limit ${burstLimit(20)} at 20/s)`);
  assert.equal(sandbox.infobip.stats().duplicateMessageIds, 0);
});
