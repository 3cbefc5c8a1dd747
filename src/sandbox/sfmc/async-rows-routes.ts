// data/v1/async: queued insert (POST) / upsert (PUT) of rows, then /status and /results
// (data-extensions-api.md, insert-/updateDataExtensionIDAsync.md, getStatus-/getResultsDataExtensionAsync.md).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SimContext } from './context.ts';
import type { WriteMode } from './data-extension-store.ts';
import { resultsBody, statusBody } from './async-requests.ts';
import { resultMessages } from './sfmc-errors.ts';
import { tokenOf } from './rest-auth.ts';

/** LIMITS (sfmc.md §3.2): at most 32,000 objects per async request (hard). */
export const MAX_ASYNC_ITEMS = 32_000;
const BODY_LIMIT = 64 * 1024 * 1024; // room for 32,000 wide rows

type RefParams = { Params: { ref: string } };
type RequestIdParams = { Params: { requestId: string }; Querystring: Record<string, string | undefined> };

function positiveInt(v: string | undefined, fallback: number): number {
  const n = v === undefined ? fallback : Number(v);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

function notFound(reply: FastifyReply, ref: string) {
  // Shape and HTTP 200 as in insertDataExtensionIDAsync.md / updateDataExtensionIDAsync.md ("Example
  // Error Response … HTTP/1.1 200 OK"), echoed by sfmc.md §3.2 "Pre-queue error: 200".
  const [id, key] = ref.startsWith('key:') ? ['', ref.slice(4)] : [ref, ''];
  return reply
    .code(200)
    .send(
      resultMessages('CustomObjectNotFound', `Failed to resolve the Custom Object from the provided ObjectReferenceIdentifier [Id: ${id}, Key: ${key}].`),
    );
}

export function registerAsyncRowsRoutes(app: FastifyInstance, ctx: SimContext): void {
  const accept = (mode: WriteMode) => async (req: FastifyRequest<RefParams>, reply: FastifyReply) => {
    const { accountId } = tokenOf(req);
    // Body problems are rejected before queueing; the docs show no example, so the data/v1
    // resultMessages shape with HTTP 400 is [INFERRED].
    if (!ctx.validators.dataExtensionRows(req.body)) {
      return reply.code(400).send(resultMessages('InvalidRequest', ctx.validators.dataExtensionRows.lastError(), 'Validation'));
    }
    const items = (req.body as { items: unknown[] }).items;
    if (items.length > MAX_ASYNC_ITEMS) {
      return reply
        .code(400)
        .send(resultMessages('TooManyItems', `The request contains ${items.length} items; the maximum is ${MAX_ASYNC_ITEMS}.`, 'Validation'));
    }
    const badIndex = items.findIndex((it) => typeof it !== 'object' || it === null || Array.isArray(it));
    if (badIndex >= 0) {
      return reply.code(400).send(resultMessages('InvalidRequest', `items[${badIndex}] must be an object of column names and values.`, 'Validation'));
    }
    const de = ctx.des.resolve(accountId, req.params.ref);
    if (!de) return notFound(reply, req.params.ref);

    const queued = ctx.queue.enqueue(accountId, de, mode, items as Record<string, unknown>[]);
    ctx.stats.asyncQueued();
    ctx.stats.rowsWritten(items.length);
    return reply.code(202).send({ requestId: queued.id, resultMessages: [] });
  };
  const url = '/data/v1/async/dataextensions/:ref/rows';
  app.post<RefParams>(url, { bodyLimit: BODY_LIMIT }, accept('insert'));
  app.put<RefParams>(url, { bodyLimit: BODY_LIMIT }, accept('upsert'));

  const statusNotFound = (id: string) =>
    resultMessages('AsyncRequestStatusNotFound', `Unable to locate an Async Request Status Record for the provided RequestId: ${id}.`);

  app.get<RequestIdParams>('/data/v1/async/:requestId/status', async (req, reply) => {
    const found = ctx.queue.get(tokenOf(req).accountId, req.params.requestId);
    // 200 with resultMessages for an unknown id, as getStatusDataExtensionAsync.md shows.
    return reply.code(200).send(found ? statusBody(found) : statusNotFound(req.params.requestId));
  });

  app.get<RequestIdParams>('/data/v1/async/:requestId/results', async (req, reply) => {
    const found = ctx.queue.get(tokenOf(req).accountId, req.params.requestId);
    if (!found) {
      // getResultsDataExtensionAsync.md wraps each message in "resultMessage", unlike /status.
      // Copied as published: a client should tolerate both shapes.
      const { requestId, resultMessages: msgs } = statusNotFound(req.params.requestId);
      return reply.code(200).send({ requestId, resultMessages: msgs.map((m) => ({ resultMessage: m })) });
    }
    const q = req.query;
    return reply.send(resultsBody(found, positiveInt(q.$page ?? q.page, 1), positiveInt(q.$pageSize ?? q.pageSize, 50)));
  });
}
