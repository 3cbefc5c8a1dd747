import { ExecuteBodyPool } from '../bench/bodies.ts';
import { progress, sleep } from '../bench/processes.ts';
import { type DriverResult, driveJourney } from './journey-driver.ts';
import { ChaosRig, type RigOptions } from './rig.ts';
import { settle, type Tally } from './tally.ts';

export interface ChaosSettings {
  short: boolean;
  contacts: number;
  postgresUrl: string;
}

export interface ScenarioResult {
  scenario: string;
  contacts: number;
  tally: Tally;
  driver: Omit<DriverResult, 'accepted'>;
  /** What the scenario did to the system, e.g. kills=6. */
  injected: Record<string, number | string>;
  /** Duplicates the design cannot rule out: messages whose Infobip request was in flight at a kill. */
  allowedDuplicates: number;
  /** Warnings and errors the connectors logged, by message. */
  connectorLog: Record<string, number>;
  /** Connector processes that died without being killed, with their last output. */
  crashes: string[];
}

export interface Scenario {
  name: string;
  what: string;
  rig: (settings: ChaosSettings) => Omit<RigOptions, 'postgresUrl'>;
  /**
   * Runs while Journey Builder posts the contacts; `executesDone` resolves when it has finished.
   * Answers what it injected and how many duplicates it allows.
   */
  chaos(rig: ChaosRig, settings: ChaosSettings, executesDone: Promise<void>): Promise<{ injected: Record<string, number | string>; allowedDuplicates?: number }>;
  /** Optional: more chaos once everything has settled (late webhooks). */
  afterSettled?(rig: ChaosRig, accepted: Set<string>): Promise<Record<string, number | string>>;
}

/** How long a scenario waits for every accepted message to be sent and reported. */
const SETTLE_MS = 180_000;

export async function runScenario(scenario: Scenario, settings: ChaosSettings): Promise<ScenarioResult> {
  const rigOptions = scenario.rig(settings);
  progress(`${scenario.name}: ${scenario.what} (${rigOptions.instances} instance(s), ${rigOptions.dialect})`);
  const rig = await ChaosRig.start({ ...rigOptions, postgresUrl: settings.postgresUrl });
  try {
    const slice = await new ExecuteBodyPool(rig.tenant.jwtSecret).take(settings.contacts);
    const bodies = Array.from({ length: slice.size }, () => slice.next());
    const urls = Array.from({ length: rig.instanceCount }, (_, i) => rig.executeUrl(i));
    let markDone!: () => void;
    const executesDone = new Promise<void>((resolve) => (markDone = resolve));
    const chaos = scenario.chaos(rig, settings, executesDone);
    // Contacts arrive over about ten seconds, so the chaos meets executes, sends and write-backs at once.
    const ratePerSecond = Math.max(100, Math.ceil(settings.contacts / 10));
    const driver = await driveJourney({ bodies, urls, concurrency: 20, ratePerSecond }).finally(markDone);
    const { injected, allowedDuplicates = 0 } = await chaos;
    progress(`${scenario.name}: ${driver.accepted.size}/${settings.contacts} executes accepted; waiting for sends and reports`);
    // A killed instance's leases must run out and its messages be claimed again before the count
    // means anything: until then a message it had in flight is neither resent nor proven safe.
    await waitForNoLeases(rig);
    let tally = await settle(rig.simulators, driver.accepted, SETTLE_MS);
    if (scenario.afterSettled) {
      Object.assign(injected, await scenario.afterSettled(rig, driver.accepted));
      tally = await settle(rig.simulators, driver.accepted, SETTLE_MS);
    }
    const { accepted: _accepted, ...driverCounts } = driver;
    return { scenario: scenario.name, contacts: settings.contacts, tally, driver: driverCounts, injected, allowedDuplicates, connectorLog: rig.logCounts(), crashes: [...rig.crashes] };
  } finally {
    await rig.stop();
  }
}

/** How long a lease may still run after the last kill (the dispatcher's lease, plus a margin). */
const LEASE_WAIT_MS = 180_000;

async function waitForNoLeases(rig: ChaosRig): Promise<void> {
  const deadline = Date.now() + LEASE_WAIT_MS;
  while ((await rig.leasedMessages()).length > 0) {
    if (Date.now() > deadline) throw new Error('messages stayed leased for longer than any lease');
    await sleep(1000);
  }
}

/** The one line per scenario the issue asks for, then what was injected and the other counts. */
export function summaryLine(r: ScenarioResult): string {
  const t = r.tally;
  const extra = { ...r.injected, crashes: r.crashes.length, allowedDuplicates: r.allowedDuplicates, wrongReports: t.wrongReports, retries: r.driver.retries, serverErrors: r.driver.serverErrors, gaveUp: r.driver.gaveUp, unexpected: t.unexpected };
  return (
    `scenario=${r.scenario} contacts=${r.contacts} accepted=${t.accepted} sent=${t.sent} duplicates=${t.duplicates} lost=${t.lost} reports=${t.reports}` +
    ` | ${Object.entries(extra).map(([k, v]) => `${k}=${v}`).join(' ')}`
  );
}

/** The promise: all accepted, none lost, every report right, no duplicate the design could avoid. */
export function kept(r: ScenarioResult): boolean {
  const t = r.tally;
  return r.crashes.length === 0 && t.accepted === r.contacts && t.lost === 0 && t.reports === t.accepted && t.wrongReports === 0 && t.duplicates <= r.allowedDuplicates;
}
