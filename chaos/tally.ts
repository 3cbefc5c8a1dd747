import { sleep } from '../bench/processes.ts';
import type { SimulatorsProcess } from '../bench/simulators.ts';

export interface Tally {
  accepted: number;
  /** Accepted messages Infobip received at least once. */
  sent: number;
  /** Extra sends of accepted messages (each receive after the first). */
  duplicates: number;
  /** Accepted messages Infobip never received. */
  lost: number;
  /** Accepted messages whose report row holds the final status Infobip gave them. */
  reports: number;
  /** Rows whose status is not the final one (e.g. a late PENDING that overwrote DELIVERED). */
  wrongReports: number;
  /** Messages Infobip received that no accepted execute asked for. */
  unexpected: number;
}

const FINAL_GROUPS = new Set(['DELIVERED', 'UNDELIVERABLE', 'EXPIRED', 'REJECTED']);

/** The SMS report data extension's key in the sandbox tenant (reports/data-extensions.ts). */
const SMS_REPORTS_KEY = 'SMS_Delivery_Reports';

/** What the simulators saw, against what the journey was promised. */
export async function tally(simulators: SimulatorsProcess, accepted: Set<string>): Promise<Tally> {
  const messages = new Map((await simulators.sentMessages()).map((m) => [m.messageId, m]));
  const rows = new Map((await simulators.dataExtensionRows(SMS_REPORTS_KEY)).map((row) => [String(row.messageId), row]));
  const t: Tally = { accepted: accepted.size, sent: 0, duplicates: 0, lost: 0, reports: 0, wrongReports: 0, unexpected: 0 };
  for (const id of accepted) {
    const message = messages.get(id);
    if (!message) {
      t.lost++;
      continue;
    }
    t.sent++;
    t.duplicates += message.timesReceived - 1;
    const row = rows.get(id);
    if (!row) continue;
    // A message sent twice got two outcomes (the simulator remembers the last): either final one is right.
    const right = message.timesReceived > 1 ? FINAL_GROUPS.has(String(row.statusGroupName)) : row.statusGroupName === message.outcome.toUpperCase();
    if (right) t.reports++;
    else t.wrongReports++;
  }
  for (const id of messages.keys()) if (!accepted.has(id)) t.unexpected++;
  return t;
}

/** Polls until every accepted message is sent and reported, or `timeoutMs` passes; answers the last tally. */
export async function settle(simulators: SimulatorsProcess, accepted: Set<string>, timeoutMs: number): Promise<Tally> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const t = await tally(simulators, accepted);
    if ((t.sent === t.accepted && t.reports === t.accepted) || Date.now() > deadline) return t;
    await sleep(1000);
  }
}

