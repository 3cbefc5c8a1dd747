import { parseArgs } from 'node:util';
import { installExitHandlers, progress, runCleanups } from '../bench/processes.ts';
import { type ChaosSettings, kept, runScenario, type Scenario, type ScenarioResult, summaryLine } from './scenario.ts';
import { databaseAwayScenario } from './scenarios/database-away.ts';
import { killScenario } from './scenarios/kill.ts';
import { multiInstanceScenario } from './scenarios/multi-instance.ts';
import { providerFaultsScenario } from './scenarios/provider-faults.ts';
import { webhooksScenario } from './scenarios/webhooks.ts';

/**
 * `npm run chaos [-- --short] [--scenario kill,webhooks] [--contacts N]`: each scenario runs a
 * sandbox journey, breaks something on purpose, and prints one summary line; the exit code is 1
 * when any promise was broken (a contact lost, a report missing or wrong, an avoidable duplicate).
 */
const SCENARIOS: Scenario[] = [killScenario, providerFaultsScenario, webhooksScenario, databaseAwayScenario, multiInstanceScenario];

const USAGE = `npm run chaos -- [--short] [--scenario ${SCENARIOS.map((s) => s.name).join(',')}] [--contacts N]
PostgreSQL: DATABASE_URL, else postgres://postgres@127.0.0.1:5432/test (a fresh schema per scenario).`;

async function main(): Promise<void> {
  installExitHandlers();
  const { values } = parseArgs({ options: { short: { type: 'boolean', default: false }, scenario: { type: 'string' }, contacts: { type: 'string' }, help: { type: 'boolean' } } });
  if (values.help) return void process.stdout.write(`${USAGE}\n`);
  const short = values.short === true;
  const settings: ChaosSettings = {
    short,
    contacts: Number(values.contacts ?? (short ? 1500 : 5000)),
    postgresUrl: process.env.DATABASE_URL?.startsWith('postgres') ? process.env.DATABASE_URL : 'postgres://postgres@127.0.0.1:5432/test',
  };
  if (!Number.isInteger(settings.contacts) || settings.contacts < 1) throw new Error(`--contacts must be a positive integer\n${USAGE}`);
  const names = values.scenario?.split(',') ?? SCENARIOS.map((s) => s.name);
  const unknown = names.filter((n) => !SCENARIOS.some((s) => s.name === n));
  if (unknown.length) throw new Error(`unknown scenario ${unknown.join(', ')}\n${USAGE}`);

  const results: ScenarioResult[] = [];
  for (const scenario of SCENARIOS.filter((s) => names.includes(s.name))) {
    const result = await runScenario(scenario, settings);
    results.push(result);
    process.stdout.write(`${summaryLine(result)}${kept(result) ? '' : '  <-- BROKEN'}\n`);
    for (const crash of result.crashes) progress(`${scenario.name}: ${crash}`);
    const log = Object.entries(result.connectorLog);
    if (log.length) progress(`${scenario.name}: connector log ${JSON.stringify(Object.fromEntries(log.slice(0, 12)))}`);
  }
  if (!results.every(kept)) process.exitCode = 1;
}

main().then(
  () => runCleanups(),
  async (error: unknown) => {
    progress(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    await runCleanups();
    process.exitCode = 1;
  },
);
