import type { ClaimedMessage } from '../store/sql/claimFlowMessages.ts';

/** Issue 4's burst target: no more than floor(even rate × BURST_FACTOR) + 1 messages in any second. */
const BURST_FACTOR = 1.05;
/** How long a sent paced message counts in its flow's window after its request's answer. */
const BURST_WINDOW_MS = 1000;

interface Window {
  /** Released messages whose request has not been answered yet. */
  open: number;
  /** When each answered one stops counting, earliest first. */
  ends: number[];
}

/**
 * The burst guarantee of paced flows, by construction (and for the whole flow, since only its
 * owner sends it: store/sql/claimPacedMessages.ts). A released message counts in its flow's
 * trailing-second window from its release until BURST_WINDOW_MS after its request was answered. It
 * reaches Infobip somewhere in between, so any two messages that reach Infobip less than a second
 * apart both counted when the later one was released, and no second there holds more than the cap,
 * whatever the network or Infobip do. Late messages (a busy event loop) catch up within it.
 */
export class BurstWindows {
  readonly #windows = new Map<string, Window>();
  /** Released messages still open, by id: their flow. */
  readonly #flowOf = new Map<string, string>();

  /** Whether `row` may be released now; if so it counts in its flow's window from now. */
  take(row: ClaimedMessage, now: number): boolean {
    const cap = Math.floor((1e6 / row.pace_interval_us!) * BURST_FACTOR) + 1;
    const window = this.#windows.get(row.flow_key) ?? { open: 0, ends: [] };
    this.#windows.set(row.flow_key, window);
    while (window.ends.length > 0 && window.ends[0]! <= now) window.ends.shift();
    if (window.open + window.ends.length >= cap) return false;
    window.open++;
    this.#flowOf.set(row.id, row.flow_key);
    return true;
  }

  /** `requested`: whether the messages went in a request (then they count BURST_WINDOW_MS longer). */
  leave(ids: string[], requested: boolean): void {
    const end = Date.now() + BURST_WINDOW_MS;
    for (const id of ids) {
      const window = this.#windows.get(this.#flowOf.get(id) ?? '');
      if (!window) continue;
      this.#flowOf.delete(id);
      window.open--;
      if (requested) window.ends.push(end);
    }
  }

  /** Forgets the windows nothing counts in any more. */
  prune(now: number): void {
    for (const [key, w] of this.#windows) if (w.open === 0 && (w.ends[w.ends.length - 1] ?? 0) <= now) this.#windows.delete(key);
  }

  clear(): void {
    this.#windows.clear();
    this.#flowOf.clear();
  }
}
