// hub/v1/dataevents rowset: synchronous upsert of `[{keys:{…}, values:{…}}]` (postDataExtensionRowsetByKey.md).
// The swagger has no body schema for this route (it lists keys/values as query parameters), so the
// body rules follow the docs' example. The batch is all-or-nothing [INFERRED]: one bad row fails
// the call with 400 and writes nothing, which is the safer assumption for a client.
import type { FastifyInstance } from 'fastify';
import type { SimContext } from './context.ts';
import type { Row, RowError } from './data-extension-store.ts';
import { restError, type RestError } from './sfmc-errors.ts';
import { tokenOf } from './rest-auth.ts';

/** "The maximum payload size is 5 MB" (swagger description of this route). */
const BODY_LIMIT = 5 * 1024 * 1024;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** One `additionalErrors` entry; SFMC leaves `documentation` empty on these [INFERRED]. */
const detail = (message: string): RestError => ({ message, errorcode: 10000, documentation: '' });

export function registerRowsetRoutes(app: FastifyInstance, ctx: SimContext): void {
  app.post<{ Params: { ref: string } }>('/hub/v1/dataevents/:ref/rowset', { bodyLimit: BODY_LIMIT }, async (req, reply) => {
    const body = req.body;
    if (!Array.isArray(body)) {
      return reply.code(400).send(restError('The request body must be a JSON array of {"keys":{…},"values":{…}} objects.', 10001));
    }
    const de = ctx.des.resolve(tokenOf(req).accountId, req.params.ref);
    if (!de) {
      // error-handling.md (sfmc.md §3.7): 404 errorcode 30003 "Object not found" [INFERRED for this route].
      return reply.code(404).send(restError(`Data extension '${req.params.ref}' was not found.`, 30003));
    }

    const shapeErrors: string[] = [];
    const merged: Row[] = body.map((item, i) => {
      if (!isObject(item) || !isObject(item.keys) || (item.values !== undefined && !isObject(item.values))) {
        shapeErrors.push(`Item ${i}: expected {"keys": {…}, "values": {…}} with object keys and values.`);
        return {};
      }
      const missing = de.pkFields.filter((f) => !Object.keys(item.keys as object).some((k) => k.toLowerCase() === f.name.toLowerCase()));
      if (missing.length) shapeErrors.push(`Item ${i}: primary key column '${missing[0].name}' must be given in "keys".`);
      return { ...(item.values as Row | undefined), ...(item.keys as Row) };
    });
    const rowErrors: RowError[] = shapeErrors.length ? [] : de.writeAtomically(merged, 'upsert').map((e) => e.error);
    const messages = [...shapeErrors, ...rowErrors.map((e) => e.message)];
    if (messages.length) {
      return reply.code(400).send(restError(`Unable to save rows for data extension ID ${de.id}`, 10006, messages.map(detail)));
    }
    ctx.stats.rowsWritten(body.length);
    return reply.code(200).send(body);
  });
}
