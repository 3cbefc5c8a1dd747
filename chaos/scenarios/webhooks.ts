import { sleep } from '../../bench/processes.ts';
import { buildReport } from '../../src/sandbox/infobip/delivery-report.ts';
import { setInfobipFaults } from '../faults.ts';
import type { Scenario } from '../scenario.ts';

const HOURS = 3;

export const webhooksScenario: Scenario = {
  name: 'webhooks',
  what: `delivery reports arrive duplicated and reordered, then stale ones arrive ${HOURS} hours late`,
  rig: () => ({ dialect: 'sqlite', instances: 1 }),
  async chaos(rig) {
    await setInfobipFaults(rig.simulators, { webhookDuplicateRate: 0.5, webhookReorder: true });
    return { injected: { webhookDuplicateRate: 0.5, webhookReorder: 'on' } };
  },
  /**
   * Once every final status is written, each message gets an intermediate report dated hours
   * earlier, as a webhook retried for hours would bring it, and its final report once more.
   * Neither may change what the data extension says.
   */
  async afterSettled(rig, accepted) {
    await setInfobipFaults(rig.simulators, { webhookDuplicateRate: 0, webhookReorder: false });
    const messages = (await rig.simulators.sentMessages()).filter((m) => accepted.has(m.messageId));
    const late = new Date(Date.now() - HOURS * 3600_000);
    let posted = 0;
    for (let i = 0; i < messages.length; i += 100) {
      const results = messages.slice(i, i + 100).flatMap((m) => {
        const subject = { bulkId: m.bulkId, messageId: m.messageId, to: m.destination, messageCount: m.messageCount, outcome: m.outcome, ...(m.sender ? { sender: m.sender } : {}) };
        return [buildReport(subject, 'intermediate', late, late), buildReport(subject, 'final', late, new Date())];
      });
      const answer = await fetch(rig.tenant.webhooks.deliveryReports!, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ results }) });
      if (answer.status !== 200) throw new Error(`the late webhook answered ${answer.status}: ${await answer.text()}`);
      posted += results.length;
    }
    // Long enough for a write-back round that a wrong status would trigger.
    await sleep(5000);
    return { lateReports: posted, lateByHours: HOURS };
  },
};
