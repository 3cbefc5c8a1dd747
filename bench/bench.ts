import { randomBytes } from 'node:crypto';
import { postExecute } from '../src/sandbox/journey-builder.ts';
import { ExecuteBodyPool } from './bodies.ts';
import { calibrate } from './calibration.ts';
import type { BenchDialect } from './database.ts';
import { type EndToEndResult, runEndToEnd } from './end-to-end.ts';
import { runFairnessBench } from './fairness.ts';
import { runPacingBench } from './pacing.ts';
import { installExitHandlers, progress, runCleanups, startNode } from './processes.ts';
import { runReportsLookup } from './reports-lookup.ts';
import { runSoak, type SoakOptions } from './soak.ts';
import { readMemory } from './rss.ts';
import { type BenchSettings, machineInfo, parseSettings, shownSettings } from './settings.ts';
import { startStack } from './stack.ts';
import { measureThroughput, type ThroughputResult } from './throughput.ts';

/**
 * `npm run bench`: the connector measured as its own process, per storage dialect, against a
 * bare Fastify baseline measured with the same generator just before it (pairs, as
 * perf-anchors.md recommends), then end to end for N contacts. One JSON document on stdout.
 */

/** Bodies signed before the first run; the measured run gets more if the warm-up shows the need. */
const FIRST_POOL = 20_000;

interface Pair {
  baseline: ThroughputResult;
  execute: ThroughputResult;
  vsBaseline: { reqPerSecRatio: number; p50Ratio: number; p99Ratio: number; serverCpuPerRequestRatio: number };
}

async function main(): Promise<void> {
  installExitHandlers();
  const args = process.argv.slice(2);
  // `--reports-lookup`: the Reports activity's own figure instead (bench/reports-lookup.ts).
  const reportsLookup = args.includes('--reports-lookup');
  // `--soak [--minutes N] [--rate R]`: a long steady run instead (bench/soak.ts).
  const soak = takeSoakFlags(args);
  const settings = parseSettings(soak.rest.filter((a) => a !== '--reports-lookup'), process.env);
  if (soak.enabled) {
    const results = [];
    for (const dialect of settings.dialects) results.push(await runSoak(dialect, settings.postgresUrl, soak.options));
    process.stdout.write(`${JSON.stringify({ machine: machineInfo(), soak: results }, null, 2)}\n`);
    return;
  }
  if (reportsLookup) {
    const results = [];
    for (const dialect of settings.dialects) results.push(await runReportsLookup(dialect, settings));
    process.stdout.write(`${JSON.stringify({ machine: machineInfo(), reportsLookup: results }, null, 2)}
`);
    return;
  }
  progress(`settings ${JSON.stringify(shownSettings(settings))}`);
  const machine = { ...machineInfo(), calibration: calibrate() };
  if (settings.pacing) {
    const pacing = await runPacingBench(settings.dialects, settings.postgresUrl, settings.pacingDetail);
    process.stdout.write(`${JSON.stringify({ machine, pacing }, null, 2)}\n`);
    return;
  }
  if (settings.fairness) {
    const fairness = await runFairnessBench(settings.dialects, settings.postgresUrl);
    process.stdout.write(`${JSON.stringify({ machine, fairness }, null, 2)}\n`);
    return;
  }
  const reference = await referenceRuns(settings);
  const baselineRuns: Record<string, ThroughputResult[]> = {};
  const results: Record<string, unknown> = {};
  let failed = false;
  for (const dialect of settings.dialects) {
    // One dialect failing still reports the other: the error goes in its place in the document.
    try {
      const pairs = await throughputPairs(dialect, settings, ALL_IN_ONE);
      baselineRuns[dialect] = pairs.pairs.map((p) => p.baseline);
      const httpOnly = await throughputPairs(dialect, settings, HTTP_ONLY);
      const httpProcesses = await throughputPairs(dialect, settings, HTTP_PROCESSES);
      const endToEnd = await endToEndRuns(dialect, settings);
      results[dialect] = {
        execute: { topology: ALL_IN_ONE.what, ...summarisePairs(pairs.pairs) },
        executeHttpOnly: { topology: HTTP_ONLY.what, ...summarisePairs(httpOnly.pairs), connectorLog: httpOnly.extra.connectorLogDuringThroughput },
        executeHttpProcesses: { topology: HTTP_PROCESSES.what, ...summarisePairs(httpProcesses.pairs), connectorLog: httpProcesses.extra.connectorLogDuringThroughput },
        ...pairs.extra,
        ...endToEnd,
      };
    } catch (error) {
      failed = true;
      progress(`${dialect} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      results[dialect] = { error: error instanceof Error ? error.message : String(error) };
    }
  }
  if (failed) process.exitCode = 1;
  const report = {
    machine,
    settings: shownSettings(settings),
    baseline: {
      what: 'bench/bare-fastify.ts: Fastify 5, application/jwt read as a string, fixed {messageId, messageStatus} JSON; same route shape, bodies and generator as execute',
      runs: baselineRuns,
    },
    reference: {
      what: 'bench/reference-execute.ts: the prototype issue 2 quotes (HS256 via node:crypto, inArguments merged, one SQLite insert group-committed on setImmediate), 11,000-12,000/s the day the target was set',
      medianReqPerSec: median(reference.map((r) => r.reqPerSec)),
      medianP99Ms: median(reference.map((r) => r.latencyMs.p99)),
      runs: reference,
    },
    results,
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
}

/** Removes `--soak`, `--minutes N` and `--rate R` from the arguments (defaults: 30 minutes at 500/s). */
function takeSoakFlags(args: string[]): { enabled: boolean; options: SoakOptions; rest: string[] } {
  const rest: string[] = [];
  const options: SoakOptions = { minutes: 30, rate: 500 };
  let enabled = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--soak') enabled = true;
    else if (arg === '--minutes' || arg === '--rate') {
      const value = Number(args[++i]);
      if (!Number.isFinite(value) || value <= 0) throw new Error(`${arg} needs a positive number`);
      options[arg === '--minutes' ? 'minutes' : 'rate'] = value;
    } else rest.push(arg);
  }
  return { enabled, options, rest };
}

interface Topology {
  name: string;
  what: string;
  connectorEnv: NodeJS.ProcessEnv;
}

/** `npm start` as it comes: the background loops send and write back on a second thread while executes are measured. */
const ALL_IN_ONE: Topology = {
  name: 'all-in-one',
  what: 'one instance does everything (MC_RELAY_WORKERS=thread, the default): sends and report write-backs run while executes are measured, on the same 2 cores',
  connectorEnv: {},
};
/**
 * An instance that only answers HTTP (MC_RELAY_WORKERS=false, docs/operations.md), as a larger
 * installation runs its API nodes beside worker nodes: what the execute path itself costs.
 */
const HTTP_ONLY: Topology = {
  name: 'http-only',
  what: 'an instance that only answers HTTP (MC_RELAY_WORKERS=false): the stored messages wait for worker instances (none here)',
  connectorEnv: { MC_RELAY_WORKERS: 'false' },
};
/** The same, answering on both cores (MC_RELAY_HTTP_PROCESSES=2, server/http-processes.ts). */
const HTTP_PROCESSES: Topology = {
  name: 'http-only-2',
  what: 'an instance that only answers HTTP, with two processes on its port (MC_RELAY_WORKERS=false, MC_RELAY_HTTP_PROCESSES=2): CPU is theirs and their supervisor\'s',
  connectorEnv: { MC_RELAY_WORKERS: 'false', MC_RELAY_HTTP_PROCESSES: '2' },
};

/** Baseline then execute, `rounds` times, on one connector process with a fresh store. */
async function throughputPairs(dialect: BenchDialect, settings: BenchSettings, topology: Topology) {
  progress(`${dialect} ${topology.name}: starting simulators and connector for execute throughput`);
  const stack = await startStack(dialect, settings.postgresUrl, { connectorEnv: topology.connectorEnv });
  try {
    const pool = new ExecuteBodyPool(stack.tenant.jwtSecret);
    const executeUrl = `${stack.tenant.messageActivityUrl}execute`;
    await pool.peek(FIRST_POOL);
    // One execute by hand first: a broken setup should fail loudly, not measure 401s at speed.
    const sample = await postExecute(stack.tenant.messageActivityUrl, (await pool.take(1)).next().toString());
    if (sample.status !== 200 || sample.body.messageStatus !== 'Success: Message pending') {
      throw new Error(`the sample execute answered ${sample.status} ${JSON.stringify(sample.body)}`);
    }
    const startedAt = Date.now();
    const pairs: Pair[] = [];
    for (let round = 1; round <= settings.rounds; round++) {
      const label = `${settings.rounds > 1 ? ` round ${round}/${settings.rounds}` : ''} ${topology.name}`;
      const baseline = await measureBaseline(`${dialect}${label} baseline`, settings, pool, executeUrl);
      const execute = await measureThroughput({
        label: `${dialect}${label} execute`,
        url: executeUrl,
        connections: settings.connections,
        warmupSeconds: settings.warmupSeconds,
        durationSeconds: settings.durationSeconds,
        warmupBodies: () => pool.take(FIRST_POOL),
        // 2.5× what the warm-up's best second needs (and at least 2,000 per second of run): the
        // measured run sends each body once unless it runs 2.5× faster than the warm-up did.
        measuredBodies: (rate) => pool.take(Math.ceil(Math.max(2000, rate * 2.5) * settings.durationSeconds) + settings.connections),
        checkAnswers: true,
        cpuOf: { connector: stack.connector.pid, simulators: stack.simulators.child.pid },
        cpuCommands: dialect === 'postgres' ? ['postgres'] : [],
        server: 'connector',
        freshBodies: true,
        generator: settings.generator,
      });
      pairs.push({ baseline, execute, vsBaseline: ratios(execute, baseline) });
    }
    const memory = readMemory(stack.connector.pid);
    const stopped = await stack.stop();
    return {
      pairs,
      extra: {
        sampleExecuteAnswer: sample.body,
        rssDuringThroughputMiB: { peakSampled: stack.rss.peakSince(startedAt), vmHwm: memory?.hwmMiB ?? NaN, afterRuns: memory?.rssMiB ?? NaN },
        connectorLogDuringThroughput: stopped.connectorLog,
      },
    };
  } catch (error) {
    await stack.stop().catch(() => undefined);
    throw error;
  }
}

/** The prototype of issue 2 (bench/reference-execute.ts), `rounds` times, each in a fresh process. */
async function referenceRuns(settings: BenchSettings): Promise<ThroughputResult[]> {
  const jwtSecret = randomBytes(24).toString('base64url');
  // Its ids are random: a body sent twice is a second row, as a new one would be.
  const pool = new ExecuteBodyPool(jwtSecret);
  const runs: ThroughputResult[] = [];
  for (let round = 1; round <= settings.rounds; round++) {
    const label = `reference execute${settings.rounds > 1 ? ` round ${round}/${settings.rounds}` : ''}`;
    runs.push(await measureChildServer(label, settings, pool, 'bench/reference-execute.ts', { JWT_SECRET: jwtSecret }, '/t/reference/activities/message/execute'));
  }
  return runs;
}

/** A fresh bare Fastify process per pair, as perf-anchors.md gives each configuration its own process. */
function measureBaseline(label: string, settings: BenchSettings, pool: ExecuteBodyPool, executeUrl: string): Promise<ThroughputResult> {
  // The baseline ignores bodies: the already-signed ones are re-used.
  return measureChildServer(label, settings, pool, 'bench/bare-fastify.ts', {}, new URL(executeUrl).pathname);
}

/** Starts `script` (it prints {"url": …} once listening), measures `path` on it with already-signed bodies, stops it. */
async function measureChildServer(label: string, settings: BenchSettings, pool: ExecuteBodyPool, script: string, env: NodeJS.ProcessEnv, path: string): Promise<ThroughputResult> {
  const server = startNode(script, script, { stdin: true, env: { PORT: '0', ...env } });
  try {
    const { url } = JSON.parse(await server.firstLine(30_000)) as { url: string };
    return await measureThroughput({
      label,
      url: `${url}${path}`,
      connections: settings.connections,
      warmupSeconds: settings.warmupSeconds,
      durationSeconds: settings.durationSeconds,
      warmupBodies: () => pool.peek(FIRST_POOL),
      measuredBodies: () => pool.peek(FIRST_POOL),
      checkAnswers: true,
      cpuOf: { server: server.pid },
      server: 'server',
      freshBodies: false,
      generator: settings.generator,
    });
  } finally {
    await server.stop();
  }
}

/**
 * N/5 and N contacts, each on a fresh connector and simulators: both runs start from the same
 * state, so the difference between their peak RSS is what N itself costs (near 0 when flat).
 */
async function endToEndRuns(dialect: BenchDialect, settings: BenchSettings) {
  const sizes = [Math.max(1, Math.round(settings.contacts / 5)), settings.contacts];
  const runs: EndToEndResult[] = [];
  const logs: Record<string, number>[] = [];
  for (const contacts of sizes) {
    progress(`${dialect}: starting fresh simulators and connector for end to end, ${contacts} contacts`);
    const stack = await startStack(dialect, settings.postgresUrl);
    try {
      runs.push(await runEndToEnd(stack, new ExecuteBodyPool(stack.tenant.jwtSecret), contacts, settings.connections));
      logs.push((await stack.stop()).connectorLog);
    } catch (error) {
      await stack.stop().catch(() => undefined);
      throw error;
    }
  }
  const [small, large] = runs as [EndToEndResult, EndToEndResult];
  const growth = (pick: (r: EndToEndResult) => number) => Math.round((pick(large) - pick(small)) * 10) / 10;
  return {
    endToEnd: runs,
    rssVsContacts: {
      contacts: sizes,
      separateProcesses: true,
      beforeRunMiB: runs.map((r) => r.connectorRssMiB.beforeRun),
      afterRunMiB: runs.map((r) => r.connectorRssMiB.afterRun),
      peakSampledMiB: runs.map((r) => r.connectorRssMiB.peakSampled),
      vmHwmMiB: runs.map((r) => r.connectorRssMiB.vmHwm),
      /** Larger run minus smaller run: near 0 when memory does not grow with N. */
      growthMiB: { peakSampled: growth((r) => r.connectorRssMiB.peakSampled), vmHwm: growth((r) => r.connectorRssMiB.vmHwm) },
    },
    connectorLogDuringEndToEnd: logs,
  };
}

function ratios(execute: ThroughputResult, baseline: ThroughputResult): Pair['vsBaseline'] {
  const r = (a: number, b: number) => (b === 0 ? 0 : Math.round((a / b) * 1000) / 1000);
  return {
    reqPerSecRatio: r(execute.reqPerSec, baseline.reqPerSec),
    p50Ratio: r(execute.latencyMs.p50, baseline.latencyMs.p50),
    p99Ratio: r(execute.latencyMs.p99, baseline.latencyMs.p99),
    serverCpuPerRequestRatio: r(execute.serverCpuMsPerRequest, baseline.serverCpuMsPerRequest),
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

/** One round: its figures. Several: every round, and the median of the paired ratios. */
function summarisePairs(pairs: Pair[]) {
  const last = pairs[pairs.length - 1]!;
  if (pairs.length === 1) return { ...last.execute, vsBaseline: last.vsBaseline };
  return {
    medianReqPerSec: median(pairs.map((p) => p.execute.reqPerSec)),
    medianP50Ms: median(pairs.map((p) => p.execute.latencyMs.p50)),
    medianP99Ms: median(pairs.map((p) => p.execute.latencyMs.p99)),
    vsBaseline: {
      reqPerSecRatio: median(pairs.map((p) => p.vsBaseline.reqPerSecRatio)),
      p50Ratio: median(pairs.map((p) => p.vsBaseline.p50Ratio)),
      p99Ratio: median(pairs.map((p) => p.vsBaseline.p99Ratio)),
      serverCpuPerRequestRatio: median(pairs.map((p) => p.vsBaseline.serverCpuPerRequestRatio)),
    },
    rounds: pairs.map((p) => ({ ...p.execute, vsBaseline: p.vsBaseline })),
  };
}

main().then(
  () => runCleanups(),
  async (error: unknown) => {
    progress(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    await runCleanups();
    process.exitCode = 1;
  },
);
