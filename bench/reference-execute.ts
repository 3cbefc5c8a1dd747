import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import Fastify from 'fastify';

/**
 * The prototype issue 2 quotes for scale (perf-anchors.md run C2-immediate, with B-hmac's check):
 * an HS256 check with node:crypto, the inArguments merged, a UUID, and one SQLite insert
 * group-committed on the next turn of the event loop (WAL, synchronous=NORMAL, 8 columns). It
 * measured 11,000–12,000 executes/s the day the target was set. The bare Fastify baseline
 * measures how fast this VM answers HTTP at all, and that swings far more than work like
 * execute's: 64,000/s that day, 14,500–17,600/s on 2026-11-28 while this did 12,462/s. This is
 * the yardstick for execute's kind of work.
 *
 * Run as a child of the bench, like bare-fastify.ts: JWT_SECRET in the environment, prints
 * {"url": …} once listening, leaves on SIGTERM or when the bench's stdin pipe closes.
 */
const secret = Buffer.from(process.env.JWT_SECRET ?? '');
const dir = mkdtempSync(join(tmpdir(), 'mc-relay-reference-'));
const db = new SQLite(join(dir, 'reference.sqlite'));
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.exec('create table messages (id text primary key, key_value text, activity_id text, activity_instance_id text, phone text, text text, status text, created_at integer)');
const insert = db.prepare('insert into messages values (?, ?, ?, ?, ?, ?, ?, ?)');
const insertAll = db.transaction((rows: unknown[][]) => {
  for (const row of rows) insert.run(row);
});

let waiting: { row: unknown[]; stored: () => void }[] = [];
const flush = () => {
  const group = waiting;
  waiting = [];
  insertAll(group.map((w) => w.row));
  for (const w of group) w.stored();
};
const store = (row: unknown[]) =>
  new Promise<void>((stored) => {
    if (waiting.push({ row, stored }) === 1) setImmediate(flush);
  });

const app = Fastify({ logger: false });
app.addContentTypeParser('application/jwt', { parseAs: 'string' }, (_req, body, done) => done(null, body));
app.post('/t/:tenantKey/activities/:activity/execute', async (req, reply) => {
  const [header = '', payload = '', signature = ''] = String(req.body).split('.');
  const expected = createHmac('sha256', secret).update(`${header}.${payload}`).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return reply.code(401).send({ error: 'unauthorized' });
  const body = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { inArguments: Record<string, unknown>[]; keyValue: string; activityId: string; activityInstanceId: string };
  const args = Object.assign({}, ...body.inArguments) as Record<string, unknown>;
  const messageId = randomUUID();
  await store([messageId, body.keyValue, body.activityId, body.activityInstanceId, String(args['phone.MobilePhone']), String(args.text), 'pending', Date.now()]);
  return { messageId, messageStatus: 'Success: Message pending' };
});

const address = await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0) });
process.stdout.write(`${JSON.stringify({ url: address })}\n`);

const leave = () =>
  void app.close().then(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  });
process.once('SIGTERM', leave);
process.once('SIGINT', leave);
process.stdin.on('end', leave);
process.stdin.resume();
