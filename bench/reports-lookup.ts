import { Pool } from 'undici';
import { ExecuteSigner, fillExample, loadExample, postExecute } from '../src/sandbox/journey-builder.ts';
import { type CpuReport, startCpuWindow } from './cpu.ts';
import type { BenchDialect } from './database.ts';
import { progress } from './processes.ts';
import type { BenchSettings } from './settings.ts';
import { startStack } from './stack.ts';

/** The figure the issue asks for: lookups at this steady rate… */
const TARGET_RATE = 1_000;
/** …of this many messages, a share of them clicked and replied to so every mode finds data. */
const MESSAGES = 2_000;
const ENGAGED_SHARE = 0.25;

export interface ReportsLookupResult {
  dialect: BenchDialect;
  messages: number;
  targetPerSec: number;
  achievedPerSec: number;
  seconds: number;
  responses: number;
  non2xx: number;
  errors: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  /** Cores used during the run: the connector's per lookup is the figure other load does not skew. */
  cpuCores: CpuReport;
  connectorCpuMsPerLookup: number;
  /** Answers by Reports mode, as a check that each mode found reports. */
  sampleAnswers: Record<string, unknown>;
}

/**
 * `npm run bench -- --reports-lookup`: the Reports activity (Delivery, URL tracking and Reply
 * modes, one third each) and the split, at 1,000 lookups per second for the run's duration,
 * against the connector as its own process with reports for 2,000 messages in its store.
 */
export async function runReportsLookup(dialect: BenchDialect, settings: BenchSettings): Promise<ReportsLookupResult> {
  const stack = await startStack(dialect, settings.postgresUrl);
  try {
    const { tenant } = stack;
    const signer = new ExecuteSigner(tenant.jwtSecret);
    const infobip = stack.simulators.endpoints.infobip.baseUrl;
    const control = (path: string, body: unknown) =>
      fetch(`${infobip}/__sim/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    await control('subscriptions', { events: ['CLICK'], profile: { webhook: { notifyUrl: tenant.webhooks.clicks } } });
    await control('subscriptions', { events: ['INBOUND_MESSAGE'], format: 'MO_MESSAGES_API_JSON', profile: { webhook: { notifyUrl: tenant.webhooks.inbound } } });

    progress(`${dialect}: sending ${MESSAGES} messages for the lookups`);
    const template = loadExample('sms');
    const sent: { id: string; phone: string }[] = [];
    for (let i = 0; i < MESSAGES; i += 100) {
      await Promise.all(
        Array.from({ length: Math.min(100, MESSAGES - i) }, async (_, k) => {
          const phone = `49151${String(60_000_000 + i + k)}`;
          const answer = await postExecute(tenant.messageActivityUrl, await signer.sign(fillExample(template, { contactKey: `lookup-${i + k}`, phone: `+${phone}` })));
          if (answer.status === 200 && answer.body.messageId) sent.push({ id: String(answer.body.messageId), phone });
        }),
      );
    }
    const engaged = sent.slice(0, Math.round(sent.length * ENGAGED_SHARE));
    const delivery = loadExample('reports-delivery');
    await waitUntil(async () => {
      const answer = await postExecute(tenant.reportsActivityUrl, await signer.sign(fillExample(delivery, { messageId: sent.at(-1)!.id, contactKey: 'c' })));
      return answer.body.statusName !== 'NOT_AVAILABLE';
    }, 120_000);
    for (const m of engaged) {
      await control('click', { messageId: m.id });
      await control('reply', { from: m.phone, text: 'YES' });
    }

    const templates = [loadExample('reports-delivery'), loadExample('reports-url'), loadExample('reports-reply'), loadExample('split')];
    const urls = [tenant.reportsActivityUrl, tenant.reportsActivityUrl, tenant.reportsActivityUrl, tenant.splitActivityUrl];
    const sampleAnswers: Record<string, unknown> = {};
    for (const [i, t] of templates.entries()) {
      const answer = await postExecute(urls[i]!, await signer.sign(fillExample(t, { messageId: engaged[0]!.id, contactKey: 'c' })));
      sampleAnswers[['delivery', 'url', 'reply', 'split'][i]!] = answer.body;
    }
    progress(`${dialect}: signing lookup bodies`);
    const bodies: { path: string; body: string }[] = [];
    for (let i = 0; i < sent.length; i++) {
      const kind = i % templates.length;
      bodies.push({ path: new URL(`${urls[kind]}execute`).pathname, body: await signer.sign(fillExample(templates[kind]!, { messageId: sent[i]!.id, contactKey: `lookup-${i}` }), 4 * 3600) });
    }

    progress(`${dialect}: ${TARGET_RATE} lookups/s for ${settings.durationSeconds} s`);
    const origin = new URL(tenant.reportsActivityUrl).origin;
    const stopCpu = startCpuWindow({ connector: stack.connector.pid, simulators: stack.simulators.child.pid }, dialect === 'postgres' ? ['postgres'] : []);
    const run = await openLoop(origin, bodies, TARGET_RATE, settings.durationSeconds);
    const cpuCores = stopCpu();
    const { latencies } = run;
    latencies.sort((a, b) => a - b);
    const at = (q: number) => Math.round((latencies[Math.min(latencies.length - 1, Math.ceil(q * latencies.length) - 1)] ?? 0) * 1000) / 1000;
    return {
      dialect,
      messages: sent.length,
      targetPerSec: TARGET_RATE,
      achievedPerSec: Math.round(latencies.length / run.seconds),
      seconds: Math.round(run.seconds * 100) / 100,
      responses: latencies.length,
      non2xx: run.non2xx,
      errors: run.errors,
      latencyMs: { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: at(1) },
      cpuCores,
      connectorCpuMsPerLookup: Math.round(((cpuCores.connector! * run.seconds) / Math.max(1, latencies.length)) * 1000 * 1000) / 1000,
      sampleAnswers,
    };
  } catch (error) {
    // What the two processes said last is the first thing to read when a run fails.
    progress(`${dialect}: connector said:\n${stack.connector.tail()}\nsimulators said:\n${stack.simulators.child.tail()}`);
    throw error;
  } finally {
    await stack.stop();
  }
}

/**
 * An open-loop generator: one lookup every 1/rate s, each on its schedule whether or not earlier
 * ones have answered (autocannon's rate limit sends each second's requests in a burst, which
 * measures its own queueing). Latency counts from the scheduled time, so a stalled server cannot
 * hide its delay by slowing the generator (coordinated omission).
 */
async function openLoop(origin: string, bodies: { path: string; body: string }[], rate: number, seconds: number) {
  const pool = new Pool(origin, { connections: 64, pipelining: 1 });
  const latencies: number[] = [];
  let non2xx = 0;
  let errors = 0;
  const total = Math.round(rate * seconds);
  const intervalMs = 1000 / rate;
  const started = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = started + i * intervalMs;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const b = bodies[i % bodies.length]!;
    inFlight.push(
      pool.request({ method: 'POST', path: b.path, headers: { 'content-type': 'application/jwt' }, body: b.body }).then(
        async (response) => {
          await response.body.dump();
          if (response.statusCode !== 200) non2xx++;
          latencies.push(performance.now() - due);
        },
        () => void errors++,
      ),
    );
  }
  await Promise.all(inFlight);
  const elapsed = (performance.now() - started) / 1000;
  await pool.close();
  return { latencies, non2xx, errors, seconds: elapsed };
}

async function waitUntil(done: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error('the reports did not arrive in time');
    await new Promise((r) => setTimeout(r, 250));
  }
}
