// Paced executes and what the Infobip simulator saw of them: the sms-speed-limit example with its
// limit, journey version and activity varied per test, and the arrival times that pacing is judged by.
import { randomUUID } from 'node:crypto';
import { fillExample, loadExample, postExecute } from '../../src/sandbox/journey-builder.ts';
import type { InfobipSimulator } from '../../src/sandbox/infobip/simulator.ts';
import type { Contact, TestTenant } from './flow.ts';
import { eventually } from './eventually.ts';

const pacedTemplate = loadExample('sms-speed-limit');

export interface PacedActivity {
  journeyId: string;
  activityId: string;
  /** Messages per minute. */
  perMinute: number;
  /** Extra inArguments (e.g. `{ onJourneyStop: 'keepSending' }`). */
  extra?: Record<string, string>;
}

/** A new journey version and activity of the example, limited to `perMinute`. */
export function pacedActivity(perMinute: number, extra?: Record<string, string>): PacedActivity {
  return { journeyId: randomUUID(), activityId: randomUUID(), perMinute, ...(extra ? { extra } : {}) };
}

/** The example's execute body for one contact, under `activity`. */
export function pacedBody(activity: PacedActivity, contact: Contact): Record<string, unknown> {
  const body = fillExample(pacedTemplate, { contactKey: contact.contactKey, phone: contact.phone });
  const inArguments = (body.inArguments as Record<string, unknown>[]).map((a) =>
    'speedLimit.amount' in a ? { 'speedLimit.amount': String(activity.perMinute) } : 'definitionId' in a ? { definitionId: activity.journeyId } : a,
  );
  for (const [k, v] of Object.entries(activity.extra ?? {})) inArguments.push({ [k]: v });
  return { ...body, inArguments, journeyId: activity.journeyId, activityId: activity.activityId, activityObjectID: activity.activityId };
}

/** Executes the paced activity for each contact; answers the messageIds in order. */
export async function executePaced(tenant: Pick<TestTenant, 'messageActivityUrl' | 'signer'>, activity: PacedActivity, list: Contact[], concurrency = 50): Promise<string[]> {
  const tokens = await Promise.all(list.map((c) => tenant.signer.sign(pacedBody(activity, c))));
  const ids: string[] = new Array(list.length);
  let next = 0;
  const worker = async () => {
    while (next < list.length) {
      const index = next++;
      const answer = await postExecute(tenant.messageActivityUrl, tokens[index]!);
      if (answer.status !== 200 || answer.body.messageStatus !== 'Success: Message pending') throw new Error(`execute answered ${answer.status} ${JSON.stringify(answer.body)}`);
      ids[index] = String(answer.body.messageId);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, list.length) }, worker));
  return ids;
}

/** When each message first reached the Infobip simulator (epoch ms, sorted), once all of them have. */
export function arrivals(infobip: Pick<InfobipSimulator, 'sentMessages'>, ids: string[], timeoutMs = 30_000): Promise<number[]> {
  return eventually(
    () => {
      const sent = infobip.sentMessages();
      const times = ids.map((id) => sent.get(id)?.firstReceivedAt.getTime());
      return times.every((t) => t !== undefined) ? (times as number[]).sort((a, b) => a - b) : undefined;
    },
    'every paced message at Infobip',
    timeoutMs,
  );
}

/** The most arrivals in any window of `windowMs` (sorted times). */
export function largestWindow(times: number[], windowMs = 1000): number {
  let most = 0;
  let start = 0;
  for (let end = 0; end < times.length; end++) {
    while (times[end]! - times[start]! >= windowMs) start++;
    most = Math.max(most, end - start + 1);
  }
  return most;
}

/** The burst target: no second above the even rate by more than 5 % + 1 message. */
export const burstLimit = (perSecond: number) => Math.floor(perSecond * 1.05 + 1);
