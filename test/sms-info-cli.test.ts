import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real launcher, as `npx mc-relay …` would, with `input` on stdin. */
function mcRelay(args: string[], input: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/mc-relay.js', ...args], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

const lines = (stdout: string): unknown[] => stdout.trimEnd().split('\n').map((line) => JSON.parse(line));

describe('mc-relay sms-info', () => {
  test('prints one result per JSON string line, in order', async () => {
    const input = ['"Hello"', JSON.stringify('a'.repeat(161)), '"😀 hi"', '""'].join('\n') + '\n';
    const run = await mcRelay(['sms-info'], input);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(lines(run.stdout), [
      { encoding: 'GSM-7', segments: 1, units: 5, remaining: 155 },
      { encoding: 'GSM-7', segments: 2, units: 161, remaining: 145 },
      { encoding: 'UCS-2', segments: 1, units: 5, remaining: 65 },
      { encoding: 'GSM-7', segments: 0, units: 0, remaining: 160 },
    ]);
    // Exactly the four keys, in this order.
    assert.equal(run.stdout.split('\n')[0], '{"encoding":"GSM-7","segments":1,"units":5,"remaining":155}');
  });

  test('a bad line prints an error object, the rest goes on, exit code 1', async () => {
    const input = ['"ok"', 'not json', '42', '{"text":"x"}', '', '"still ok"'].join('\n');
    const run = await mcRelay(['sms-info'], input);
    assert.equal(run.code, 1);
    assert.deepEqual(lines(run.stdout), [
      { encoding: 'GSM-7', segments: 1, units: 2, remaining: 158 },
      { error: 'line 2 is not a JSON string' },
      { error: 'line 3 is not a JSON string' },
      { error: 'line 4 is not a JSON string' },
      { error: 'line 5 is not a JSON string' },
      { encoding: 'GSM-7', segments: 1, units: 8, remaining: 152 },
    ]);
  });

  test('--language selects the national tables; CRLF input lines are accepted', async () => {
    const input = '"Şule ğ"\r\n"São Paulo"\r\n';
    const none = await mcRelay(['sms-info'], input);
    assert.deepEqual(lines(none.stdout), [
      { encoding: 'UCS-2', segments: 1, units: 6, remaining: 64 },
      { encoding: 'UCS-2', segments: 1, units: 9, remaining: 61 },
    ]);
    const tr = await mcRelay(['sms-info', '--language', 'TR'], input);
    assert.equal(tr.code, 0, tr.stderr);
    assert.deepEqual(lines(tr.stdout), [
      { encoding: 'GSM-7', segments: 1, units: 6, remaining: 149 },
      { encoding: 'UCS-2', segments: 1, units: 9, remaining: 61 },
    ]);
    const auto = await mcRelay(['sms-info', '--language=AUTODETECT'], input);
    assert.deepEqual(lines(auto.stdout), [
      { encoding: 'GSM-7', segments: 1, units: 6, remaining: 149 },
      { encoding: 'GSM-7', segments: 1, units: 9, remaining: 146 },
    ]);
  });

  test('an unknown --language is refused with exit code 2', async () => {
    const run = await mcRelay(['sms-info', '--language', 'DE'], '"x"\n');
    assert.equal(run.code, 2);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /--language must be one of TR, ES, PT, AUTODETECT, NONE/);
  });

  test('empty stdin prints nothing and succeeds', async () => {
    const run = await mcRelay(['sms-info'], '');
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, '');
  });
});

describe('mc-relay', () => {
  test('an unknown or missing command prints the usage on stderr, exit code 2', async () => {
    for (const args of [['no-such-command'], []]) {
      const run = await mcRelay(args, '');
      assert.equal(run.code, 2);
      assert.equal(run.stdout, '');
      assert.match(run.stderr, /Usage: mc-relay <command>/);
      assert.match(run.stderr, /sms-info/);
    }
  });

  test('--help prints the usage on stdout', async () => {
    const run = await mcRelay(['--help'], '');
    assert.equal(run.code, 0);
    assert.match(run.stdout, /Usage: mc-relay <command>/);
  });
});
