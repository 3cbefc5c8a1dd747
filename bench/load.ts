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
  /** The first few answers that were not "pending" (any status), for the report. */
  examples: string[];
}

export interface LoadResult {
  seconds: number;
  responses: number;
  reqPerSec: number;
  latencyMs: LatencyMs;
  /** Responses in each second of the run: a falling series means the server slows as its tables grow. */
  responsesBySecond: number[];
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
 * request, bodies handed out by a shared cursor (every connection takes the next unsent body).
 * Latencies are recorded here from autocannon's per-response hrtime figure rather than read from
 * its histogram, whose 1 ms resolution is too coarse for a bare server answering in ~1 ms.
 */
export function runLoad(options: LoadOptions): Promise<LoadResult> {
  const target = new URL(options.url);
  let latencies = new Float64Array(1 << 16);
  let responses = 0;
  const bySecond: number[] = [];
  let startedAt = 0;
  const check: AnswerCheck | undefined = options.checkAnswers ? { checked: 0, pending: 0, distinctMessageIds: 0, examples: [] } : undefined;
  const messageIds = options.messageIds ?? new Set<string>();

  const request: autocannon.Request = {
    method: 'POST',
    path: `${target.pathname}${target.search}`,
    headers: { 'content-type': 'application/jwt' },
    // Never sent as such: setupClient below makes every request's bytes, the first one included.
    ...(check
      ? {
          onResponse: (status: number, body: string) => {
            if (status < 200 || status > 299) {
              if (check.examples.length < 5) check.examples.push(`${status} ${body.slice(0, 300)}`);
              return;
            }
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

  // The raw HTTP/1.1 request for the next body. autocannon's documented way to vary bodies
  // (setupRequest) rebuilds the request through object spreads on every call, which costs the
  // generator a quarter more CPU; on a 2-core machine that CPU comes out of the server's share.
  const heads = new Map<number, Buffer>();
  const rawRequest = () => {
    const body = options.bodies.next();
    let head = heads.get(body.length);
    if (!head) {
      head = Buffer.from(
        `POST ${target.pathname}${target.search} HTTP/1.1\r\nHost: ${target.host}\r\nConnection: keep-alive\r\n` +
          `content-type: application/jwt\r\nContent-Length: ${body.length}\r\n\r\n`,
      );
      heads.set(body.length, head);
    }
    return Buffer.concat([head, body]);
  };
  // Each connection asks its client for the bytes of every request after its first
  // (httpClient.js, Client.prototype.getRequestBuffer, autocannon 9): that is where bodies vary.
  const setupClient = (client: autocannon.Client) => {
    const internal = client as unknown as { getRequestBuffer?: () => Buffer };
    if (typeof internal.getRequestBuffer !== 'function') throw new Error('autocannon changed: Client.getRequestBuffer is gone (bench/load.ts)');
    internal.getRequestBuffer = rawRequest;
  };

  return new Promise((resolve, reject) => {
    const stopCpu = startCpuWindow(options.cpuOf ?? {}, options.cpuCommands);
    startedAt = performance.now();
    const instance = autocannon(
      {
        url: target.origin,
        connections: options.connections,
        pipelining: 1,
        timeout: 10,
        ...(options.amount !== undefined ? { amount: options.amount } : { duration: options.durationSeconds ?? 10 }),
        requests: [request],
        setupClient,
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
          // The last entry is a partial second (autocannon stops on its 1 s tick).
          responsesBySecond: Array.from(bySecond, (n) => n ?? 0),
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
      const second = Math.floor((performance.now() - startedAt) / 1000);
      bySecond[second] = (bySecond[second] ?? 0) + 1;
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
