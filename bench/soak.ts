import { Pool } from 'undici';
import { ExecuteSigner, fillExample, loadExample } from '../src/sandbox/journey-builder.ts';
import type { BenchDialect } from './database.ts';
import { progress, sleep } from './processes.ts';
import { readMemory } from './rss.ts';
import { type StackOptions, startStack } from './stack.ts';

export interface SoakOptions {
  minutes: number;
  /** Executes per second, spread evenly (an open-loop rate, as contacts arrive in a journey). */
  rate: number;
}

export interface SoakMinute {
  minute: number;
  executes: number;
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  rssMiB: number;
  /** Report rows SFMC accepted so far, in every data extension (the simulator's counters). */
  reportRowsWritten: number;
}

const PENDING = 'Success: Message pending';

/**
 * `npm run bench -- --soak [--minutes 30] [--rate 500]`: a steady execute rate for a long time,
 * with messages sent and reports written back all along. One line per minute (throughput, p50/p99,
 * connector RSS, report rows) on stderr, and all of them in the JSON on stdout: RSS should not
 * grow and p99 should stay flat.
 */
export async function runSoak(
  dialect: BenchDialect,
  postgresUrl: string | undefined,
  options: SoakOptions,
  stackOptions: StackOptions = {},
): Promise<{ dialect: BenchDialect; rate: number; minutes: SoakMinute[] }> {
  const stack = await startStack(dialect, postgresUrl, stackOptions);
  const signer = new ExecuteSigner(stack.tenant.jwtSecret);
  const template = loadExample('sms');
  const target = new URL(`${stack.tenant.messageActivityUrl}execute`);
  const pool = new Pool(target.origin, { connections: 50, pipelining: 1 });
  const minutes: SoakMinute[] = [];
  let sent = 0;
  try {
    const startedAt = Date.now();
    for (let minute = 1; minute <= options.minutes; minute++) {
      const latencies: number[] = [];
      let errors = 0;
      const inFlight = new Set<Promise<void>>();
      const minuteStart = startedAt + (minute - 1) * 60_000;
      for (let i = 0; i < options.rate * 60; i++) {
        const due = minuteStart + (i / options.rate) * 1000;
        if (due > Date.now()) await sleep(due - Date.now());
        const index = sent++;
        const body = fillExample(template, { contactKey: `soak-${index}`, phone: `+49151${String(index % 100_000_000).padStart(8, '0')}` });
        const call = (async () => {
          const token = await signer.sign(body, 4 * 3600);
          const began = performance.now();
          try {
            const response = await pool.request({ method: 'POST', path: target.pathname, headers: { 'content-type': 'application/jwt' }, body: token });
            const answer = (await response.body.json()) as { messageStatus?: string };
            if (response.statusCode === 200 && answer.messageStatus === PENDING) latencies.push(performance.now() - began);
            else errors++;
          } catch {
            errors++;
          }
        })();
        inFlight.add(call);
        void call.finally(() => inFlight.delete(call));
      }
      await Promise.all(inFlight);
      latencies.sort((a, b) => a - b);
      const at = (q: number) => Math.round((latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0) * 100) / 100;
      // Rows SFMC accepted so far, from the simulator's counters: fetching the data extension itself
      // (hundreds of thousands of rows by the end) stalled this generator for seconds each minute,
      // and the next minute's executes then went out in a burst, which showed up as a growing p99.
      const rows = (await stack.simulators.sfmcStats()).rowsPerCall.reduce((sum, n) => sum + n, 0);
      const record: SoakMinute = {
        minute,
        executes: latencies.length,
        reqPerSec: Math.round(latencies.length / 60),
        p50Ms: at(0.5),
        p99Ms: at(0.99),
        errors,
        rssMiB: readMemory(stack.connector.pid)?.rssMiB ?? NaN,
        reportRowsWritten: rows,
      };
      minutes.push(record);
      progress(`soak ${dialect} minute ${minute}: ${JSON.stringify(record)}`);
    }
    return { dialect, rate: options.rate, minutes };
  } finally {
    await pool.close();
    await stack.stop();
  }
}
