import type { Logger } from 'pino';

/**
 * Runs `round` again and again: at once while it reports more work, after `idleMs` otherwise
 * (or after the pause the round asks for, when it answers a number of milliseconds).
 * `wake` cuts the pause short when new work is known to exist; `stop` lets the current round
 * finish (in-flight requests record their outcome) before it resolves.
 */
export class PollingLoop {
  readonly #name: string;
  readonly #idleMs: number;
  readonly #round: () => Promise<boolean | number>;
  readonly #log: Logger;
  #running = false;
  #loop: Promise<void> | undefined;
  #wake: (() => void) | undefined;

  constructor(name: string, idleMs: number, round: () => Promise<boolean | number>, log: Logger) {
    this.#name = name;
    this.#idleMs = idleMs;
    this.#round = round;
    this.#log = log;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#loop = this.#run();
  }

  async stop(): Promise<void> {
    this.#running = false;
    this.#wake?.();
    await this.#loop;
  }

  wake(): void {
    this.#wake?.();
  }

  async #run(): Promise<void> {
    while (this.#running) {
      let next: boolean | number = false;
      try {
        next = await this.#round();
      } catch (error) {
        this.#log.error({ err: error }, `${this.#name} round failed`);
      }
      const pauseMs = next === true ? 0 : next === false ? this.#idleMs : next;
      if (pauseMs > 0 && this.#running) await this.#pause(pauseMs);
    }
  }

  #pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.#wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
