import type { BodySlice } from './bodies.ts';
import { type LoadResult, runLoad } from './load.ts';
import { progress } from './processes.ts';

export interface ThroughputOptions {
  label: string;
  url: string;
  connections: number;
  warmupSeconds: number;
  durationSeconds: number;
  /** Bodies for the warm-up; then, given the warm-up rate, enough bodies for the measured run. */
  warmupBodies: () => Promise<BodySlice>;
  measuredBodies: (warmupReqPerSec: number) => Promise<BodySlice>;
  checkAnswers: boolean;
  cpuOf: Record<string, number>;
  cpuCommands?: string[];
}

export interface ThroughputResult extends LoadResult {
  warmupReqPerSec: number;
}

/**
 * perf-anchors.md's protocol: a warm-up run that is thrown away (JIT, connection set-up, caches),
 * then the measured run, same generator and settings for every server.
 */
export async function measureThroughput(o: ThroughputOptions): Promise<ThroughputResult> {
  const warmup = await runLoad({ url: o.url, connections: o.connections, durationSeconds: o.warmupSeconds, bodies: await o.warmupBodies() });
  const bodies = await o.measuredBodies(warmup.reqPerSec);
  const measured = await runLoad({
    url: o.url,
    connections: o.connections,
    durationSeconds: o.durationSeconds,
    bodies,
    checkAnswers: o.checkAnswers,
    cpuOf: o.cpuOf,
    ...(o.cpuCommands ? { cpuCommands: o.cpuCommands } : {}),
  });
  progress(
    `${o.label}: ${measured.reqPerSec} req/s, p50 ${measured.latencyMs.p50} ms, p99 ${measured.latencyMs.p99} ms, non-2xx ${measured.non2xx}, ` +
      `cores ${JSON.stringify(measured.cpuCores)}`,
  );
  return { warmupReqPerSec: warmup.reqPerSec, ...measured };
}
