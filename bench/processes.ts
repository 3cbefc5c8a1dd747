import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The project root: children run from here so `--import tsx` and relative paths resolve. */
export const projectRoot = fileURLToPath(new URL('..', import.meta.url));

/** Progress goes to stderr: stdout carries only the final JSON document. */
export function progress(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

export interface NodeChild {
  name: string;
  /** The node process itself (not an npx/tsx wrapper), so /proc/<pid> describes the measured process. */
  pid: number;
  /** Resolves with the exit code (or signal name) once the process has gone. */
  exited: Promise<number | string>;
  /** The last lines the child wrote, for error messages. */
  tail(): string;
  /** pino JSON lines by "level msg: error": what the child complained about during the run. */
  logCounts(): Record<string, number>;
  /** First stdout line, e.g. the simulators' endpoints. */
  firstLine(timeoutMs: number): Promise<string>;
  /** SIGTERM, then SIGKILL if it does not leave within `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

const live = new Set<ChildProcess>();
const cleanups = new Set<() => Promise<void>>();

const PINO_LEVELS: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };

/**
 * Starts `node --import tsx <script>` directly rather than through `npx tsx`: npx and the tsx CLI
 * each add a parent process, and RSS/CPU must be read from the process that runs the code. The
 * loader is the same one `npx tsx` uses, so the connector runs as a user would run it.
 */
export function startNode(
  name: string,
  script: string,
  options: { env?: NodeJS.ProcessEnv; args?: string[]; nodeArgs?: string[]; stdin?: boolean } = {},
): NodeChild {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), '--import', 'tsx', script, ...(options.args ?? [])], {
    cwd: projectRoot,
    env: { ...process.env, ...options.env },
    stdio: [options.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error(`${name} did not start`);
  live.add(child);

  const lines: string[] = [];
  const counts: Record<string, number> = {};
  const waiters: ((line: string) => void)[] = [];
  let first: string | undefined;
  const onLine = (line: string, stream: 'out' | 'err') => {
    if (line.length === 0) return;
    lines.push(`${stream}: ${line}`);
    if (lines.length > 60) lines.shift();
    if (line.startsWith('{')) {
      try {
        const entry = JSON.parse(line) as { level?: number; msg?: string; err?: { message?: string }; reason?: unknown };
        if (typeof entry.level === 'number') {
          // The error's message (or a retry's reason) says more than the log message alone.
          const detail = entry.err?.message ?? (typeof entry.reason === 'string' ? entry.reason : undefined);
          const key = `${PINO_LEVELS[entry.level] ?? entry.level} ${entry.msg ?? ''}${detail ? `: ${detail.slice(0, 160)}` : ''}`.trim();
          counts[key] = (counts[key] ?? 0) + 1;
        }
      } catch {
        // not a log line: the simulators' endpoints, for instance
      }
    }
    if (stream === 'out' && first === undefined) {
      first = line;
      for (const w of waiters.splice(0)) w(line);
    }
  };
  for (const [stream, readable] of [['out', child.stdout!], ['err', child.stderr!]] as const) {
    let buffered = '';
    readable.setEncoding('utf8');
    readable.on('data', (chunk: string) => {
      buffered += chunk;
      let newline;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        onLine(buffered.slice(0, newline), stream);
        buffered = buffered.slice(newline + 1);
      }
    });
  }

  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => {
      live.delete(child);
      resolve(code ?? signal ?? 'unknown');
    });
  });
  const tail = () => lines.join('\n');

  return {
    name,
    pid: child.pid,
    exited,
    tail,
    logCounts: () => ({ ...counts }),
    firstLine(timeoutMs) {
      if (first !== undefined) return Promise.resolve(first);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${name} printed nothing within ${timeoutMs} ms:\n${tail()}`)), timeoutMs);
        void exited.then((code) => {
          clearTimeout(timer);
          reject(new Error(`${name} exited (${code}) before printing its first line:\n${tail()}`));
        });
        waiters.push((line) => {
          clearTimeout(timer);
          resolve(line);
        });
      });
    },
    async stop(graceMs = 10_000) {
      if (!live.has(child)) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Registers async teardown (dropping a PostgreSQL schema, removing a temp dir); returns its remover. */
export function onCleanup(fn: () => Promise<void>): () => void {
  cleanups.add(fn);
  return () => cleanups.delete(fn);
}

/** Kills every child still running; synchronous so it also works in an 'exit' handler. */
export function killChildren(): void {
  for (const child of live) child.kill('SIGKILL');
  live.clear();
}

export async function runCleanups(): Promise<void> {
  killChildren();
  for (const fn of [...cleanups]) {
    cleanups.delete(fn);
    await fn().catch((error: unknown) => progress(`cleanup failed: ${(error as Error).message}`));
  }
}

/**
 * Children die with the bench whatever ends it: normal exit, an error, Ctrl-C or SIGTERM. Async
 * cleanups (schema drops) run on signals; a plain 'exit' can only kill.
 */
export function installExitHandlers(): void {
  process.once('exit', killChildren);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      progress(`${signal}: stopping children and cleaning up`);
      const hardStop = setTimeout(() => process.exit(130), 10_000);
      hardStop.unref();
      void runCleanups().finally(() => process.exit(130));
    });
  }
}

/** Polls `check` until it answers true, failing after `timeoutMs`. */
export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number, intervalMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
