import autocannon from 'autocannon';
import type { BodySlice } from './bodies.ts';
import { type CpuReport, startCpuWindow } from './cpu.ts';

export interface LoadOptions {
  /** Full execute URL. */
  url: string;
  connections: number;
  /** A timed run… */
  durationSeconds?: number;
  /** …or exactly this many requests. */
  amount?: number;
  bodies: BodySlice;
  /** Check every 2xx answer is an accepted execute with its own messageId (costs the generator ~1 µs each). */
  checkAnswers?: boolean;
  /** Processes whose CPU use is reported for this run, by name. */
  cpuOf?: Record<string, number>;
  /** Commands whose processes' CPU is summed, e.g. ['postgres'] (every backend of the server). */
  cpuCommands?: string[];
  /** Called with the number of responses so far, after each one (the e2e phase timestamps the last). */
  onResponse?: (responses: number) => void;
  /** Filled with the messageIds of accepted executes (needs checkAnswers), to find their report rows. */
  messageIds?: Set<string>;
}

export interface LatencyMs {
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
}

export interface AnswerCheck {
  /** 2xx answers parsed. */
  checked: number;
  /** …with messageStatus "Success: Message pending" and a messageId. */
  pending: number;
  /** Distinct messageIds among them: equal to `pending` when no execute was merged into another. */
  distinctMessageIds: number;
  /** A few answers that were not "pending", for the report. */
  examples: string[];
}

export interface LoadResult {
  seconds: number;
  responses: number;
  reqPerSec: number;
  latencyMs: LatencyMs;
  non2xx: number;
  statusCodes: Record<string, number>;
  /** Socket errors and timeouts seen by the generator. */
  errors: number;
  timeouts: number;
  bodies: { sent: number; distinctAvailable: number; repeats: number };
  answers?: AnswerCheck;
  /** Cores used during the run; `generator` is this process, where autocannon runs. */
  cpuCores: CpuReport;
}

const PENDING = 'Success: Message pending';

/**
 * One autocannon run, in this process: pipelining 1, keep-alive, a POST of `application/jwt` per
 * request, bodies handed out by a shared cursor. Latencies are recorded here from autocannon's
 * per-response hrtime figure rather than read from its histogram, whose 1 ms resolution is too
 * coarse for a bare server answering in under a millisecond.
 */
export function runLoad(options: LoadOptions): Promise<LoadResult> {
  const target = new URL(options.url);
  let latencies = new Float64Array(1 << 16);
  let responses = 0;
  const check: AnswerCheck | undefined = options.checkAnswers ? { checked: 0, pending: 0, distinctMessageIds: 0, examples: [] } : undefined;
  const messageIds = options.messageIds ?? new Set<string>();

  const request: autocannon.Request = {
    method: 'POST',
    path: `${target.pathname}${target.search}`,
    headers: { 'content-type': 'application/jwt' },
    setupRequest: (req) => {
      req.body = options.bodies.next();
      return req;
    },
    ...(check
      ? {
          onResponse: (status: number, body: string) => {
            if (status < 200 || status > 299) return;
            check.checked++;
            let answer: { messageId?: unknown; messageStatus?: unknown } | undefined;
            try {
              answer = JSON.parse(body) as typeof answer;
            } catch {
              answer = undefined;
            }
            if (answer?.messageStatus === PENDING && typeof answer.messageId === 'string' && answer.messageId !== '') {
              check.pending++;
              messageIds.add(answer.messageId);
            } else if (check.examples.length < 5) {
              check.examples.push(`${status} ${body.slice(0, 200)}`);
            }
          },
        }
      : {}),
  };

  return new Promise((resolve, reject) => {
    const stopCpu = startCpuWindow(options.cpuOf ?? {}, options.cpuCommands);
    const instance = autocannon(
      {
        url: target.origin,
        connections: options.connections,
        pipelining: 1,
        timeout: 10,
        ...(options.amount !== undefined ? { amount: options.amount } : { duration: options.durationSeconds ?? 10 }),
        requests: [request],
      },
      (error: unknown, result: autocannon.Result) => {
        const cpuCores = stopCpu();
        if (error) return reject(error instanceof Error ? error : new Error(String(error)));
        const seconds = result.duration;
        const statusCodes: Record<string, number> = {};
        for (const [code, stat] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = stat.count ?? 0;
        if (check) check.distinctMessageIds = messageIds.size;
        resolve({
          seconds,
          responses,
          reqPerSec: Math.round(responses / seconds),
          latencyMs: percentiles(latencies.subarray(0, responses)),
          non2xx: result.non2xx,
          statusCodes,
          errors: result.errors,
          timeouts: result.timeouts,
          bodies: { sent: options.bodies.used, distinctAvailable: options.bodies.size, repeats: options.bodies.repeats },
          ...(check ? { answers: check } : {}),
          cpuCores,
        });
      },
    );
    instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) => {
      if (responses === latencies.length) {
        const bigger = new Float64Array(latencies.length * 2);
        bigger.set(latencies);
        latencies = bigger;
      }
      latencies[responses++] = responseTime;
      options.onResponse?.(responses);
    });
  });
}

function percentiles(values: Float64Array): LatencyMs {
  if (values.length === 0) return { mean: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0 };
  const sorted = Float64Array.from(values).sort();
  const at = (q: number) => round(sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!);
  let sum = 0;
  for (const v of sorted) sum += v;
  return { mean: round(sum / sorted.length), p50: at(0.5), p90: at(0.9), p99: at(0.99), p999: at(0.999), max: round(sorted[sorted.length - 1]!) };
}

const round = (x: number) => Math.round(x * 1000) / 1000;
