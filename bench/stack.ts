import { randomBytes } from 'node:crypto';
import { createDemoTenant, freePort, type DemoTenant } from '../src/sandbox/sandbox.ts';
import { type BenchDialect, createBenchDatabase } from './database.ts';
import { type NodeChild, progress, startNode, waitFor } from './processes.ts';
import { RssSampler } from './rss.ts';
import { type SimulatorsProcess, startSimulatorsProcess } from './simulators.ts';

/** One measured installation: simulators, a connector on a fresh store, and the demo tenant. */
export interface Stack {
  dialect: BenchDialect;
  simulators: SimulatorsProcess;
  connector: NodeChild;
  tenant: DemoTenant;
  /** Samples the connector's RSS for the life of the stack. */
  rss: RssSampler;
  /** Stops both processes and drops the store; answers what the connector logged (warn and up). */
  stop(): Promise<{ connectorLog: Record<string, number> }>;
}

const HOST = '127.0.0.1';

/**
 * Starts the connector as a user would (`tsx src/main.ts` configured by its environment, workers
 * in-process), against simulators in their own process, and creates the demo tenant through the
 * admin API. Everything listens on 127.0.0.1.
 */
export interface StackOptions {
  /** Extra node flags for the connector, e.g. --cpu-prof (the bench's --profile). */
  connectorNodeArgs?: string[];
  /** Extra environment for the connector, e.g. MC_RELAY_WORKERS=false for an HTTP-only instance. */
  connectorEnv?: NodeJS.ProcessEnv;
}

export async function startStack(dialect: BenchDialect, postgresUrl: string | undefined, options: StackOptions = {}): Promise<Stack> {
  const simulators = await startSimulatorsProcess();
  let connector: NodeChild | undefined;
  const database = await createBenchDatabase(dialect, postgresUrl);
  try {
    const port = await freePort(HOST);
    const publicUrl = `http://${HOST}:${port}`;
    const adminToken = randomBytes(24).toString('base64url');
    connector = startNode('connector', 'src/main.ts', {
      env: {
        PORT: String(port),
        HOST,
        MC_RELAY_PUBLIC_URL: publicUrl,
        DATABASE_URL: database.url,
        MC_RELAY_DATA_DIR: database.dataDir,
        MC_RELAY_ADMIN_TOKEN: adminToken,
        MC_RELAY_MASTER_KEY: randomBytes(32).toString('base64'),
        MC_RELAY_ALLOW_PRIVATE_URLS: 'true',
        LOG_LEVEL: 'warn',
        // Whatever the bench's own shell has set must not leak into the measured process.
        MC_RELAY_WORKERS: undefined,
        MC_RELAY_HTTP_PROCESSES: undefined,
        NODE_ENV: undefined,
        NODE_OPTIONS: undefined,
        ...options.connectorEnv,
      },
      ...(options.connectorNodeArgs ? { nodeArgs: options.connectorNodeArgs } : {}),
    });
    const started = connector;
    const exitedEarly = started.exited.then((code) => {
      throw new Error(`connector exited (${code}) while starting:\n${started.tail()}`);
    });
    await Promise.race([waitFor('connector GET /health = 200', async () => (await fetch(`${publicUrl}/health`)).status === 200, 60_000), exitedEarly]);
    exitedEarly.catch(() => undefined);
    const tenant = await createDemoTenant(`${publicUrl}/admin`, adminToken, simulators.endpoints);
    progress(`${dialect}: connector pid ${started.pid} on ${publicUrl}, simulators pid ${simulators.child.pid}`);
    const rss = new RssSampler(started.pid);
    return {
      dialect,
      simulators,
      connector: started,
      tenant,
      rss,
      async stop() {
        rss.stop();
        const connectorLog = started.logCounts();
        await started.stop();
        await simulators.child.stop();
        await database.drop();
        return { connectorLog };
      },
    };
  } catch (error) {
    await connector?.stop();
    await simulators.child.stop();
    await database.drop();
    throw error;
  }
}
