import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { smsInfo, type SmsLanguage } from '../text/sms-encoding.ts';

export interface CliIo {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
}

export const SMS_INFO_USAGE = `Usage: mc-relay sms-info [--language TR|ES|PT|AUTODETECT|NONE]

Reads one JSON string per line on stdin (e.g. "Hello, world") and prints one JSON object per
line: {"encoding","segments","units","remaining"}. --language is Infobip's language.languageCode:
it allows the national language shift tables of TS 23.038. A line that is not a JSON string
prints {"error": "line N is not a JSON string"}; the exit code is then 1.
`;

const LANGUAGES: readonly SmsLanguage[] = ['TR', 'ES', 'PT', 'AUTODETECT', 'NONE'];

function isLanguage(value: string): value is SmsLanguage {
  return (LANGUAGES as readonly string[]).includes(value);
}

/** `mc-relay sms-info`: returns the exit code (0 ok, 1 a bad input line, 2 bad arguments). */
export async function smsInfoCommand(args: string[], io: CliIo): Promise<number> {
  let values: { language?: string; help?: boolean };
  try {
    ({ values } = parseArgs({ args, options: { language: { type: 'string' }, help: { type: 'boolean', short: 'h' } } }));
  } catch (error) {
    io.stderr.write(`${(error as Error).message}\n\n${SMS_INFO_USAGE}`);
    return 2;
  }
  if (values.help) {
    io.stdout.write(SMS_INFO_USAGE);
    return 0;
  }
  const language = values.language?.toUpperCase();
  if (language !== undefined && !isLanguage(language)) {
    io.stderr.write(`--language must be one of ${LANGUAGES.join(', ')}\n`);
    return 2;
  }

  let exitCode = 0;
  let lineNumber = 0;
  // crlfDelay: a CRLF file gives the same lines as an LF one.
  for await (const line of createInterface({ input: io.stdin, crlfDelay: Infinity })) {
    lineNumber += 1;
    const text = parseJsonString(line);
    let output: object;
    if (text === undefined) {
      output = { error: `line ${lineNumber} is not a JSON string` };
      exitCode = 1;
    } else {
      const { encoding, segments, units, remaining } = smsInfo(text, language);
      output = { encoding, segments, units, remaining };
    }
    // Respect back-pressure so a large input does not pile up in memory.
    if (!io.stdout.write(`${JSON.stringify(output)}\n`)) await once(io.stdout, 'drain');
  }
  return exitCode;
}

function parseJsonString(line: string): string | undefined {
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}
