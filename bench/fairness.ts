import { randomBytes, randomUUID } from 'node:crypto';
import { ExecuteSigner, fillExample, loadExample, postExecute } from '../src/sandbox/journey-builder.ts';
import { createDemoTenant, type DemoTenant } from '../src/sandbox/sandbox.ts';
import { type BenchDialect, createBenchDatabase } from './database.ts';
import { allArrived, startConnector } from './pacing.ts';
import { type NodeChild, progress, sleep } from './processes.ts';
import { startSimulatorsProcess } from './simulators.ts';

/**
 * `npm run bench -- --fairness`: one tenant's large backlog drains (Infobip answering each request
 * in INFOBIP_LATENCY_MS) while a second tenant, and a second activity of the first tenant, send a
 * trickle of messages; their latency from execute to arrival at the Infobip simulator is what
 * fairness buys. Without it they would wait for the whole backlog.
 */
const BACKLOG = 20_000;
const TRICKLE = 40;
const TRICKLE_EVERY_MS = 100;
const INFOBIP_LATENCY_MS = 500;

export async function runFairnessBench(dialects: BenchDialect[], postgresUrl: string | undefined) {
  const results: Record<string, unknown> = {};
  for (const dialect of dialects) {
    progress(`fairness ${dialect}`);
    results[dialect] = await fairnessRun(dialect, postgresUrl);
  }
  return {
    what: `tenant A: ${BACKLOG} queued SMS; then, while it drains (Infobip answers each request in ${INFOBIP_LATENCY_MS} ms), ${TRICKLE} messages one every ${TRICKLE_EVERY_MS} ms from tenant B and from another activity of tenant A; latency = execute answered → arrival at the Infobip simulator`,
    results,
  };
}

async function fairnessRun(dialect: BenchDialect, postgresUrl: string | undefined) {
  const simulators = await startSimulatorsProcess();
  const database = await createBenchDatabase(dialect, postgresUrl);
  const shared = { adminToken: randomBytes(24).toString('base64url'), masterKey: randomBytes(32).toString('base64') };
  const connectors: NodeChild[] = [];
  try {
    const loader = await startConnector(database, shared, false);
    connectors.push(loader.child);
    const big = await createDemoTenant(`${loader.publicUrl}/admin`, shared.adminToken, simulators.endpoints);
    const small = await createDemoTenant(`${loader.publicUrl}/admin`, shared.adminToken, simulators.endpoints);
    const backlog = await executeMany(big, randomUUID(), 'backlog', BACKLOG, 50);
    await loader.child.stop();
    connectors.pop();
    await fetch(`${simulators.endpoints.infobip.baseUrl}/__sim/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ latencyMs: INFOBIP_LATENCY_MS }) });
    const sender = await startConnector(database, shared, true);
    connectors.push(sender.child);
    const startedAt = Date.now();
    // The trickle goes to the sending instance (the loader is gone).
    const onSender = (t: typeof big) => ({ ...t, messageActivityUrl: t.messageActivityUrl.replace(loader.publicUrl, sender.publicUrl) });
    const trickles = { otherTenant: { tenant: onSender(small), activityId: randomUUID() }, otherActivitySameTenant: { tenant: onSender(big), activityId: randomUUID() } };
    const answered = new Map<string, number>();
    for (let i = 0; i < TRICKLE; i++) {
      for (const [name, t] of Object.entries(trickles)) {
        const [id] = await executeMany(t.tenant, t.activityId, `${name}-${i}`, 1, 1);
        answered.set(id!, Date.now());
      }
      await sleep(TRICKLE_EVERY_MS);
    }
    const arrived = await allArrived(simulators.endpoints.infobip.baseUrl, [...backlog, ...answered.keys()], 300_000);
    const backlogDone = Math.max(...backlog.map((id) => Date.parse(arrived.get(id)!.firstReceivedAt)));
    const latencies = (ids: string[]) => summarise(ids.map((id) => Date.parse(arrived.get(id)!.firstReceivedAt) - answered.get(id)!));
    const ids = [...answered.keys()];
    return {
      backlogDrainedInMs: backlogDone - startedAt,
      otherTenantLatencyMs: latencies(ids.filter((_, i) => i % 2 === 0)),
      otherActivitySameTenantLatencyMs: latencies(ids.filter((_, i) => i % 2 === 1)),
    };
  } finally {
    await Promise.all(connectors.map((c) => c.stop()));
    await simulators.child.stop();
    await database.drop();
  }
}

function summarise(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1]! };
}

async function executeMany(tenant: DemoTenant, activityId: string, label: string, count: number, concurrency: number): Promise<string[]> {
  const signer = new ExecuteSigner(tenant.jwtSecret);
  const template = loadExample('sms');
  const ids: string[] = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const body = fillExample(template, { contactKey: `${label}-${i}`, phone: `+49151${String(30_000_000 + i)}` });
      const token = await signer.sign({ ...body, activityId, activityObjectID: activityId });
      // Journey Builder retries a 5xx (retryCount): so does the bench.
      let answer = await postExecute(tenant.messageActivityUrl, token);
      for (let attempt = 1; attempt < 3 && answer.status >= 500; attempt++) answer = await postExecute(tenant.messageActivityUrl, token);
      if (answer.status !== 200 || answer.body.messageStatus !== 'Success: Message pending') throw new Error(`execute answered ${answer.status} ${JSON.stringify(answer.body)}`);
      ids[i] = String(answer.body.messageId);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return ids;
}
