import { setInfobipFaults } from '../faults.ts';
import type { Scenario } from '../scenario.ts';
import { killRepeatedly } from './kill.ts';

export const multiInstanceScenario: Scenario = {
  name: 'multi-instance',
  what: 'three instances share PostgreSQL; one is killed with SIGKILL again and again',
  rig: () => ({ dialect: 'postgres', instances: 3 }),
  async chaos(rig, settings, executesDone) {
    await setInfobipFaults(rig.simulators, { latencyMs: 100 });
    const { kills, leasedAtKills } = await killRepeatedly(rig, 0, settings.short ? 5 : 10, executesDone);
    await setInfobipFaults(rig.simulators, { latencyMs: 0 });
    // Leases of the other instances count too: a bound, not the exact in-flight set of the killed one.
    return { injected: { kills, leasedAtKills }, allowedDuplicates: leasedAtKills };
  },
};
