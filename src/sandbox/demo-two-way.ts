import type { Sandbox } from './sandbox.ts';
import { ExecuteSigner, fillExample, loadExample, postExecute } from './journey-builder.ts';

export interface TwoWayDemoOptions {
  contacts: number;
  /** At most this many executes (or Reports lookups) in flight, like Journey Builder's concurrentRequests. */
  concurrency: number;
  /** Share of contacts that reply (0..1). */
  replyShare: number;
}

/**
 * `npm run demo -- --two-way`: a journey whose SMS asks for a reply ("Trigger Event on Response")
 * and whose contacts then wait in a Wait Until Event. Some recipients reply (the Infobip
 * simulator forwards their replies to the tenant's inbound URL); each reply fires the journey
 * event in the SFMC simulator, which resumes that contact. Answers the summary lines.
 */
export async function runTwoWayDemo(sandbox: Sandbox, options: TwoWayDemoOptions): Promise<{ lines: string[]; ok: boolean }> {
  const signer = new ExecuteSigner(sandbox.info.jwtSecret);
  const template = loadExample('sms-two-way');
  const replyTemplate = loadExample('reports-reply');
  const splitTemplate = loadExample('split');
  const mid = sandbox.info.sfmc.accountId;
  const started = performance.now();
  const inParallel = async (count: number, work: (i: number) => Promise<void>) => {
    let next = 0;
    await Promise.all(Array.from({ length: Math.min(options.concurrency, count) }, async () => {
      while (next < count) await work(next++);
    }));
  };

  const sent: { contactKey: string; phone: string; messageId: string }[] = [];
  await inParallel(options.contacts, async (i) => {
    const contactKey = `two-way-contact-${i}`;
    const phone = `49151${String(30_000_000 + i)}`;
    const answer = await postExecute(sandbox.info.messageActivityUrl, await signer.sign(fillExample(template, { contactKey, phone: `+${phone}` })));
    if (answer.status === 200 && answer.body.messageStatus === 'Success: Message pending') sent.push({ contactKey, phone, messageId: String(answer.body.messageId) });
  });
  await until(() => sent.every((s) => sandbox.infobip.sentMessages().has(s.messageId)), 60_000);
  const waiting = sent.length;

  // The first share of the contacts reply, with varied answers.
  const answers = ['YES', 'Yes please', 'NO', 'Can we make it 9 pm?'];
  const repliers = sent.filter((_, i) => i < Math.round(sent.length * options.replyShare));
  repliers.forEach((s, i) => sandbox.infobip.reply({ from: s.phone, text: answers[i % answers.length]! }));
  const resumed = () => new Set(sandbox.sfmc.events(mid).map((e) => e.ContactKey));
  await until(() => repliers.every((r) => resumed().has(r.contactKey)), 60_000);
  const repliesDone = performance.now();

  const branches = new Map<string, number>();
  const texts = new Map<string, number>();
  await inParallel(sent.length, async (i) => {
    const s = sent[i]!;
    const data = { messageId: s.messageId, contactKey: s.contactKey };
    const branch = await postExecute(sandbox.info.splitActivityUrl, await signer.sign(fillExample(splitTemplate, data)));
    const reply = await postExecute(sandbox.info.reportsActivityUrl, await signer.sign(fillExample(replyTemplate, data)));
    const b = String(branch.body.branchResult);
    branches.set(b, (branches.get(b) ?? 0) + 1);
    const t = String(reply.body.replyText);
    texts.set(t, (texts.get(t) ?? 0) + 1);
  });
  // Replies reach Inbound Messages through the batched write-back, a round after the event fires.
  const inboundRowCount = () => sandbox.sfmc.rows(mid, sandbox.info.dataExtensions.inboundMessages!).length;
  await until(() => inboundRowCount() >= repliers.length, 60_000);
  const inboundRows = inboundRowCount();
  const events = sandbox.sfmc.events(mid);
  const n = (x: number) => x.toLocaleString('en-US');
  const list = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${n(v)}`).join(' · ');
  const stillWaiting = sent.filter((s) => !resumed().has(s.contactKey)).length;
  return {
    ok: events.length === repliers.length && stillWaiting === waiting - repliers.length,
    lines: [
      `mc-relay two-way demo: ${n(options.contacts)} contacts get an SMS with Trigger Event on Response, then wait in a Wait Until Event (${sandbox.connector.store.dialect})`,
      `  waiting contacts    ${n(waiting)}`,
      `  replies sent        ${n(repliers.length)}, each to the number the SMS came from`,
      `  events fired        ${n(events.length)} × POST /interaction/v1/events (EventDefinitionKey ${events[0]?.EventDefinitionKey ?? '-'})`,
      `  contacts resumed    ${n(waiting - stillWaiting)}; still waiting ${n(stillWaiting)} (they take the Wait Until Event's timeout path)`,
      `  Inbound Messages    ${n(inboundRows)} rows in "${sandbox.info.dataExtensions.inboundMessages}"`,
      `  split branches      ${list(branches)}`,
      `  Reply mode answers  ${list(texts)}`,
      `  time taken          ${((repliesDone - started) / 1000).toFixed(1)} s from the first execute to the last contact resumed`,
    ],
  };
}

async function until(done: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
}
