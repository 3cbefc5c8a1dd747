import { smsDeliveryReports } from '../src/reports/data-extensions.ts';
import type { InfobipStats } from '../src/sandbox/infobip/types.ts';
import type { ExecuteBodyPool } from './bodies.ts';
import { type CpuReport, startCpuWindow } from './cpu.ts';
import { type LatencyMs, runLoad } from './load.ts';
import { progress, sleep } from './processes.ts';
import { readMemory, resetPeak } from './rss.ts';
import type { Stack } from './stack.ts';

export interface EndToEndResult {
  contacts: number;
  /** Every execute was answered "pending", and every one of those messages has its report row. */
  completed: boolean;
  /** First execute sent → the data extension holds a row for every accepted message. */
  endToEndSeconds: number | null;
  executes: {
    seconds: number;
    perSecond: number;
    latencyMs: LatencyMs;
    non2xx: number;
    errors: number;
    accepted: number;
    distinctMessageIds: number;
    /** The first answers that were not "pending", when there were any. */
    notPending: string[];
  };
  reportRows: { expected: number; found: number; byStatusGroup: Record<string, number> };
  infobip: {
    requests: number;
    acceptedRequests: number;
    rejectedRequests: Record<string, number>;
    messagesAccepted: number;
    requestsPerMessage: number;
    messagesPerRequest: { mean: number; max: number };
    duplicateMessageIds: number;
    webhooks: { posts: number; reports: number; attempts: number; failures: number };
    outcomes: InfobipStats['outcomes'];
  };
  sfmc: {
    asyncWriteCalls: number;
    rowsWritten: number;
    asyncWriteCallsPerReportRow: number;
    rowsPerCall: { mean: number; max: number };
    /** Every REST and auth call (token, status polls, …) per report row. */
    allCallsPerReportRow: number;
    tokenRequests: number;
    calls: Record<string, number>;
    rejected: Record<string, number>;
  };
  connectorRssMiB: { beforeRun: number; afterRun: number; peakSampled: number; vmHwm: number; vmHwmResetAtStart: boolean };
  /** Cores used from the first execute to the last row (generator = the bench process). */
  cpuCores: CpuReport;
  /** Connector CPU per contact over the whole flow (execute, dispatch, reports, write-back), ms. */
  connectorCpuMsPerContact: number;
}

const ASYNC_WRITE = /^(PUT|POST) \/data\/v1\/async\/dataextensions\/.*\/rows$/;

/**
 * Sends `contacts` signed executes (each a new contact) and waits until the SFMC simulator's SMS
 * Delivery Reports data extension holds a row for every accepted message: execute → outbox →
 * dispatcher → Infobip → delivery webhook → report store → write-back, all through real HTTP.
 * Completion is watched on the cheap SFMC stats (rows accepted by async writes) and confirmed by
 * fetching the rows once they can all be there, since stats count rows written, not distinct rows.
 */
export async function runEndToEnd(stack: Stack, pool: ExecuteBodyPool, contacts: number, connections: number): Promise<EndToEndResult> {
  const { simulators, tenant, connector } = stack;
  const dataExtension = tenant.dataExtensions[smsDeliveryReports.id] ?? smsDeliveryReports.defaultKey;
  const bodies = await pool.take(contacts);
  await simulators.resetInfobip();
  const sfmcBefore = await simulators.sfmcStats();
  const messageIds = new Set<string>();

  const before = readMemory(connector.pid);
  const peakReset = resetPeak(connector.pid);
  const stopCpu = startCpuWindow({ connector: connector.pid, simulators: simulators.child.pid }, stack.dialect === 'postgres' ? ['postgres'] : []);
  const startedAtEpoch = Date.now();
  const t0 = performance.now();
  let lastResponseAt = 0;
  let loadDone = false;
  let expected = contacts;

  // Watch for completion while the executes are still going: with a small N the last rows can
  // land before the generator reports.
  const watcher = (async () => {
    const deadline = t0 + 120_000 + contacts * 10;
    let rows: Record<string, unknown>[] = [];
    while (performance.now() < deadline) {
      const stats = await simulators.sfmcStats();
      const written = stats.rowsPerCall.slice(sfmcBefore.rowsPerCall.length).reduce((a, b) => a + b, 0);
      if (loadDone && written >= expected) {
        rows = (await simulators.dataExtensionRows(dataExtension)).filter((row) => messageIds.has(String(row.messageId)));
        if (rows.length >= expected) return { at: performance.now(), rows };
        await sleep(400);
      }
      await sleep(100);
    }
    return { at: null, rows: (await simulators.dataExtensionRows(dataExtension)).filter((row) => messageIds.has(String(row.messageId))) };
  })();

  const load = await runLoad({
    url: `${tenant.messageActivityUrl}execute`,
    connections: Math.min(connections, contacts),
    amount: contacts,
    bodies,
    checkAnswers: true,
    messageIds,
    onResponse: (responses) => {
      if (responses === contacts) lastResponseAt = performance.now();
    },
  });
  if (lastResponseAt === 0) lastResponseAt = performance.now();
  expected = messageIds.size;
  loadDone = true;
  const executeSeconds = (lastResponseAt - t0) / 1000;
  progress(`${stack.dialect}: ${contacts} executes in ${executeSeconds.toFixed(2)} s (${load.answers?.pending ?? 0} pending); waiting for ${expected} report rows`);

  const finished = await watcher;
  const flowSeconds = (performance.now() - t0) / 1000;
  const cpuCores = stopCpu();
  const memory = readMemory(connector.pid);
  const infobip = await simulators.infobipStats();
  const sfmcAfter = await simulators.sfmcStats();
  const endToEndSeconds = finished.at === null ? null : round((finished.at - t0) / 1000, 2);
  progress(`${stack.dialect}: ${finished.rows.length}/${expected} report rows${endToEndSeconds === null ? ' (timed out)' : ` after ${endToEndSeconds} s`}`);

  const byStatusGroup: Record<string, number> = {};
  for (const row of finished.rows) {
    const group = String(row.statusGroupName ?? 'none');
    byStatusGroup[group] = (byStatusGroup[group] ?? 0) + 1;
  }
  const calls = diffCounts(sfmcAfter.calls, sfmcBefore.calls);
  const rowsPerCall = sfmcAfter.rowsPerCall.slice(sfmcBefore.rowsPerCall.length);
  const asyncWriteCalls = Object.entries(calls).reduce((sum, [route, n]) => (ASYNC_WRITE.test(route) ? sum + n : sum), 0);
  const allCalls = Object.values(calls).reduce((a, b) => a + b, 0);
  const rowsFound = finished.rows.length;

  return {
    contacts,
    completed: finished.at !== null && expected === contacts,
    endToEndSeconds: expected === contacts ? endToEndSeconds : null,
    executes: {
      seconds: round(executeSeconds, 3),
      perSecond: Math.round(contacts / executeSeconds),
      latencyMs: load.latencyMs,
      non2xx: load.non2xx,
      errors: load.errors,
      accepted: load.answers?.pending ?? 0,
      distinctMessageIds: messageIds.size,
      notPending: load.answers?.examples ?? [],
    },
    reportRows: { expected, found: rowsFound, byStatusGroup },
    infobip: {
      requests: infobip.requests,
      acceptedRequests: infobip.acceptedRequests,
      rejectedRequests: nonZero(infobip.rejectedRequests),
      messagesAccepted: infobip.messagesAccepted,
      requestsPerMessage: ratio(infobip.requests, infobip.messagesAccepted),
      messagesPerRequest: meanMax(infobip.messagesPerRequest),
      duplicateMessageIds: infobip.duplicateMessageIds,
      webhooks: { posts: infobip.webhooksPosted, reports: infobip.webhookReportsPosted, attempts: infobip.webhookAttempts, failures: infobip.webhookFailures },
      outcomes: infobip.outcomes,
    },
    sfmc: {
      asyncWriteCalls,
      rowsWritten: rowsPerCall.reduce((a, b) => a + b, 0),
      asyncWriteCallsPerReportRow: ratio(asyncWriteCalls, rowsFound),
      rowsPerCall: meanMax(rowsPerCall),
      allCallsPerReportRow: ratio(allCalls, rowsFound),
      tokenRequests: sfmcAfter.tokenRequests - sfmcBefore.tokenRequests,
      calls,
      rejected: diffCounts(sfmcAfter.rejected, sfmcBefore.rejected),
    },
    connectorRssMiB: {
      beforeRun: before?.rssMiB ?? NaN,
      afterRun: memory?.rssMiB ?? NaN,
      peakSampled: stack.rss.peakSince(startedAtEpoch),
      vmHwm: memory?.hwmMiB ?? NaN,
      vmHwmResetAtStart: peakReset,
    },
    cpuCores,
    connectorCpuMsPerContact: round(((cpuCores.connector ?? NaN) * flowSeconds * 1000) / contacts, 3),
  };
}

function diffCounts(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, n] of Object.entries(after)) if (n - (before[key] ?? 0) !== 0) out[key] = n - (before[key] ?? 0);
  return out;
}

const nonZero = (counts: Record<string, number>) => Object.fromEntries(Object.entries(counts).filter(([, n]) => n !== 0));

function meanMax(values: number[]): { mean: number; max: number } {
  if (values.length === 0) return { mean: 0, max: 0 };
  return { mean: round(values.reduce((a, b) => a + b, 0) / values.length, 2), max: values.reduce((a, b) => Math.max(a, b), 0) };
}

const ratio = (a: number, b: number) => (b === 0 ? 0 : round(a / b, 5));
const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;
