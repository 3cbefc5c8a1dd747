// Randomness for faults, outcomes, delays and generated ids. With a seed the whole simulator is
// reproducible (same requests in the same order → same ids, outcomes and faults), which keeps
// tests that assert on fault behaviour from flaking.

export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** True with probability p. */
  chance(p: number): boolean;
  /** Integer in [min, max]. */
  int(min: number, max: number): number;
  /** Key drawn with probability proportional to its weight. */
  weighted<K extends string>(weights: Record<K, number>): K;
  shuffle<T>(items: T[]): T[];
}

/** mulberry32: tiny, fast and good enough for a simulator. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function createRandom(seed?: number): Random {
  const next = seed === undefined ? Math.random : mulberry32(seed);
  const random: Random = {
    next,
    chance: (p) => p > 0 && next() < p,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    weighted(weights) {
      const entries = Object.entries(weights) as [keyof typeof weights, number][];
      const total = entries.reduce((sum, [, w]) => sum + w, 0);
      let roll = next() * total;
      for (const [key, w] of entries) {
        if (w > 0 && (roll -= w) < 0) return key;
      }
      return entries.filter(([, w]) => w > 0).at(-1)![0];
    },
    shuffle(items) {
      for (let i = items.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [items[i], items[j]] = [items[j], items[i]];
      }
      return items;
    },
  };
  return random;
}

const hex = (random: Random, n: number) =>
  Array.from({ length: n }, () => Math.floor(random.next() * 16).toString(16)).join('');

/** Looks like the ids Infobip generates (spec example: `2250be2d4219-3af1-78856-aabe-1362af1edfd2`). */
export function generateMessageId(random: Random): string {
  return [hex(random, 12), hex(random, 4), hex(random, 5), hex(random, 4), hex(random, 12)].join('-');
}

/** Infobip's generated bulkIds are long decimal strings (spec example: `2034072219640523072`). */
export function generateBulkId(random: Random): string {
  return String(random.int(1, 9)) + Array.from({ length: 18 }, () => random.int(0, 9)).join('');
}
