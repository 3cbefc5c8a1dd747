import { cpus, freemem, loadavg, release, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { wrkAvailable } from './wrk.ts';
import { assertLoopbackPostgres, type BenchDialect } from './database.ts';

export interface BenchSettings {
  durationSeconds: number;
  warmupSeconds: number;
  contacts: number;
  connections: number;
  pipelining: 1;
  rounds: number;
  dialects: BenchDialect[];
  quick: boolean;
  /** Throughput runs' load generator; the end-to-end runs always use autocannon (they read every answer). */
  generator: 'wrk' | 'autocannon';
  /** Measure the sending speed limit instead (bench/pacing.ts). */
  pacing: boolean;
  /** With --pacing: the worst window of each run as a 50 ms histogram of arrivals, by instance and request. */
  pacingDetail: boolean;
  /** Measure fair claiming instead (bench/fairness.ts). */
  fairness: boolean;
  /** Not printed: it is where the schemas go, and may carry a password. */
  postgresUrl?: string;
}

const USAGE = `npm run bench -- [--duration s] [--warmup s] [--contacts n] [--connections n] [--rounds n] [--dialect sqlite|postgres|both] [--generator wrk|autocannon] [--quick] [--pacing [--pacing-detail]] [--fairness] [--reports-lookup] [--soak [--minutes n] [--rate n]]
PostgreSQL is measured when DATABASE_URL=postgres://… (127.0.0.1 only) is set.`;

/**
 * Flags, with --quick (the smoke test's short run: 1 s warm-up, 2 s measured, 500 contacts)
 * giving defaults that explicit flags still override.
 */
export function parseSettings(argv: string[], env: NodeJS.ProcessEnv): BenchSettings {
  const { values } = parseArgs({
    args: argv,
    options: {
      duration: { type: 'string' },
      warmup: { type: 'string' },
      contacts: { type: 'string' },
      connections: { type: 'string' },
      rounds: { type: 'string' },
      dialect: { type: 'string' },
      quick: { type: 'boolean', default: false },
      generator: { type: 'string' },
      pacing: { type: 'boolean', default: false },
      'pacing-detail': { type: 'boolean', default: false },
      fairness: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stderr.write(`${USAGE}\n`);
    process.exit(0);
  }
  const quick = values.quick === true;
  const number = (name: string, raw: string | undefined, fallback: number, min: number) => {
    const n = raw === undefined ? fallback : Number(raw);
    if (!Number.isFinite(n) || n < min) throw new Error(`--${name} must be a number ≥ ${min}, got "${raw}"\n${USAGE}`);
    return n;
  };
  const postgresUrl = env.DATABASE_URL && /^postgres(ql)?:\/\//.test(env.DATABASE_URL) ? env.DATABASE_URL : undefined;
  if (postgresUrl) assertLoopbackPostgres(postgresUrl);
  const dialect = values.dialect ?? (postgresUrl ? 'both' : 'sqlite');
  if (!['sqlite', 'postgres', 'both'].includes(dialect)) throw new Error(`--dialect must be sqlite, postgres or both\n${USAGE}`);
  if (dialect !== 'sqlite' && !postgresUrl) throw new Error(`--dialect ${dialect} needs DATABASE_URL=postgres://…`);
  return {
    durationSeconds: number('duration', values.duration, quick ? 2 : 10, 1),
    warmupSeconds: number('warmup', values.warmup, quick ? 1 : 3, 1),
    contacts: Math.round(number('contacts', values.contacts, quick ? 500 : 10_000, 5)),
    connections: Math.round(number('connections', values.connections, 50, 1)),
    pipelining: 1,
    rounds: Math.round(number('rounds', values.rounds, 1, 1)),
    dialects: dialect === 'both' ? ['sqlite', 'postgres'] : [dialect as BenchDialect],
    quick,
    generator: chooseGenerator(values.generator),
    pacing: values.pacing === true,
    pacingDetail: values['pacing-detail'] === true,
    fairness: values.fairness === true,
    ...(postgresUrl ? { postgresUrl } : {}),
  };
}

/** wrk when it is installed (apt install wrk): it leaves the measured server more of the machine. */
function chooseGenerator(asked: string | undefined): BenchSettings['generator'] {
  if (asked !== undefined && asked !== 'wrk' && asked !== 'autocannon') throw new Error(`--generator must be wrk or autocannon\n${USAGE}`);
  if (asked === 'wrk' && !wrkAvailable()) throw new Error('--generator wrk: wrk is not installed (apt install wrk)');
  return (asked as BenchSettings['generator'] | undefined) ?? (wrkAvailable() ? 'wrk' : 'autocannon');
}

/** The settings as printed: the PostgreSQL URL reduced to host and database. */
export function shownSettings(settings: BenchSettings) {
  const { postgresUrl, ...shown } = settings;
  if (!postgresUrl) return shown;
  const url = new URL(postgresUrl);
  return {
    ...shown,
    postgres: `${url.hostname}:${url.port || 5432}${url.pathname}, a fresh schema per connector process`,
  };
}

export function machineInfo() {
  const cpu = cpus();
  return {
    cpus: cpu.length,
    cpuModel: cpu[0]?.model ?? 'unknown',
    node: process.version,
    platform: `${process.platform} ${release()}`,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    freeMemoryGiB: Math.round((freemem() / 2 ** 30) * 10) / 10,
    loadAverageAtStart: loadavg().map((x) => Math.round(x * 100) / 100),
  };
}
