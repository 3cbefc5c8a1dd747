import type { Logger } from 'pino';
import { createLogger } from '../../src/logger.ts';

/** The connector's real logger (with its redaction), writing every level to memory. */
export function capturedLog(): { log: Logger; text: () => string } {
  const lines: string[] = [];
  const log = createLogger('trace', { write: (line: string) => void lines.push(line) });
  return { log, text: () => lines.join('') };
}
