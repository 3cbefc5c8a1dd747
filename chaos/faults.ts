import type { SimulatorsProcess } from '../bench/simulators.ts';
import type { InfobipFaults } from '../src/sandbox/infobip/types.ts';
import type { SfmcFaults } from '../src/sandbox/sfmc/types.ts';

/** Sets the Infobip simulator's faults through its control API (a typo is a 400, not a no-op). */
export async function setInfobipFaults(simulators: SimulatorsProcess, faults: Partial<InfobipFaults>): Promise<void> {
  await put(`${simulators.endpoints.infobip.baseUrl}/__sim/faults`, faults);
}

export async function setSfmcFaults(simulators: SimulatorsProcess, faults: Partial<SfmcFaults>): Promise<void> {
  await put(`${new URL(simulators.endpoints.sfmc.restBaseUrl).origin}/__sim/faults`, faults);
}

async function put(url: string, body: unknown): Promise<void> {
  const response = await fetch(url, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`PUT ${url} answered ${response.status}: ${await response.text()}`);
}

/** A random pause in [minMs, maxMs). */
export const randomMs = (minMs: number, maxMs: number) => minMs + Math.floor(Math.random() * (maxMs - minMs));
