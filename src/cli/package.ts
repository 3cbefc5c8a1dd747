import { buildPackage } from '../sfmc/package.ts';
import type { CliIo } from './sms-info.ts';

const HELP = `Usage: mc-relay package > sfmc-package.json

Prints the data extensions of the SFMC package as JSON: SMS Delivery Reports, Omni Reports,
Unified URL Tracking, Inbound Messages and SampleAudience, with their columns.
`;

/** `mc-relay package`: the package's data-extension definitions on stdout. */
export async function packageCommand(args: string[], io: CliIo): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout.write(HELP);
    return 0;
  }
  if (args.length > 0) {
    io.stderr.write(`Unknown option: ${args[0]}\n\n${HELP}`);
    return 2;
  }
  io.stdout.write(`${JSON.stringify(buildPackage(), null, 2)}\n`);
  return 0;
}
