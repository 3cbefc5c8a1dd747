import { pathToFileURL } from 'node:url';
import { resealSecretsCommand } from './reseal-secrets.ts';
import { packageCommand } from './package.ts';
import { smsInfoCommand, type CliIo } from './sms-info.ts';

/** `mc-relay <command>`: one entry point for the connector's command-line tools. */

interface Command {
  summary: string;
  run(args: string[], io: CliIo): Promise<number>;
}

const COMMANDS: Record<string, Command> = {
  package: { summary: 'the SFMC package\'s data extensions as JSON (mc-relay package > sfmc-package.json)', run: packageCommand },
  'sms-info': { summary: 'encoding and segment count of SMS texts (JSON strings on stdin)', run: smsInfoCommand },
  'reseal-secrets': { summary: 're-seal every stored secret with the current master key (key rotation)', run: resealSecretsCommand },
};

export function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  const lines = Object.entries(COMMANDS).map(([name, command]) => `  ${name.padEnd(width)}  ${command.summary}`);
  return `Usage: mc-relay <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nRun "mc-relay <command> --help" for a command's options.\n`;
}

/** Runs one command and returns its exit code: 2 for a missing or unknown command. */
export async function main(argv: string[], io: CliIo = process): Promise<number> {
  const [name, ...args] = argv;
  if (name === 'help' || name === '--help' || name === '-h') {
    io.stdout.write(usage());
    return 0;
  }
  const command = name === undefined ? undefined : Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    io.stderr.write(`${name === undefined ? 'No command given.' : `Unknown command: ${name}`}\n\n${usage()}`);
    return 2;
  }
  return command.run(args, io);
}

// Also runnable directly: `tsx src/cli/main.ts sms-info`.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
