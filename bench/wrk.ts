import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processCpuSeconds, startCpuWindow } from './cpu.ts';
import type { LoadOptions, LoadResult } from './load.ts';

/**
 * wrk (Debian's `wrk` package) as the load generator for the throughput runs. It costs the
 * machine far less CPU than autocannon, which runs in Node beside everything it measures:
 * perf-anchors.md measured a bare Fastify at ~64,000 r/s with wrk on this 2-core VM, where
 * autocannon reaches ~12,000. Every request is a distinct pre-signed body, cycled by a Lua script.
 */
export function wrkAvailable(): boolean {
  return spawnSync('wrk', ['--version'], { stdio: 'ignore' }).error === undefined;
}

// One thread (-t1), so one Lua state: the cursor is shared by every connection, as in load.ts.
const SCRIPT = `
local requests = {}
local n = 0
init = function(args)
  for body in io.lines(args[1]) do
    requests[#requests + 1] = wrk.format("POST", args[2], { ["content-type"] = "application/jwt" }, body)
  end
end
request = function()
  n = n + 1
  return requests[((n - 1) % #requests) + 1]
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('{"requests":%d,"durationUs":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,"mean":%f,"p50":%d,"p90":%d,"p99":%d,"p999":%d,"max":%d}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency.mean, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9), latency.max))
end
`;

interface WrkSummary {
  requests: number;
  durationUs: number;
  connect: number;
  read: number;
  write: number;
  status: number;
  timeout: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
}

/** A timed wrk run with the same options and result shape as load.ts's autocannon run. */
export async function runWrk(options: LoadOptions): Promise<LoadResult> {
  const target = new URL(options.url);
  const seconds = options.durationSeconds ?? 10;
  const dir = mkdtempSync(join(tmpdir(), 'mc-relay-wrk-'));
  try {
    const bodies = Array.from({ length: options.bodies.size }, () => options.bodies.next().toString());
    writeFileSync(join(dir, 'bodies.txt'), `${bodies.join('\n')}\n`);
    writeFileSync(join(dir, 'script.lua'), SCRIPT);
    const args = ['-t1', `-c${options.connections}`, `-d${seconds}s`, '--timeout', '10s', '-s', join(dir, 'script.lua'), target.origin];
    const child = spawn('wrk', [...args, '--', join(dir, 'bodies.txt'), `${target.pathname}${target.search}`], { stdio: ['ignore', 'pipe', 'pipe'] });
    const stopCpu = startCpuWindow(options.cpuOf ?? {}, options.cpuCommands);
    // wrk is reaped before its CPU can be read at the end: keep the last reading taken while it ran.
    const wrkStartedAt = performance.now();
    let wrkCpuSeconds = 0;
    const sampler = setInterval(() => {
      const seconds = processCpuSeconds(child.pid!);
      if (!Number.isNaN(seconds)) wrkCpuSeconds = seconds;
    }, 100);
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    clearInterval(sampler);
    const cpuCores = stopCpu();
    const wrkCores = Math.round((wrkCpuSeconds / ((performance.now() - wrkStartedAt) / 1000)) * 100) / 100;
    cpuCores.restOfMachine = Math.max(0, Math.round(((cpuCores.restOfMachine ?? 0) - wrkCores) * 100) / 100);
    cpuCores.generator = wrkCores;
    const line = out.split('\n').find((l) => l.startsWith('{"requests"'));
    if (code !== 0 || !line) throw new Error(`wrk failed (${code}): ${err || out}`);
    const s = JSON.parse(line) as WrkSummary;
    const ms = (us: number) => Math.round(us) / 1000;
    const runSeconds = s.durationUs / 1e6;
    return {
      seconds: runSeconds,
      responses: s.requests,
      reqPerSec: Math.round(s.requests / runSeconds),
      latencyMs: { mean: ms(s.mean), p50: ms(s.p50), p90: ms(s.p90), p99: ms(s.p99), p999: ms(s.p999), max: ms(s.max) },
      // wrk reports no per-second series; the mean rate stands for every second.
      responsesBySecond: [],
      non2xx: s.status,
      statusCodes: {},
      errors: s.connect + s.read + s.write,
      timeouts: s.timeout,
      bodies: { sent: s.requests, distinctAvailable: options.bodies.size, repeats: Math.max(0, s.requests - options.bodies.size) },
      cpuCores,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
