/** Retry-After is either seconds or an HTTP date; answers milliseconds from now. */
export function retryAfterMs(header: string | string[] | undefined): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/**
 * Capped exponential backoff with equal jitter: attempt 1 waits between half of and the whole `baseMs`, each further
 * attempt doubles the ceiling up to `capMs`. Jitter spreads the retries of many messages and
 * instances so they do not hit a recovering API together.
 */
function backoffMs(attempt: number, baseMs = 1000, capMs = 300_000, random: () => number = Math.random): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** Bounds of retryDelayMs when no Retry-After was given: from one second up to five minutes. */
const MIN_RETRY_MS = 1_000;
const MAX_RETRY_MS = 300_000;

/**
 * How long to wait before retrying work first stored `waitedMs` ago, after its `attempts`-th
 * failure. Retry-After is honoured as given. Without one, the backoff doubles with the attempts but
 * never goes beyond four times what the work has waited so far. Attempts also count calls
 * throttled with a Retry-After of a second, and a few seconds of 429s followed by one 5xx would
 * otherwise hold the work for minutes after the API is back (the chaos suite's provider-faults once
 * lost its settle window to this). Four times: work that only ever backed off on its own has
 * already waited at least half of every earlier ceiling, so the bound never cuts its doubling.
 */
export function retryDelayMs(attempts: number, waitedMs: number, retryAfter?: number): number {
  if (retryAfter !== undefined) return retryAfter;
  return backoffMs(attempts, MIN_RETRY_MS, Math.min(MAX_RETRY_MS, Math.max(MIN_RETRY_MS, 4 * waitedMs)));
}
