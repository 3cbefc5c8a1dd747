import { parseArgs } from 'node:util';
import { simulatorEndpoints, startSimulators } from './sandbox.ts';

/**
 * The two simulators alone, for running the connector as its own process against them (the
 * bench does). Prints one line of JSON with their URLs and credentials; control API: /__sim/.
 */
const { values } = parseArgs({ options: { 'infobip-port': { type: 'string' }, 'sfmc-port': { type: 'string' }, 'delivery-delay-ms': { type: 'string' }, 'webhook-attempts': { type: 'string' } } });
const simulators = await startSimulators({
  infobipPort: Number(values['infobip-port'] ?? 0),
  sfmcPort: Number(values['sfmc-port'] ?? 0),
  ...(values['delivery-delay-ms'] ? { deliveryDelayMs: Number(values['delivery-delay-ms']) } : {}),
  ...(values['webhook-attempts'] ? { webhookAttempts: Number(values['webhook-attempts']) } : {}),
});
process.stdout.write(`${JSON.stringify(simulatorEndpoints(simulators))}\n`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void simulators.close().then(() => process.exit(0)));
