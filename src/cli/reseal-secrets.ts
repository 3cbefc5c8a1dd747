import { configFromEnv } from '../config.ts';
import { openTenantStore } from '../connector.ts';
import { resealSecrets } from '../tenants/reseal-secrets.ts';
import type { CliIo } from './sms-info.ts';

const HELP = `Usage: mc-relay reseal-secrets

Re-seals every stored secret with MC_RELAY_MASTER_KEY (step 2 of a master-key rotation).
Reads the same environment as the connector: DATABASE_URL (or MC_RELAY_DATA_DIR),
MC_RELAY_MASTER_KEY and MC_RELAY_PREVIOUS_MASTER_KEYS (the keys values may still be sealed with).
Safe to repeat; prints what it did as JSON. See SECURITY.md, "Rotating the master key".
`;

export async function resealSecretsCommand(args: string[], io: CliIo): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout.write(HELP);
    return 0;
  }
  if (args.length > 0) {
    io.stderr.write(`reseal-secrets takes no arguments\n\n${HELP}`);
    return 2;
  }
  const { store, box } = await openTenantStore(configFromEnv());
  try {
    const report = await resealSecrets(store.db, box);
    io.stdout.write(`${JSON.stringify({ masterKeyId: box.currentKeyId, ...report })}\n`);
    return report.skipped > 0 ? 1 : 0;
  } finally {
    await store.close();
  }
}
