import { randomBytes, randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { ExecuteSigner, fillExample, loadExample, postExecute } from '../src/sandbox/journey-builder.ts';
import { createDemoTenant, freePort, type DemoTenant } from '../src/sandbox/sandbox.ts';
import { type BenchDialect, createBenchDatabase } from './database.ts';
import { type NodeChild, progress, sleep, startNode, waitFor } from './processes.ts';
import { startSimulatorsProcess } from './simulators.ts';

/**
 * `npm run bench -- --pacing`: the sending speed limit measured where it matters, at the Infobip
 * simulator (when each message arrived there). Activities of one journey, limited to 6,000 and
 * 30,000 messages per minute together, then one at 100,000 per minute (the highest limit an
 * activity can have, 1,667 a second) on its own, each get a backlog of MEASURED_SECONDS
 * at its limit, stored first (executes through a connector without workers); then the sending
 * instances start on that store: one on SQLite, three on PostgreSQL. Their backlog is overdue when
 * they start, so the figures also show that an overdue backlog is spread, not burst.
 */
const LIMIT_PHASES = [[6_000, 30_000], [100_000]];
const MEASURED_SECONDS = 25;
const HOST = '127.0.0.1';

interface PacedRun {
  perMinute: number;
  messages: number;
  achievedPerMinute: number;
  achievedVsConfigured: string;
  largestOneSecondBurst: number;
  /** Seconds after the first arrival at which that window starts. */
  largestBurstAt: number;
  evenPerSecond: number;
  burstLimit: number;
  withinTargets: boolean;
  /** With --pacing-detail: where the largest window's messages came from. */
  largestWindowDetail?: WindowDetail;
}

/** The largest window in 50 ms steps: arrivals per step, per instance (connector port) and per request. */
interface WindowDetail {
  /** Messages per request in the window (request number: messages), requests numbered as they arrived. */
  steps: { fromMs: number; arrivals: number; byInstance: Record<string, number>; requests: Record<number, number> }[];
}

type Arrival = { at: number; instance: string; request: number };

export async function runPacingBench(dialects: BenchDialect[], postgresUrl: string | undefined, detail = false) {
  const results: Record<string, unknown> = {};
  for (const dialect of dialects) {
    const instances = dialect === 'sqlite' ? 1 : 3;
    for (const limits of LIMIT_PHASES) {
      progress(`pacing ${dialect}: ${instances} instance(s), ${limits.join(' and ')} per minute`);
      results[`${dialect} × ${instances}, ${limits.join(' + ')}/min`] = await pacedRun(dialect, instances, postgresUrl, limits, detail);
    }
  }
  return {
    what: `activities limited to ${LIMIT_PHASES.map((limits) => limits.join(' and ')).join(', then ')} messages/minute, ${MEASURED_SECONDS} s of backlog each, stored before the sending instances start; measured at the Infobip simulator`,
    targets: 'achieved within ±2 % of configured; no 1-second window above the even rate by more than 5 % + 1 message',
    results,
  };
}

async function pacedRun(dialect: BenchDialect, instances: number, postgresUrl: string | undefined, limits: number[], detail: boolean) {
  const simulators = await startSimulatorsProcess();
  const database = await createBenchDatabase(dialect, postgresUrl);
  const shared = { adminToken: randomBytes(24).toString('base64url'), masterKey: randomBytes(32).toString('base64') };
  const connectors: NodeChild[] = [];
  try {
    const loader = await startConnector(database, shared, false);
    connectors.push(loader.child);
    const tenant = await createDemoTenant(`${loader.publicUrl}/admin`, shared.adminToken, simulators.endpoints);
    const journeyId = randomUUID();
    const activities = limits.map((perMinute) => ({ perMinute, activityId: randomUUID(), count: Math.round((perMinute / 60) * MEASURED_SECONDS) }));
    const storedAt = Date.now();
    const ids = new Map<number, string[]>();
    for (const a of activities) ids.set(a.perMinute, await executeBacklog(tenant, journeyId, a.activityId, a.perMinute, a.count));
    progress(`pacing ${dialect}: ${activities.reduce((n, a) => n + a.count, 0)} paced messages stored in ${Date.now() - storedAt} ms`);
    await loader.child.stop();
    connectors.pop();

    const senders = await Promise.all(Array.from({ length: instances }, () => startConnector(database, shared, true)));
    connectors.push(...senders.map((s) => s.child));
    const all = [...ids.values()].flat();
    const arrived = await allArrived(simulators.endpoints.infobip.baseUrl, all, (MEASURED_SECONDS + 60) * 1000);
    const arrival = (id: string): Arrival => {
      const m = arrived.get(id)!;
      return { at: Date.parse(m.firstReceivedAt), instance: new URL(m.webhookUrl ?? 'http://x:0').port, request: m.firstRequestNumber };
    };
    const runs: PacedRun[] = activities.map((a) => measure(a.perMinute, ids.get(a.perMinute)!.map(arrival), detail));
    const perInstance: Record<string, number> = {};
    for (const id of all) {
      const { instance } = arrival(id);
      perInstance[instance] = (perInstance[instance] ?? 0) + 1;
    }
    const stats = (await (await fetch(`${simulators.endpoints.infobip.baseUrl}/__sim/stats`)).json()) as { duplicateMessageIds: number };
    // The machine's load during the run: on a shared machine, other processes' CPU use delays timers.
    return { runs, messagesSentPerInstance: perInstance, duplicateMessageIds: stats.duplicateMessageIds, loadAverageAfterRun: loadavg().map((x) => Math.round(x * 100) / 100) };
  } finally {
    await Promise.all(connectors.map((c) => c.stop()));
    await simulators.child.stop();
    await database.drop();
  }
}

export type SimMessage = { messageId: string; firstReceivedAt: string; firstRequestNumber: number; webhookUrl?: string };

/** The simulator's record of every message in `ids`, once all have arrived (polled once a second). */
export async function allArrived(infobipUrl: string, ids: string[], timeoutMs: number): Promise<Map<string, SimMessage>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const stats = (await (await fetch(`${infobipUrl}/__sim/stats`)).json()) as { uniqueMessageIds: number };
    if (stats.uniqueMessageIds >= ids.length) {
      const sent = (await (await fetch(`${infobipUrl}/__sim/messages`)).json()) as SimMessage[];
      const byId = new Map(sent.map((m) => [m.messageId, m]));
      if (ids.every((id) => byId.has(id))) return byId;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${ids.length} paced messages at the Infobip simulator`);
    await sleep(1000);
  }
}

function measure(perMinute: number, unsorted: Arrival[], detail: boolean): PacedRun {
  const sorted = [...unsorted].sort((a, b) => a.at - b.at);
  const times = sorted.map((a) => a.at);
  const achievedPerMinute = ((times.length - 1) / ((times[times.length - 1]! - times[0]!) / 60_000));
  const evenPerSecond = perMinute / 60;
  const burstLimit = evenPerSecond * 1.05 + 1;
  const { most: largest, at } = largestWindow(times, 1000);
  const ratio = achievedPerMinute / perMinute;
  return {
    perMinute,
    messages: times.length,
    achievedPerMinute: Math.round(achievedPerMinute * 10) / 10,
    achievedVsConfigured: `${ratio >= 1 ? '+' : ''}${((ratio - 1) * 100).toFixed(2)} %`,
    largestOneSecondBurst: largest,
    largestBurstAt: Math.round((at - times[0]!) / 100) / 10,
    evenPerSecond: Math.round(evenPerSecond * 100) / 100,
    burstLimit: Math.floor(burstLimit),
    withinTargets: Math.abs(ratio - 1) <= 0.02 && largest <= burstLimit,
    ...(detail ? { largestWindowDetail: windowDetail(sorted.filter((a) => a.at >= at && a.at < at + 1000), at) } : {}),
  };
}

function windowDetail(inWindow: Arrival[], start: number): WindowDetail {
  const steps: WindowDetail['steps'] = Array.from({ length: 20 }, (_, i) => ({ fromMs: i * 50, arrivals: 0, byInstance: {}, requests: {} }));
  for (const a of inWindow) {
    const step = steps[Math.floor((a.at - start) / 50)]!;
    step.arrivals++;
    step.byInstance[a.instance] = (step.byInstance[a.instance] ?? 0) + 1;
    step.requests[a.request] = (step.requests[a.request] ?? 0) + 1;
  }
  return { steps };
}

function largestWindow(times: number[], windowMs: number): { most: number; at: number } {
  let most = 0;
  let at = times[0]!;
  let start = 0;
  for (let end = 0; end < times.length; end++) {
    while (times[end]! - times[start]! >= windowMs) start++;
    if (end - start + 1 > most) {
      most = end - start + 1;
      at = times[start]!;
    }
  }
  return { most, at };
}

async function executeBacklog(tenant: DemoTenant, journeyId: string, activityId: string, perMinute: number, count: number): Promise<string[]> {
  const signer = new ExecuteSigner(tenant.jwtSecret);
  const template = loadExample('sms-speed-limit');
  const ids: string[] = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const body = fillExample(template, { contactKey: `paced-${perMinute}-${i}`, phone: `+49151${String(20_000_000 + perMinute + i * 7)}` });
      const inArguments = (body.inArguments as Record<string, unknown>[]).map((a) => ('speedLimit.amount' in a ? { 'speedLimit.amount': String(perMinute) } : 'definitionId' in a ? { definitionId: journeyId } : a));
      const answer = await postExecute(tenant.messageActivityUrl, await signer.sign({ ...body, inArguments, journeyId, activityId, activityObjectID: activityId }));
      if (answer.status !== 200 || answer.body.messageStatus !== 'Success: Message pending') throw new Error(`execute answered ${answer.status} ${JSON.stringify(answer.body)}`);
      ids[i] = String(answer.body.messageId);
    }
  };
  await Promise.all(Array.from({ length: 50 }, worker));
  return ids;
}

export async function startConnector(database: { url: string; dataDir: string }, shared: { adminToken: string; masterKey: string }, workers: boolean): Promise<{ child: NodeChild; publicUrl: string }> {
  const port = await freePort(HOST);
  const publicUrl = `http://${HOST}:${port}`;
  const child = startNode(`connector-${port}`, 'src/main.ts', {
    ...(process.env.PACING_PROFILE && workers ? { nodeArgs: ['--cpu-prof', '--cpu-prof-dir=/tmp/pacing-prof'] } : {}),
    env: {
      PORT: String(port),
      HOST,
      MC_RELAY_PUBLIC_URL: publicUrl,
      DATABASE_URL: database.url,
      MC_RELAY_DATA_DIR: database.dataDir,
      MC_RELAY_ADMIN_TOKEN: shared.adminToken,
      MC_RELAY_MASTER_KEY: shared.masterKey,
      MC_RELAY_ALLOW_PRIVATE_URLS: 'true',
      MC_RELAY_WORKERS: workers ? 'thread' : 'false',
      LOG_LEVEL: 'warn',
      NODE_ENV: undefined,
      NODE_OPTIONS: undefined,
    },
  });
  await waitFor('connector GET /health = 200', async () => (await fetch(`${publicUrl}/health`).catch(() => undefined))?.status === 200, 60_000);
  return { child, publicUrl };
}
