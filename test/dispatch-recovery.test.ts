// An instance dies with a send request in flight: its leased messages are taken over when the
// lease ends, and before they go again their channel's message logs (GET /sms/3/logs) are asked
// whether Infobip already has them. Found: recorded as sent with the status the log gives, not
// sent twice. Not found: sent once. Logs failing: asked again later, nothing lost.
// The dying instance is a real Dispatcher with a 500 ms lease on the sandbox's database (the
// connector's lease is 120 s); a small gateway between the connector and the simulator plays the
// network that loses the answer.
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { after, afterEach, before, describe, test } from 'node:test';
import { Dispatcher } from '../src/dispatch/dispatcher.ts';
import type { Sandbox } from '../src/sandbox/sandbox.ts';
import { SfmcClient } from '../src/sfmc/client.ts';
import { webhookUrls } from '../src/tenants/describe-tenant.ts';
import { testDialects } from './helpers/databases.ts';
import { eventually } from './helpers/eventually.ts';
import { addTenant, contacts, executeAll, messagesById, tally, type TestTenant, uniquePrefix } from './helpers/flow.ts';
import { silentLog, startTestSandbox } from './helpers/sandbox.ts';

/**
 * Forwards every request to Infobip. While `swallowing`, a send request is forwarded and Infobip
 * takes it, but its answer never comes back (the instance dies, or the connection is lost, after
 * Infobip received it). Records each call's method, path and status.
 */
class LossyGateway {
  swallowing = false;
  readonly calls: { method: string; path: string; status: number }[] = [];
  readonly #held = new Set<Socket>();
  #server!: Server;
  url = '';

  private constructor(private readonly target: string) {}

  static async start(target: string): Promise<LossyGateway> {
    const gateway = new LossyGateway(target);
    gateway.#server = createServer((req, res) => {
      // A request still out when the gateway drops its connections (or Infobip went away) fails like a reset.
      gateway.#held.add(req.socket);
      res.once('finish', () => gateway.#held.delete(req.socket));
      gateway.#forward(req, res).catch(() => req.socket.destroy());
    });
    await new Promise<void>((resolve) => gateway.#server.listen(0, '127.0.0.1', resolve));
    gateway.url = `http://127.0.0.1:${(gateway.#server.address() as AddressInfo).port}`;
    return gateway;
  }

  async #forward(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const swallow = this.swallowing && req.method === 'POST';
    const upstream = await fetch(`${this.target}${req.url}`, {
      method: req.method,
      headers: { authorization: req.headers.authorization ?? '', 'content-type': req.headers['content-type'] ?? 'application/json' },
      ...(body.length > 0 ? { body } : {}),
    });
    const text = await upstream.text();
    this.calls.push({ method: req.method ?? 'GET', path: (req.url ?? '').split('?')[0]!, status: swallow ? 0 : upstream.status });
    if (swallow) return;
    const retryAfter = upstream.headers.get('retry-after');
    res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json', ...(retryAfter ? { 'retry-after': retryAfter } : {}) });
    res.end(text);
  }

  logCalls(status?: number): number {
    return this.calls.filter((c) => c.method === 'GET' && c.path === '/sms/3/logs' && (status === undefined || c.status === status)).length;
  }

  /** Connections of requests not answered (swallowed, or still waiting for Infobip) are reset. */
  dropHeld(): void {
    for (const socket of this.#held) socket.destroy();
    this.#held.clear();
  }

  async close(): Promise<void> {
    this.dropHeld();
    this.#server.closeAllConnections();
    await new Promise((resolve) => this.#server.close(resolve));
  }
}

for (const dialect of testDialects) {
  describe(`dispatch recovery after an instance died mid-request (${dialect})`, () => {
    let sandbox: Sandbox;
    let gateway: LossyGateway;
    let tenant: TestTenant;
    let dying: Dispatcher | undefined;

    before(async () => {
      sandbox = await startTestSandbox(dialect, { outcomes: { delivered: 1, undeliverable: 0, expired: 0, rejected: 0 } });
      gateway = await LossyGateway.start(sandbox.infobip.url);
      tenant = await addTenant(sandbox, { infobip: { baseUrl: gateway.url, apiKey: sandbox.info.infobip.apiKey } });
    });
    afterEach(async () => {
      sandbox.infobip.setFaults({ rate5xx: 0, timeoutRate: 0 });
      gateway.swallowing = false;
      gateway.dropHeld();
      await dying?.stop();
      dying = undefined;
    });
    after(async () => {
      await gateway.close();
      await sandbox.close();
    });

    /**
     * The connector's dispatcher pauses; a second instance with a 500 ms lease claims `ids` and
     * sends them in one request that never gets an answer, then dies (stops claiming and sweeping).
     */
    async function dieWithRequestInFlight(ids: string[], inFlight: () => boolean): Promise<void> {
      const publicUrl = new URL(sandbox.info.adminUrl).origin;
      dying = new Dispatcher({
        store: sandbox.connector.store,
        tenants: sandbox.connector.tenants,
        log: silentLog,
        webhookUrls: (t) => webhookUrls(publicUrl, t),
        sfmc: new SfmcClient(),
        leaseMs: 500,
        idleMs: 20,
      });
      dying.start();
      await eventually(() => inFlight() || undefined, 'the dying instance has its request out');
      const leased = await messagesById(sandbox.connector.store.db, ids);
      assert.deepEqual([...tally([...leased.values()].map((m) => m.state))], [['sending', ids.length]]);
      // Dies: no more claims or sweeps. Its request stays out (held by the gateway or the simulator).
      void dying.stop();
    }

    async function queue(label: string, count: number, firstPhone: number): Promise<string[]> {
      await sandbox.connector.dispatcher.stop();
      return executeAll(tenant, contacts(uniquePrefix(label), count, firstPhone), count);
    }

    async function sentRows(ids: string[]) {
      return eventually(async () => {
        const rows = await messagesById(sandbox.connector.store.db, ids);
        return [...rows.values()].every((m) => m.state === 'sent') ? rows : undefined;
      }, 'every message recorded sent', 20_000);
    }

    test('a message Infobip received before the instance died is not sent again and ends sent with the status its log gives', async () => {
      const ids = await queue('received', 20, 0);
      const logsBefore = gateway.logCalls(200);
      gateway.swallowing = true;
      await dieWithRequestInFlight(ids, () => ids.every((id) => sandbox.infobip.sentMessages().has(id)));
      gateway.swallowing = false;
      sandbox.connector.dispatcher.start();

      const rows = await sentRows(ids);
      for (const m of rows.values()) {
        assert.equal(m.provider_status, 'DELIVERED_TO_HANDSET', 'the status the log gives');
        assert.equal(m.attempts, 2);
      }
      const sent = sandbox.infobip.sentMessages();
      for (const id of ids) assert.equal(sent.get(id)?.timesReceived, 1, `message ${id} reached Infobip once`);
      assert.ok(gateway.logCalls(200) > logsBefore, 'the logs were asked');
    });

    test('a message Infobip never received is sent once after the lease ends', async () => {
      const ids = await queue('never-received', 20, 100);
      const hungBefore = sandbox.infobip.stats().hungRequests;
      const logsBefore = gateway.logCalls(200);
      sandbox.infobip.setFaults({ timeoutRate: 1 });
      await dieWithRequestInFlight(ids, () => sandbox.infobip.stats().hungRequests > hungBefore);
      sandbox.infobip.setFaults({ timeoutRate: 0 });
      sandbox.connector.dispatcher.start();

      const rows = await sentRows(ids);
      for (const m of rows.values()) assert.equal(m.provider_status, 'PENDING_ACCEPTED', 'the status of the send answer');
      const sent = sandbox.infobip.sentMessages();
      for (const id of ids) assert.equal(sent.get(id)?.timesReceived, 1, `message ${id} sent once`);
      assert.ok(gateway.logCalls(200) > logsBefore, 'the logs were asked first');
    });

    test('the logs failing: the messages wait and are asked about again with backoff, then resolved without a duplicate', async () => {
      const ids = await queue('logs-failing', 20, 200);
      gateway.swallowing = true;
      await dieWithRequestInFlight(ids, () => ids.every((id) => sandbox.infobip.sentMessages().has(id)));
      gateway.swallowing = false;
      const failedBefore = gateway.logCalls(500);
      sandbox.infobip.setFaults({ rate5xx: 1 });
      sandbox.connector.dispatcher.start();

      await eventually(() => gateway.logCalls(500) >= failedBefore + 2 || undefined, 'two failed lookups', 20_000);
      const waiting = await messagesById(sandbox.connector.store.db, ids);
      for (const m of waiting.values()) {
        assert.ok(m.state === 'queued' || m.state === 'sending', `still waiting, not lost (${m.state})`);
        assert.equal(m.outcome_unknown, 1, 'still to be looked up');
        if (m.state === 'queued') assert.match(m.last_error ?? '', /^logs: HTTP 500/);
      }
      sandbox.infobip.setFaults({ rate5xx: 0 });

      const rows = await sentRows(ids);
      for (const m of rows.values()) assert.equal(m.provider_status, 'DELIVERED_TO_HANDSET');
      const sent = sandbox.infobip.sentMessages();
      for (const id of ids) assert.equal(sent.get(id)?.timesReceived, 1, `message ${id} reached Infobip once`);
    });

    test('a send whose connection drops before the answer is looked up, not blindly sent again', async () => {
      // The connector's own dispatcher this time: the answer is lost (connection reset), the
      // outcome is unknown, and the next attempt finds the messages in the logs.
      const ids = await queue('dropped', 20, 300);
      gateway.swallowing = true;
      sandbox.connector.dispatcher.start();
      await eventually(() => ids.every((id) => sandbox.infobip.sentMessages().has(id)) || undefined, 'Infobip received them');
      gateway.swallowing = false;
      gateway.dropHeld();

      const rows = await sentRows(ids);
      for (const m of rows.values()) assert.equal(m.provider_status, 'DELIVERED_TO_HANDSET', 'recorded from the log');
      const sent = sandbox.infobip.sentMessages();
      for (const id of ids) assert.equal(sent.get(id)?.timesReceived, 1, `message ${id} reached Infobip once`);
    });
  });
}
