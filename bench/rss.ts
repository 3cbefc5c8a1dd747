import { readFileSync, writeFileSync } from 'node:fs';

export interface MemorySample {
  /** Resident set size now (VmRSS), MiB. */
  rssMiB: number;
  /** Peak resident set size (VmHWM), MiB: since start, or since the last resetPeak. */
  hwmMiB: number;
}

const kibToMiB = (kib: number) => Math.round((kib / 1024) * 10) / 10;

/** Reads VmRSS and VmHWM of a process from /proc; undefined once it has gone. */
export function readMemory(pid: number): MemorySample | undefined {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const field = (name: string) => Number(status.match(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm'))?.[1] ?? NaN);
  return { rssMiB: kibToMiB(field('VmRSS')), hwmMiB: kibToMiB(field('VmHWM')) };
}

/**
 * Resets VmHWM to the current RSS (writing 5 to /proc/<pid>/clear_refs, Linux ≥ 4.0), so a phase's
 * peak is not hidden by an earlier, larger one. Answers false where that is not allowed; the
 * sampler's own peak still covers the phase then.
 */
export function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/**
 * Samples RSS every `intervalMs` for the life of a process. VmHWM is exact but one number per
 * process; the samples give a per-phase peak (mark/peakSince) without restarting anything.
 */
export class RssSampler {
  readonly #pid: number;
  readonly #timer: NodeJS.Timeout;
  #samples: { at: number; rssMiB: number }[] = [];

  constructor(pid: number, intervalMs = 100) {
    this.#pid = pid;
    this.#timer = setInterval(() => this.sample(), intervalMs);
    this.#timer.unref();
    this.sample();
  }

  sample(): MemorySample | undefined {
    const memory = readMemory(this.#pid);
    if (memory) this.#samples.push({ at: Date.now(), rssMiB: memory.rssMiB });
    return memory;
  }

  /** Highest sampled RSS since `since` (epoch ms). */
  peakSince(since: number): number {
    let peak = 0;
    for (const s of this.#samples) if (s.at >= since && s.rssMiB > peak) peak = s.rssMiB;
    return peak;
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}
