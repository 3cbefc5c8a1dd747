import type { BodySlice } from './bodies.ts';
import { type LoadResult, runLoad } from './load.ts';
import { progress } from './processes.ts';
import { runWrk } from './wrk.ts';

export interface ThroughputOptions {
  label: string;
  url: string;
  connections: number;
  warmupSeconds: number;
  durationSeconds: number;
  /** Bodies for the warm-up; then, given the warm-up rate, enough bodies for the measured run. */
  warmupBodies: () => Promise<BodySlice>;
  measuredBodies: (warmupBestSecond: number) => Promise<BodySlice>;
  checkAnswers: boolean;
  cpuOf: Record<string, number>;
  cpuCommands?: string[];
  /** The key of cpuOf that is the measured server, for its CPU cost per request. */
  server: string;
  /** Every body must be new (the connector); the bare baseline does not care. */
  freshBodies: boolean;
  generator: 'wrk' | 'autocannon';
}

export interface ThroughputResult extends LoadResult {
  warmupReqPerSec: number;
  /**
   * Server CPU per answered request (ms): its cores used over its req/s. Less sensitive to other
   * load on a shared machine than req/s, which depends on how much CPU the server was left.
   */
  serverCpuMsPerRequest: number;
}

/**
 * perf-anchors.md's protocol: a warm-up run that is thrown away (JIT, connection set-up, caches),
 * then the measured run, same generator and settings for every server.
 */
export async function measureThroughput(o: ThroughputOptions): Promise<ThroughputResult> {
  const load = o.generator === 'wrk' ? runWrk : runLoad;
  const warmup = await load({ url: o.url, connections: o.connections, durationSeconds: o.warmupSeconds, bodies: await o.warmupBodies() });
  // The warm-up's best full second, not its mean: a cold server starts slow (PostgreSQL warmed
  // from ~550 to ~1,150 req/s once), and too few bodies would turn the rest into dedupe hits.
  const fullSeconds = warmup.responsesBySecond.slice(0, Math.max(1, Math.floor(warmup.seconds)));
  const bodies = await o.measuredBodies(Math.max(warmup.reqPerSec, ...fullSeconds));
  const measured = await load({
    url: o.url,
    connections: o.connections,
    durationSeconds: o.durationSeconds,
    bodies,
    checkAnswers: o.checkAnswers,
    cpuOf: o.cpuOf,
    ...(o.cpuCommands ? { cpuCommands: o.cpuCommands } : {}),
  });
  if (o.freshBodies && measured.bodies.repeats > 0) {
    progress(`${o.label}: WARNING ${measured.bodies.repeats} bodies were sent twice (dedupe hits, not new messages)`);
  }
  progress(
    `${o.label}: ${measured.reqPerSec} req/s, p50 ${measured.latencyMs.p50} ms, p99 ${measured.latencyMs.p99} ms, non-2xx ${measured.non2xx}, ` +
      `cores ${JSON.stringify(measured.cpuCores)}`,
  );
  const serverCores = measured.cpuCores[o.server] ?? NaN;
  const serverCpuMsPerRequest = measured.reqPerSec > 0 ? Math.round(((serverCores * 1000) / measured.reqPerSec) * 1000) / 1000 : NaN;
  return { warmupReqPerSec: warmup.reqPerSec, serverCpuMsPerRequest, ...measured };
}
