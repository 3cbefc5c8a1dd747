import { progress, sleep } from '../../bench/processes.ts';
import type { Scenario } from '../scenario.ts';

export const databaseAwayScenario: Scenario = {
  name: 'database-away',
  what: 'PostgreSQL goes away during load (every connection reset, new ones refused) and comes back',
  rig: () => ({ dialect: 'postgres', instances: 1, databaseProxy: true }),
  async chaos(rig, settings) {
    const seconds = settings.short ? 5 : 30;
    await sleep(1500);
    progress(`  database away for ${seconds} s`);
    rig.proxy!.down();
    await sleep(seconds * 1000);
    rig.proxy!.up();
    progress('  database back');
    return { injected: { databaseAwaySeconds: seconds } };
  },
};
