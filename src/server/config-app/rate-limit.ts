/**
 * Fixed-window request counting per key (client address + tenant) for the sign-in endpoints, so
 * credentials cannot be guessed at speed. Per instance: several instances each allow `limit`.
 */
export class RateLimiter {
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #windows = new Map<string, { count: number; endsAt: number }>();

  constructor(limit: number, windowMs: number) {
    this.#limit = limit;
    this.#windowMs = windowMs;
  }

  /** Counts a request; answers how many ms to wait when the key is over its limit, else 0. */
  take(key: string): number {
    const now = Date.now();
    if (this.#windows.size > 10_000) for (const [k, w] of this.#windows) if (w.endsAt <= now) this.#windows.delete(k);
    let window = this.#windows.get(key);
    if (!window || window.endsAt <= now) this.#windows.set(key, (window = { count: 0, endsAt: now + this.#windowMs }));
    window.count++;
    return window.count > this.#limit ? window.endsAt - now : 0;
  }
}
