import { createHmac } from 'node:crypto';
import { fillExample, loadExample } from '../src/sandbox/journey-builder.ts';

/**
 * Two single-core loops run before anything starts, so bench runs on different days (or VMs) can
 * be compared with each other. For scale: perf-anchors.md measured JSON.parse + JSON.stringify of
 * its smaller (390-byte) payload at 532k–590k ops/s and hand-rolled HS256 at 245k–273k on this
 * kind of VM; the decoded sms example here is larger, so only the order of magnitude compares.
 */
export function calibrate(): { jsonParseStringifyOpsPerSec: number; hmacSha256OpsPerSec: number; payloadBytes: number } {
  const payload = JSON.stringify(fillExample(loadExample('sms'), { contactKey: 'calibration-0001', phone: '+4915112345678' }));
  const key = Buffer.alloc(32, 7);
  return {
    jsonParseStringifyOpsPerSec: opsPerSecond(() => JSON.stringify(JSON.parse(payload))),
    hmacSha256OpsPerSec: opsPerSecond(() => createHmac('sha256', key).update(payload).digest()),
    payloadBytes: Buffer.byteLength(payload),
  };
}

function opsPerSecond(fn: () => unknown, ms = 700): number {
  for (let i = 0; i < 20_000; i++) fn(); // let the JIT settle first
  const start = performance.now();
  let n = 0;
  while (performance.now() - start < ms) {
    for (let i = 0; i < 1000; i++) fn();
    n += 1000;
  }
  return Math.round(n / ((performance.now() - start) / 1000));
}
