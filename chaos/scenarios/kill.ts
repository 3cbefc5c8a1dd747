import { progress, sleep } from '../../bench/processes.ts';
import { randomMs, setInfobipFaults } from '../faults.ts';
import type { ChaosRig } from '../rig.ts';
import type { ChaosSettings, Scenario } from '../scenario.ts';

/**
 * Kills instance `i` with SIGKILL `kills` times at random moments — about half while executes
 * arrive, the rest while messages are sent and reports written back — and starts it again each
 * time. Answers the kills and how many distinct messages were leased at a kill (in flight, or
 * claimed): the only ones the design allows to be sent twice.
 */
export async function killRepeatedly(rig: ChaosRig, i: number, kills: number, executesDone: Promise<void>): Promise<{ kills: number; leasedAtKills: number }> {
  let done = false;
  void executesDone.then(() => (done = true));
  const leasedAtKills = new Set<string>();
  for (let k = 0; k < kills; k++) {
    // The first half waits little, to land in the execute phase; the rest wait for it to end.
    if (k === Math.ceil(kills / 2)) await executesDone;
    await sleep(randomMs(done ? 300 : 500, done ? 1200 : 2000));
    await rig.kill(i);
    const leased = await rig.leasedMessages();
    for (const id of leased) leasedAtKills.add(id);
    progress(`  kill ${k + 1}/${kills} of instance ${i} (${done ? 'after' : 'during'} executes): ${leased.length} messages leased`);
    await sleep(randomMs(100, 1000));
    await rig.startInstance(i);
  }
  return { kills, leasedAtKills: leasedAtKills.size };
}

export const killScenario: Scenario = {
  name: 'kill',
  what: 'the connector is killed with SIGKILL at random moments and restarted',
  rig: () => ({ dialect: 'sqlite', instances: 1 }),
  async chaos(rig: ChaosRig, settings: ChaosSettings, executesDone) {
    // Slower sends and reports keep dispatch and write-back busy while kills land.
    await setInfobipFaults(rig.simulators, { latencyMs: 100 });
    const { kills, leasedAtKills } = await killRepeatedly(rig, 0, settings.short ? 6 : 10, executesDone);
    await setInfobipFaults(rig.simulators, { latencyMs: 0 });
    return { injected: { kills, leasedAtKills }, allowedDuplicates: leasedAtKills };
  },
};
