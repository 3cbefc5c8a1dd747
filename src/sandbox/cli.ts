import { parseArgs } from 'node:util';
import pino from 'pino';
import { createLogger } from '../logger.ts';
import { startSandbox } from './sandbox.ts';

/**
 * `npm run sandbox`: the connector and both simulators on loopback, a demo tenant, and ONE line
 * of JSON on stdout describing them. Logs go to stderr. Runs until SIGINT or SIGTERM.
 */
const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    'infobip-port': { type: 'string' },
    'sfmc-port': { type: 'string' },
    'database-url': { type: 'string' },
    'data-dir': { type: 'string' },
    'log-level': { type: 'string', default: 'warn' },
  },
});

const port = (name: string, value: string | undefined) => {
  if (value === undefined) return 0;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`--${name} must be a port number`);
  return n;
};

const sandbox = await startSandbox({
  port: port('port', values.port),
  infobipPort: port('infobip-port', values['infobip-port']),
  sfmcPort: port('sfmc-port', values['sfmc-port']),
  ...(values['database-url'] ? { databaseUrl: values['database-url'] } : process.env.DATABASE_URL ? { databaseUrl: process.env.DATABASE_URL } : {}),
  ...(values['data-dir'] ? { dataDir: values['data-dir'] } : {}),
  log: createLogger(values['log-level']!, pino.destination(2)),
});
process.stdout.write(`${JSON.stringify(sandbox.info)}\n`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    sandbox.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
