import type { SimulatorEndpoints } from '../src/sandbox/sandbox.ts';
import type { InfobipStats, SimMessage } from '../src/sandbox/infobip/types.ts';
import type { SfmcStats } from '../src/sandbox/sfmc/types.ts';
import { type NodeChild, startNode } from './processes.ts';

/**
 * The SFMC and Infobip simulators in their own process (src/sandbox/simulators-cli.ts), and the
 * bench's view of their /__sim/ control API: stats, the Infobip reset, data extension rows.
 */
export interface SimulatorsProcess {
  child: NodeChild;
  endpoints: SimulatorEndpoints;
  infobipStats(): Promise<InfobipStats>;
  resetInfobip(): Promise<void>;
  sfmcStats(): Promise<SfmcStats>;
  /** Every message the Infobip simulator accepted, with how often it was received and its outcome. */
  sentMessages(): Promise<SimMessage[]>;
  /** Every row of a data extension: a large answer, so the e2e phase asks only to confirm. */
  dataExtensionRows(key: string): Promise<Record<string, unknown>[]>;
}

/** `args`: simulators-cli flags, e.g. ['--webhook-attempts', '12']. */
export async function startSimulatorsProcess(args: string[] = []): Promise<SimulatorsProcess> {
  const child = startNode('simulators', 'src/sandbox/simulators-cli.ts', { args });
  const endpoints = JSON.parse(await child.firstLine(60_000)) as SimulatorEndpoints;
  const infobip = endpoints.infobip.baseUrl;
  const sfmcOrigin = new URL(endpoints.sfmc.restBaseUrl).origin;
  const getJson = async <T>(url: string): Promise<T> => {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`GET ${url} answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as T;
  };
  return {
    child,
    endpoints,
    infobipStats: () => getJson<InfobipStats>(`${infobip}/__sim/stats`),
    async resetInfobip() {
      const response = await fetch(`${infobip}/__sim/reset`, { method: 'POST' });
      if (response.status !== 204) throw new Error(`Infobip simulator reset answered ${response.status}`);
    },
    sfmcStats: () => getJson<SfmcStats>(`${sfmcOrigin}/__sim/stats`),
    sentMessages: () => getJson<SimMessage[]>(`${infobip}/__sim/messages`),
    dataExtensionRows: (key) =>
      getJson<Record<string, unknown>[]>(`${sfmcOrigin}/__sim/dataextensions/${encodeURIComponent(endpoints.sfmc.accountId)}/${encodeURIComponent(key)}/rows`),
  };
}
