import { randomBytes } from 'node:crypto';
import { ExecuteSigner, fillExample, loadExample } from '../src/sandbox/journey-builder.ts';

/**
 * The bodies one load run sends: `next()` hands them out in order across every connection (a
 * shared cursor, unlike autocannon's per-connection `requests` list, which would make all 50
 * connections send the same bodies). Past the end it wraps, and counts the repeats.
 */
export class BodySlice {
  readonly #bodies: Buffer[];
  #used = 0;

  constructor(bodies: Buffer[]) {
    if (bodies.length === 0) throw new Error('a body slice needs at least one body');
    this.#bodies = bodies;
  }

  next(): Buffer {
    return this.#bodies[this.#used++ % this.#bodies.length]!;
  }

  get size(): number {
    return this.#bodies.length;
  }

  /** Bodies handed out so far (including repeats). */
  get used(): number {
    return this.#used;
  }

  /** Bodies handed out a second time or more: each is a Journey Builder retry, not a new message. */
  get repeats(): number {
    return Math.max(0, this.#used - this.#bodies.length);
  }
}

/**
 * Signed execute bodies as Journey Builder sends them, one contact each: the sms example filled
 * with a unique contactKey (so every body is a new message, never a dedupe hit) and a valid
 * German mobile number (+49 151 and 8 digits). `take` hands out bodies never handed out before.
 */
export class ExecuteBodyPool {
  readonly #signer: ExecuteSigner;
  readonly #template = loadExample('sms');
  /** Keeps this pool's contacts apart from any other pool's sent to the same connector. */
  readonly #tag = randomBytes(4).toString('hex');
  readonly #bodies: Buffer[] = [];
  #taken = 0;

  constructor(jwtSecret: string) {
    this.#signer = new ExecuteSigner(jwtSecret);
  }

  get signed(): number {
    return this.#bodies.length;
  }

  /** `count` fresh bodies, signed now if the pool does not hold them yet. */
  async take(count: number): Promise<BodySlice> {
    await this.#growTo(this.#taken + count);
    const slice = new BodySlice(this.#bodies.slice(this.#taken, this.#taken + count));
    this.#taken += count;
    return slice;
  }

  /** Bodies already signed, without consuming them: for the bare baseline, which ignores them. */
  async peek(count: number): Promise<BodySlice> {
    await this.#growTo(count);
    return new BodySlice(this.#bodies.slice(0, count));
  }

  /**
   * ExecuteSigner goes through jose and WebCrypto: some 10,000 signatures/s on a 2-core VM, with
   * a few hundred in flight to keep libuv's threadpool busy. Pools are sized to need, not padded.
   */
  async #growTo(total: number): Promise<void> {
    const inFlight = 256;
    while (this.#bodies.length < total) {
      const start = this.#bodies.length;
      const end = Math.min(total, start + inFlight);
      const signed = await Promise.all(Array.from({ length: end - start }, (_, k) => this.#sign(start + k)));
      for (const token of signed) this.#bodies.push(Buffer.from(token));
    }
  }

  #sign(index: number): Promise<string> {
    const contactKey = `bench-${this.#tag}-${index}`;
    const phone = `+49151${String(index % 100_000_000).padStart(8, '0')}`;
    // Valid for longer than any bench run: an expired token would be a 401, not a measurement.
    return this.#signer.sign(fillExample(this.#template, { contactKey, phone }), 4 * 3600);
  }
}
