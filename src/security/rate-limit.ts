import type { FastifyReply } from 'fastify';

/**
 * Fixed-window counting per key (a client address, plus the tenant where there is one) for the
 * ways in that take a credential, so credentials cannot be guessed at speed and guesses cannot
 * make us call SFMC at speed. Sign-ins count every attempt (`take`); bearer-token surfaces count
 * only failures (`retryAfter` before the check, `count` after a refusal), so a busy client is
 * never throttled by its own successes. Per instance: several instances each allow `limit`.
 */
export class RateLimiter {
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #windows = new Map<string, { count: number; endsAt: number }>();

  constructor(limit: number, windowMs: number) {
    this.#limit = limit;
    this.#windowMs = windowMs;
  }

  /** How many ms the key must wait before it may try again; 0 while it is under its limit. Counts nothing. */
  retryAfter(key: string): number {
    const now = Date.now();
    const window = this.#windows.get(key);
    return window && window.endsAt > now && window.count >= this.#limit ? window.endsAt - now : 0;
  }

  /** Counts one attempt against the key. */
  count(key: string): void {
    const now = Date.now();
    if (this.#windows.size > 10_000) for (const [k, w] of this.#windows) if (w.endsAt <= now) this.#windows.delete(k);
    let window = this.#windows.get(key);
    if (!window || window.endsAt <= now) this.#windows.set(key, (window = { count: 0, endsAt: now + this.#windowMs }));
    window.count++;
  }

  /** Checks and counts an attempt: answers how many ms to wait when the key is over its limit, else counts it and answers 0. */
  take(key: string): number {
    const wait = this.retryAfter(key);
    if (wait === 0) this.count(key);
    return wait;
  }
}

/** 429 with Retry-After in whole seconds, and a message saying what to do. */
export function tooManyAttempts(reply: FastifyReply, waitMs: number, message: string): FastifyReply {
  return reply.code(429).header('retry-after', String(Math.ceil(waitMs / 1000))).send({ error: 'rate_limited', message });
}
