import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const mainTs = fileURLToPath(new URL('../../src/main.ts', import.meta.url));
/** tsx by absolute URL: `--import tsx` would be resolved from the child's working directory. */
const tsxLoader = import.meta.resolve('tsx');

export interface MainProcess {
  child: ChildProcess;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** Resolves with the exit code once it has exited. */
  exited: Promise<number | null>;
  /** Sends `signal` and answers the exit code; kills it and fails if it has not exited within 15 s. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Runs `node --import tsx src/main.ts` as an operator would, in `cwd`, with only `env` set on top
 * of a PATH/HOME environment (no MC_RELAY_*, DATABASE_URL or PORT inherited from the tests).
 */
export function spawnMain(cwd: string, env: Record<string, string>): MainProcess {
  const base = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? cwd, LOG_LEVEL: 'info' };
  const child = spawn(process.execPath, ['--import', tsxLoader, mainTs], { cwd, env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  return {
    child,
    output: () => output,
    exited,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      const code = await exited;
      clearTimeout(timer);
      if (child.signalCode === 'SIGKILL') throw new Error(`the connector did not exit after ${signal}\n--- output ---\n${output}`);
      return code;
    },
  };
}

/** Waits until GET /health answers 200; fails at once, with the process output, if it exits. */
export async function waitHealthy(main: MainProcess, url: string, timeoutMs = 30_000): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  let exitCode: number | null | undefined;
  void main.exited.then((code) => (exitCode = code));
  while (Date.now() < deadline) {
    if (exitCode !== undefined) throw new Error(`the connector exited with ${exitCode} before it was healthy\n--- output ---\n${main.output()}`);
    const response = await fetch(`${url}/health`).catch(() => undefined);
    if (response?.status === 200) return (await response.json()) as Record<string, unknown>;
    await response?.body?.cancel();
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${url}/health did not answer 200 within ${timeoutMs} ms\n--- output ---\n${main.output()}`);
}

/** Waits for the process to exit by itself; kills it and fails if it is still running after `timeoutMs`. */
export async function waitForExit(main: MainProcess, timeoutMs = 30_000): Promise<number | null> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(resolve, timeoutMs, 'timeout')));
  const result = await Promise.race([main.exited, timedOut]);
  clearTimeout(timer);
  if (result === 'timeout') {
    main.child.kill('SIGKILL');
    throw new Error(`the connector was still running after ${timeoutMs} ms\n--- output ---\n${main.output()}`);
  }
  return result;
}
