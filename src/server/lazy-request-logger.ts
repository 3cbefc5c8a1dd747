import type { FastifyBaseLogger } from 'fastify';
import type { Bindings, ChildLoggerOptions } from 'pino';

type AnyLogFn = (...args: unknown[]) => void;

/**
 * Fastify gives every request a child logger bound to its request id. pino's child() copies the
 * parent's serializers and redaction for each one: a few per cent of an execute's CPU, for a logger
 * that nearly every request leaves unused. This one makes the child the first time it is used.
 */
class LazyRequestLogger implements FastifyBaseLogger {
  readonly #parent: FastifyBaseLogger;
  readonly #bindings: Bindings;
  readonly #options: ChildLoggerOptions;
  #child: FastifyBaseLogger | undefined;

  constructor(parent: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions) {
    this.#parent = parent;
    this.#bindings = bindings;
    this.#options = options;
  }

  get level(): string {
    return (this.#child ?? this.#parent).level;
  }

  set level(level: string) {
    this.#real().level = level;
  }

  fatal(...args: unknown[]): void {
    (this.#real().fatal as AnyLogFn)(...args);
  }

  error(...args: unknown[]): void {
    (this.#real().error as AnyLogFn)(...args);
  }

  warn(...args: unknown[]): void {
    (this.#real().warn as AnyLogFn)(...args);
  }

  info(...args: unknown[]): void {
    (this.#real().info as AnyLogFn)(...args);
  }

  debug(...args: unknown[]): void {
    (this.#real().debug as AnyLogFn)(...args);
  }

  trace(...args: unknown[]): void {
    (this.#real().trace as AnyLogFn)(...args);
  }

  silent(...args: unknown[]): void {
    (this.#real().silent as AnyLogFn)(...args);
  }

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.#real().child(bindings, options);
  }

  #real(): FastifyBaseLogger {
    return (this.#child ??= this.#parent.child(this.#bindings, this.#options));
  }
}

/** Fastify's `childLoggerFactory`. */
export function lazyRequestLogger(logger: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions): FastifyBaseLogger {
  return new LazyRequestLogger(logger, bindings, options);
}
