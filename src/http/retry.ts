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
export function backoffMs(attempt: number, baseMs = 1000, capMs = 300_000, random: () => number = Math.random): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
