import Fastify from 'fastify';

/**
 * The baseline the execute figures are divided by (run A of perf-anchors.md): Fastify 5 with
 * nothing but the work every HTTP server does. It reads the JWT body as a string, as the
 * connector does, ignores it and answers a fixed execute answer. Same route shape as the
 * connector's, so the generator sends byte-identical requests to both.
 *
 * Run as a child of the bench: prints {"url": …} once listening, leaves on SIGTERM or when the
 * bench's stdin pipe closes (the bench died without cleaning up).
 */
const FIXED = { messageId: '00000000-0000-4000-8000-000000000000', messageStatus: 'Success: Message pending' };

const app = Fastify({ logger: false });
app.addContentTypeParser('application/jwt', { parseAs: 'string' }, (_req, body, done) => done(null, body));
app.post('/t/:tenantKey/activities/:activity/execute', async () => FIXED);

const address = await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0) });
process.stdout.write(`${JSON.stringify({ url: address })}\n`);

const leave = () => void app.close().then(() => process.exit(0));
process.once('SIGTERM', leave);
process.once('SIGINT', leave);
process.stdin.on('end', leave);
process.stdin.resume();
