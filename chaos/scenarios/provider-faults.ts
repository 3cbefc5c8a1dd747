import { progress, sleep } from '../../bench/processes.ts';
import { setInfobipFaults, setSfmcFaults } from '../faults.ts';
import type { Scenario } from '../scenario.ts';

export const providerFaultsScenario: Scenario = {
  name: 'provider-faults',
  what: 'Infobip answers 5xx and 429 and hangs; SFMC expires tokens, answers 429/5xx, then is down',
  rig: () => ({ dialect: 'sqlite', instances: 1 }),
  async chaos(rig, settings) {
    const seconds = settings.short ? 12 : 120;
    await setInfobipFaults(rig.simulators, { rate5xx: 0.2, rate429: 0.2, retryAfterSeconds: 1, timeoutRate: 0.05 });
    await setSfmcFaults(rig.simulators, { rate429: 0.3, rate5xx: 0.2, retryAfterSeconds: 1 });
    let expiries = 0;
    for (const end = Date.now() + seconds * 1000; Date.now() < end; ) {
      await sleep(2000);
      await setSfmcFaults(rig.simulators, { expireTokensNow: true });
      expiries++;
    }
    progress(`  SFMC down for ${Math.round(seconds / 3)} s`);
    await setSfmcFaults(rig.simulators, { down: true });
    await sleep((seconds / 3) * 1000);
    await setInfobipFaults(rig.simulators, { rate5xx: 0, rate429: 0, timeoutRate: 0 });
    await setSfmcFaults(rig.simulators, { rate429: 0, rate5xx: 0, down: false });
    return { injected: { faultSeconds: seconds, sfmcDownSeconds: Math.round(seconds / 3), tokenExpiries: expiries } };
  },
};
