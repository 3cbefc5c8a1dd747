import { request } from 'undici';
import { sleep } from '../bench/processes.ts';

export interface DriverResult {
  contacts: number;
  /** Executes answered 200 "Success: Message pending": Journey Builder moved these contacts on. */
  accepted: Set<string>;
  /** Tries that failed (refused, reset, timeout, 5xx) and were tried again, as Journey Builder does. */
  retries: number;
  /** 5xx answers among them: the connector saying "not stored, try again". */
  serverErrors: number;
  /** Contacts that never got a 200 within the attempts allowed. */
  gaveUp: number;
}

export interface DriverOptions {
  /** Signed execute bodies, one contact each. */
  bodies: Buffer[];
  /** Execute URLs to spread the contacts over (one per connector instance). */
  urls: string[];
  concurrency: number;
  /** Executes started per second at most: a journey's contacts arrive over time, not at once. */
  ratePerSecond?: number;
  /** Tries per contact before giving up (Journey Builder retries a failed execute a few times). */
  maxAttempts?: number;
  /** Called after each contact is settled (accepted or given up). */
  onSettled?: (settled: number) => void;
}

const PENDING = 'Success: Message pending';

/**
 * Journey Builder's side of a journey under chaos: every contact's execute is posted, and a try
 * that fails for want of an answer or with a 5xx is posted again (same signed body, so the same
 * message) after a pause. Only a 200 "pending" answer counts as accepted.
 */
export async function driveJourney(options: DriverOptions): Promise<DriverResult> {
  const result: DriverResult = { contacts: options.bodies.length, accepted: new Set(), retries: 0, serverErrors: 0, gaveUp: 0 };
  const maxAttempts = options.maxAttempts ?? 200;
  let next = 0;
  let settled = 0;
  const startedAt = Date.now();
  const worker = async () => {
    for (let index = next++; index < options.bodies.length; index = next++) {
      if (options.ratePerSecond) await sleep(startedAt + (index / options.ratePerSecond) * 1000 - Date.now());
      const body = options.bodies[index]!;
      let accepted = false;
      for (let attempt = 0; attempt < maxAttempts && !accepted; attempt++) {
        if (attempt > 0) {
          result.retries++;
          await sleep(Math.min(1000, 100 * attempt));
        }
        const url = options.urls[(index + attempt) % options.urls.length]!;
        const outcome = await postOnce(url, body);
        if (outcome.kind === 'accepted') {
          result.accepted.add(outcome.messageId);
          accepted = true;
        } else if (outcome.kind === 'server-error') {
          result.serverErrors++;
        } else if (outcome.kind === 'refused') {
          throw new Error(`execute ${index} was refused: ${outcome.detail}`);
        }
      }
      if (!accepted) result.gaveUp++;
      options.onSettled?.(++settled);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return result;
}

type Outcome = { kind: 'accepted'; messageId: string } | { kind: 'server-error' } | { kind: 'no-answer' } | { kind: 'refused'; detail: string };

async function postOnce(url: string, body: Buffer): Promise<Outcome> {
  try {
    const response = await request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/jwt' },
      body,
      headersTimeout: 10_000,
      bodyTimeout: 10_000,
    });
    const text = await response.body.text();
    if (response.statusCode >= 500) return { kind: 'server-error' };
    const answer = JSON.parse(text) as { messageId?: string; messageStatus?: string };
    if (response.statusCode === 200 && answer.messageStatus === PENDING && answer.messageId) return { kind: 'accepted', messageId: answer.messageId };
    // A 4xx or a business error would be a bug of the scenario's bodies, not chaos: stop loudly.
    return { kind: 'refused', detail: `${response.statusCode} ${text.slice(0, 300)}` };
  } catch {
    return { kind: 'no-answer' };
  }
}
