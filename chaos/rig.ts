import { randomBytes } from 'node:crypto';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { type BenchDatabase, type BenchDialect, createBenchDatabase } from '../bench/database.ts';
import { type NodeChild, progress, sleep, startNode, waitFor } from '../bench/processes.ts';
import { type SimulatorsProcess, startSimulatorsProcess } from '../bench/simulators.ts';
import { createDemoTenant, freePort, type DemoTenant } from '../src/sandbox/sandbox.ts';
import { TcpProxy } from './tcp-proxy.ts';

const HOST = '127.0.0.1';

/**
 * Infobip retries a webhook for hours; the simulator's default is some 6 s. A chaos run kills
 * the connector for seconds at a time, so its simulator keeps trying longer (≈ 20 attempts over
 * 8 minutes), as the real platform would.
 */
const WEBHOOK_ATTEMPTS = 20;

export interface RigOptions {
  dialect: BenchDialect;
  postgresUrl: string | undefined;
  instances: number;
  /** PostgreSQL reached through a TCP proxy the scenario can cut (the database "going away"). */
  databaseProxy?: boolean;
}

interface Instance {
  port: number;
  child: NodeChild | undefined;
  /** Set while a kill of ours is under way, so its exit is not taken for a crash. */
  killing: boolean;
}

/**
 * One chaos installation: the simulators in their own process, a store, N connector processes
 * (`tsx src/main.ts`, as a user runs them) that can be killed with SIGKILL and started again on
 * the same port and store, and the sandbox tenant.
 */
export class ChaosRig {
  readonly simulators: SimulatorsProcess;
  readonly database: BenchDatabase;
  readonly proxy: TcpProxy | undefined;
  /** Set once the first instance is up: the tenant is created through its admin API. */
  tenant!: DemoTenant;
  readonly #instances: Instance[];
  readonly #env: NodeJS.ProcessEnv;
  /** Log counts of instances already killed (a restarted instance is a new child). */
  readonly #pastLogs: Record<string, number> = {};
  /** Exits nobody asked for, with the last lines the process wrote: each one breaks the promise. */
  readonly crashes: string[] = [];
  #stopping = false;

  private constructor(simulators: SimulatorsProcess, database: BenchDatabase, proxy: TcpProxy | undefined, instances: Instance[], env: NodeJS.ProcessEnv) {
    this.simulators = simulators;
    this.database = database;
    this.proxy = proxy;
    this.#instances = instances;
    this.#env = env;
  }

  static async start(options: RigOptions): Promise<ChaosRig> {
    const simulators = await startSimulatorsProcess(['--webhook-attempts', String(WEBHOOK_ATTEMPTS), '--delivery-delay-ms', '300']);
    const database = await createBenchDatabase(options.dialect, options.postgresUrl);
    let proxy: TcpProxy | undefined;
    let databaseUrl = database.url;
    if (options.databaseProxy) {
      const target = new URL(database.url);
      proxy = await TcpProxy.start(target.hostname, Number(target.port || 5432));
      target.port = String(proxy.port);
      databaseUrl = target.toString();
    }
    const adminToken = randomBytes(24).toString('base64url');
    const env: NodeJS.ProcessEnv = {
      HOST,
      DATABASE_URL: databaseUrl,
      MC_RELAY_DATA_DIR: database.dataDir,
      MC_RELAY_ADMIN_TOKEN: adminToken,
      MC_RELAY_MASTER_KEY: randomBytes(32).toString('base64'),
      MC_RELAY_ALLOW_PRIVATE_URLS: 'true',
      LOG_LEVEL: 'warn',
      MC_RELAY_WORKERS: undefined,
      NODE_OPTIONS: undefined,
    };
    const instances: Instance[] = [];
    for (let i = 0; i < options.instances; i++) instances.push({ port: await freePort(HOST), child: undefined, killing: false });
    const first = `http://${HOST}:${instances[0]!.port}`;
    const rig = new ChaosRig(simulators, database, proxy, instances, env);
    for (let i = 0; i < instances.length; i++) await rig.startInstance(i);
    rig.tenant = await createDemoTenant(`${first}/admin`, adminToken, simulators.endpoints);
    return rig;
  }

  get instanceCount(): number {
    return this.#instances.length;
  }

  /** The message activity's execute URL on instance `i` (every instance serves every tenant). */
  executeUrl(i: number): string {
    const url = new URL(`${this.tenant.messageActivityUrl}execute`);
    url.port = String(this.#instances[i]!.port);
    return url.toString();
  }

  async startInstance(i: number): Promise<void> {
    const instance = this.#instances[i]!;
    const publicUrl = `http://${HOST}:${instance.port}`;
    const child = startNode(`connector-${i}`, 'src/main.ts', { env: { ...this.#env, PORT: String(instance.port), MC_RELAY_PUBLIC_URL: publicUrl } });
    instance.child = child;
    const exitedEarly = child.exited.then((code) => {
      throw new Error(`connector ${i} exited (${code}) while starting:\n${child.tail()}`);
    });
    await Promise.race([waitFor(`connector ${i} /health`, async () => (await fetch(`${publicUrl}/health`)).status === 200, 60_000, 50), exitedEarly]);
    exitedEarly.catch(() => undefined);
    void child.exited.then((code) => this.#onExit(i, child, code));
  }

  /** A connector that dies on its own is a finding: it is recorded and started again. */
  #onExit(i: number, child: NodeChild, code: number | string): void {
    const instance = this.#instances[i]!;
    if (this.#stopping || instance.killing || instance.child !== child) return;
    this.crashes.push(`instance ${i} exited (${code}):\n${child.tail()}`);
    progress(`  instance ${i} CRASHED (${code}); starting it again. Its last output:\n${child.tail()}`);
    addCounts(this.#pastLogs, child.logCounts());
    instance.child = undefined;
    void this.startInstance(i).catch((error: unknown) => progress(`  instance ${i} did not start again: ${(error as Error).message}`));
  }

  /** SIGKILL: no shutdown hook runs, in-flight requests and leases are simply abandoned. */
  async kill(i: number): Promise<void> {
    const child = this.#instances[i]!.child;
    if (!child) return;
    this.#instances[i]!.killing = true;
    process.kill(child.pid, 'SIGKILL');
    await child.exited;
    addCounts(this.#pastLogs, child.logCounts());
    this.#instances[i]!.child = undefined;
    this.#instances[i]!.killing = false;
  }

  /** Ids of the messages leased for sending at this instant: what a kill now could send twice. */
  async leasedMessages(): Promise<string[]> {
    const query = "SELECT id FROM messages WHERE state = 'sending'";
    if (this.database.dialect === 'sqlite') {
      const db = new SQLite(this.database.url, { readonly: true });
      try {
        return (db.prepare(query).all() as { id: string }[]).map((r) => r.id);
      } finally {
        db.close();
      }
    }
    const client = new pg.Client({ connectionString: this.database.url });
    await client.connect();
    try {
      return (await client.query<{ id: string }>(query)).rows.map((r) => r.id);
    } finally {
      await client.end();
    }
  }

  /** Warnings and errors the connectors logged, by message. */
  logCounts(): Record<string, number> {
    const counts = { ...this.#pastLogs };
    for (const instance of this.#instances) addCounts(counts, instance.child?.logCounts() ?? {});
    return counts;
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    for (const instance of this.#instances) await instance.child?.stop();
    await this.proxy?.close();
    await this.simulators.child.stop();
    await this.database.drop();
    await sleep(0);
  }
}

function addCounts(into: Record<string, number>, from: Record<string, number>): void {
  for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
}
