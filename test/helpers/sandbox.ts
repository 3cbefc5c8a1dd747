import pino from 'pino';
import { type Sandbox, type SandboxOptions, startSandbox } from '../../src/sandbox/sandbox.ts';
import { createTestDatabase, type TestDialect } from './databases.ts';

export const silentLog = pino({ level: 'silent' });

/** A sandbox on a fresh database of the given dialect; closing it drops the database. */
export async function startTestSandbox(dialect: TestDialect, options: Partial<SandboxOptions> = {}): Promise<Sandbox> {
  const database = await createTestDatabase(dialect);
  const sandbox = await startSandbox({
    databaseUrl: database.url,
    dataDir: database.dataDir,
    deliveryDelayMs: [5, 30],
    tuning: { dispatcherIdleMs: 20, writebackIdleMs: 50 },
    log: silentLog,
    ...options,
  });
  return {
    ...sandbox,
    async close() {
      await sandbox.close();
      await database.drop();
    },
  };
}
