/**
 * The activity's inArguments, merged in order into one map, with typed readers. Journey Builder
 * sends what the activity UI saved, with bindings evaluated: strings, and sometimes numbers,
 * booleans or nested JSON. Readers answer `undefined` when an argument is absent or blank and
 * `null` when it is present but unreadable, so callers can tell "missing" from "invalid".
 */
export class ActivityArguments {
  readonly #entries: Map<string, unknown>;

  constructor(entries: Map<string, unknown>) {
    this.#entries = entries;
  }

  static fromInArguments(inArguments: Record<string, unknown>[]): ActivityArguments {
    const entries = new Map<string, unknown>();
    for (const entry of inArguments) for (const [k, v] of Object.entries(entry)) entries.set(k, v);
    return new ActivityArguments(entries);
  }

  text(name: string): string | undefined {
    const value = this.#entries.get(name);
    if (typeof value === 'string') return value.trim() === '' ? undefined : value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    return undefined;
  }

  flag(name: string): boolean | undefined | null {
    const value = this.text(name)?.trim().toLowerCase();
    if (value === undefined) return undefined;
    if (value === 'true' || value === '1' || value === 'yes') return true;
    if (value === 'false' || value === '0' || value === 'no') return false;
    return null;
  }

  integer(name: string): number | undefined | null {
    const value = this.text(name)?.trim();
    if (value === undefined) return undefined;
    return /^-?\d+$/.test(value) ? Number(value) : null;
  }

  /** Structured arguments (buttons, cards, segments): a JSON value, or a string holding one. */
  json(name: string): unknown {
    const value = this.#entries.get(name);
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value !== 'string') return value;
    try {
      return JSON.parse(value);
    } catch {
      return null;
    }
  }

  /** A copy with every value passed through `transform` (names kept, order kept). */
  map(transform: (name: string, value: unknown) => unknown): ActivityArguments {
    return new ActivityArguments(new Map([...this.#entries].map(([k, v]) => [k, transform(k, v)])));
  }

  /** Arguments whose name passes `test`, in the order the activity listed them. */
  matching(test: (name: string) => boolean): [name: string, value: unknown][] {
    return [...this.#entries].filter(([k]) => test(k));
  }

  /** Arguments named `<prefix><suffix>`, as [suffix, value], in the order the activity listed them. */
  withPrefix(prefix: string): [suffix: string, value: unknown][] {
    return this.matching((k) => k.startsWith(prefix) && k.length > prefix.length).map(([k, v]) => [k.slice(prefix.length), v]);
  }
}
