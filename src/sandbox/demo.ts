import { parseArgs } from 'node:util';
import pino from 'pino';
import { allChannels, findChannel } from '../channels/registry.ts';
import { createLogger } from '../logger.ts';
import { reportType } from '../reports/report-types.ts';
import { runTwoWayDemo } from './demo-two-way.ts';
import { ExecuteSigner, fillExample, loadExample, postExecute } from './journey-builder.ts';
import { startSandbox } from './sandbox.ts';

/**
 * `npm run demo`: a simulated journey of N contacts through the Message activity and then the
 * Reports activity, against the sandbox, with a readable summary of what happened to each.
 */
const { values } = parseArgs({
  options: {
    contacts: { type: 'string', default: '1000' },
    channel: { type: 'string', default: 'sms' },
    concurrency: { type: 'string', default: '50' },
    'database-url': { type: 'string' },
    verbose: { type: 'boolean', default: false },
    'two-way': { type: 'boolean', default: false },
    'reply-share': { type: 'string', default: '0.6' },
  },
});
const contacts = Number(values.contacts);
const concurrency = Number(values.concurrency);
if (!Number.isInteger(contacts) || contacts < 1) throw new Error('--contacts must be a positive integer');
const channel = findChannel(values.channel!);
if (!channel) throw new Error(`--channel must be one of ${allChannels().map((c) => c.id).join(', ')}`);

const databaseUrl = values['database-url'] ?? process.env.DATABASE_URL;
const sandbox = await startSandbox({
  log: values.verbose ? createLogger('info', pino.destination(2)) : pino({ level: 'silent' }),
  ...(databaseUrl ? { databaseUrl } : {}),
});
if (values['two-way']) {
  const replyShare = Number(values['reply-share']);
  if (!(replyShare >= 0 && replyShare <= 1)) throw new Error('--reply-share must be a number from 0 to 1');
  const result = await runTwoWayDemo(sandbox, { contacts, concurrency, replyShare });
  process.stdout.write(`${result.lines.join('\n')}\n`);
  await sandbox.close();
  process.exit(result.ok ? 0 : 1);
}
const signer = new ExecuteSigner(sandbox.info.jwtSecret);
const messageTemplate = loadExample(channel.id);
const reportsTemplate = loadExample('reports-delivery');
const started = performance.now();

/** Runs `work` for 0..count-1 with at most `concurrency` in flight, like Journey Builder's concurrentRequests. */
async function inParallel(count: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, async () => {
    while (next < count) await work(next++);
  }));
}

const messageIds: string[] = [];
const executeErrors = new Map<string, number>();
await inParallel(contacts, async (i) => {
  const body = fillExample(messageTemplate, { contactKey: `demo-contact-${i}`, phone: `+49151${String(20_000_000 + i)}` });
  const answer = await postExecute(sandbox.info.messageActivityUrl, await signer.sign(body));
  if (answer.status === 200 && answer.body.messageStatus === 'Success: Message pending') messageIds.push(String(answer.body.messageId));
  else {
    const key = `${answer.status} ${String(answer.body.messageStatus ?? answer.body.error ?? '')}`;
    executeErrors.set(key, (executeErrors.get(key) ?? 0) + 1);
  }
});
const executesDone = performance.now();

const deKey = sandbox.info.dataExtensions[reportType(channel.deliveryReportType).dataExtension.id]!;
process.stderr.write('waiting for delivery reports to reach the data extension…\n');
const deadline = Date.now() + 120_000;
while (sandbox.sfmc.rows(sandbox.info.sfmc.accountId, deKey).length < messageIds.length && Date.now() < deadline) {
  await new Promise((r) => setTimeout(r, 100));
}
const reportsDone = performance.now();

const answered = new Map<string, number>();
let reportsAnswered = 0;
await inParallel(messageIds.length, async (i) => {
  const body = fillExample(reportsTemplate, { messageId: messageIds[i]!, contactKey: `demo-contact-${i}` });
  const answer = await postExecute(sandbox.info.reportsActivityUrl, await signer.sign(body));
  if (answer.status !== 200) return;
  reportsAnswered++;
  const group = String(answer.body.statusGroupName);
  answered.set(group, (answered.get(group) ?? 0) + 1);
});
const finished = performance.now();

const infobip = sandbox.infobip.stats();
const sfmc = sandbox.sfmc.stats();
const rows = sandbox.sfmc.rows(sandbox.info.sfmc.accountId, deKey);
const byGroup = new Map<string, number>();
for (const row of rows) byGroup.set(String(row.statusGroupName), (byGroup.get(String(row.statusGroupName)) ?? 0) + 1);
const writeCalls = Object.entries(sfmc.calls).filter(([route]) => route.includes('async/dataextensions')).reduce((sum, [, n]) => sum + n, 0);

const n = (x: number) => x.toLocaleString('en-US');
const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const list = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k.toLowerCase()} ${n(v)}`).join(' · ') || 'none';
const lines = [
  `mc-relay demo: ${n(contacts)} contacts through the ${channel.name} Message activity and the Reports activity (${sandbox.connector.store.dialect})`,
  `  executes answered   ${n(contacts)} in ${s(executesDone - started)} (${n(Math.round(contacts / ((executesDone - started) / 1000)))}/s)`,
  `  accepted            ${n(messageIds.length)}${executeErrors.size ? `   not accepted: ${list(executeErrors)}` : ''}`,
  `  sent to Infobip     ${n(infobip.messagesAccepted)} messages in ${n(infobip.acceptedRequests)} requests (${(infobip.messagesAccepted / Math.max(1, infobip.acceptedRequests)).toFixed(0)} per request), duplicates ${infobip.duplicateMessageIds}`,
  `  delivery reports    ${list(byGroup)}`,
  `  written to SFMC     ${n(rows.length)} rows in "${deKey}" with ${n(writeCalls)} API calls`,
  `  reports answered    ${n(reportsAnswered)}: ${list(answered)}`,
  `  time taken          ${s(finished - started)} in all; ${s(reportsDone - started)} from the first execute to the last report row`,
];
process.stdout.write(`${lines.join('\n')}\n`);
await sandbox.close();
if (rows.length < messageIds.length) {
  process.stderr.write(`only ${rows.length} of ${messageIds.length} report rows arrived in time\n`);
  process.exitCode = 1;
}
