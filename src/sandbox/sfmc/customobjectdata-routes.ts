// GET data/v1/customobjectdata/key/{key}/rowset: the semi-documented row reader (sfmc.md §3.3).
// Its quirks are kept on purpose: primary-key and other columns come back split into `keys` and
// `values`, names lower-cased, every value a string; paging continues via a request token whose
// links lack the "/data" prefix [CODE].
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { SimContext } from './context.ts';
import type { Row, StoredDataExtension } from './data-extension-store.ts';
import type { DataExtensionField } from './types.ts';
import { renderFieldValue } from './field-values.ts';
import { FilterError, parseFilter, type RowPredicate } from './rowset-filter.ts';
import { restError } from './sfmc-errors.ts';
import { utcWithoutSuffix } from './sfmc-time.ts';
import { tokenOf } from './rest-auth.ts';

const MAX_PAGE_SIZE = 2500;
const REQUEST_TOKEN_TTL_MS = 20 * 60_000; // [INFERRED]

type Query = Record<string, string | undefined>;
interface RowsetQuery {
  mid: string;
  de: StoredDataExtension;
  match: RowPredicate;
  sort?: (a: Row, b: Row) => number;
  fields?: DataExtensionField[];
  pageSize: number;
  expiresAt: number;
}

class QueryError extends Error {}

function intParam(name: string, v: string | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new QueryError(`${name} must be a positive integer`);
  return n;
}

function fieldOf(de: StoredDataExtension, name: string, param: string): DataExtensionField {
  const f = de.field(name.trim());
  if (!f) throw new QueryError(`${param}: unknown column '${name.trim()}'`);
  return f;
}

/** `$orderBy=Name desc, Age`: typed comparison (numbers as numbers, dates as dates), NULLs first as in SQL. */
function parseOrderBy(de: StoredDataExtension, text: string): (a: Row, b: Row) => number {
  const parts = text.split(',').map((p) => {
    const m = /^\s*([A-Za-z_]\w*)(?:\s+(asc|desc))?\s*$/i.exec(p);
    if (!m) throw new QueryError(`$orderBy: cannot parse '${p.trim()}'`);
    return { field: fieldOf(de, m[1], '$orderBy'), dir: m[2]?.toLowerCase() === 'desc' ? -1 : 1 };
  });
  const key = (f: DataExtensionField, v: unknown) =>
    v === null || v === undefined ? null : f.type === 'Date' ? Date.parse(String(v)) : typeof v === 'string' ? v.toLowerCase() : Number(v);
  return (a, b) => {
    for (const { field, dir } of parts) {
      const x = key(field, a[field.name]);
      const y = key(field, b[field.name]);
      if (x === y) continue;
      if (x === null) return -dir;
      if (y === null) return dir;
      return (x < y ? -1 : 1) * dir;
    }
    return 0;
  };
}

function buildQuery(mid: string, de: StoredDataExtension, q: Query): RowsetQuery {
  const pageSize = Math.min(intParam('$pageSize', q.$pageSize, MAX_PAGE_SIZE), MAX_PAGE_SIZE); // over the max is clamped [INFERRED]
  let match: RowPredicate = () => true;
  if (q.$filter !== undefined) {
    try {
      match = parseFilter(q.$filter, (name) => de.field(name));
    } catch (e) {
      if (e instanceof FilterError) throw new QueryError(`$filter: ${e.message}`);
      throw e;
    }
  }
  return {
    mid,
    de,
    match,
    sort: q.$orderBy ? parseOrderBy(de, q.$orderBy) : undefined,
    fields: q.$fields ? q.$fields.split(',').map((n) => fieldOf(de, n, '$fields')) : undefined,
    pageSize,
    expiresAt: Date.now() + REQUEST_TOKEN_TTL_MS,
  };
}

function lowerCased(row: Row, fields: DataExtensionField[]): Record<string, string> {
  return Object.fromEntries(fields.map((f) => [f.name.toLowerCase(), renderFieldValue(f, row[f.name])]));
}

function page(token: string, query: RowsetQuery, pageNo: number) {
  const { de } = query;
  let rows = [...de.rows.values()].filter(query.match);
  if (query.sort) rows = rows.sort(query.sort);
  const start = (pageNo - 1) * query.pageSize;
  const link = (p: number) => `/v1/customobjectdata/token/${token}/rowset?$page=${p}`;
  const valueFields = (query.fields ?? de.def.fields).filter((f) => !f.isPrimaryKey);
  return {
    links: { self: link(pageNo), ...(start + query.pageSize < rows.length ? { next: link(pageNo + 1) } : {}) },
    requestToken: token,
    tokenExpireDateUtc: utcWithoutSuffix(query.expiresAt),
    customObjectId: de.id,
    customObjectKey: de.def.key,
    pageSize: query.pageSize,
    page: pageNo,
    count: rows.length,
    top: 0,
    items: rows.slice(start, start + query.pageSize).map((row) => ({
      keys: lowerCased(row, de.pkFields),
      values: lowerCased(row, valueFields),
    })),
  };
}

export function registerCustomObjectDataRoutes(app: FastifyInstance, ctx: SimContext): void {
  const queries = new Map<string, RowsetQuery>();
  const fail = (reply: FastifyReply, e: unknown) => {
    if (e instanceof QueryError) return reply.code(400).send(restError(e.message, 10000));
    throw e;
  };

  app.get<{ Params: { key: string }; Querystring: Query }>('/data/v1/customobjectdata/key/:key/rowset', async (req, reply) => {
    const mid = tokenOf(req).accountId;
    const de = ctx.des.byKey(mid, req.params.key);
    // Not documented; 404 errorcode 30003 "Object not found" from the error catalogue (sfmc.md §3.7) [INFERRED].
    if (!de) return reply.code(404).send(restError(`Data extension with key '${req.params.key}' was not found.`, 30003));
    try {
      const query = buildQuery(mid, de, req.query);
      const pageNo = intParam('$page', req.query.$page, 1);
      for (const [t, old] of queries) if (old.expiresAt <= Date.now()) queries.delete(t);
      const token = randomUUID();
      queries.set(token, query);
      return reply.send(page(token, query, pageNo));
    } catch (e) {
      return fail(reply, e);
    }
  });

  app.get<{ Params: { token: string }; Querystring: Query }>('/data/v1/customobjectdata/token/:token/rowset', async (req, reply) => {
    const query = queries.get(req.params.token);
    if (!query || query.mid !== tokenOf(req).accountId || query.expiresAt <= Date.now()) {
      return reply.code(404).send(restError(`Request token '${req.params.token}' was not found or has expired.`, 30003));
    }
    try {
      return reply.send(page(req.params.token, query, intParam('$page', req.query.$page, 1)));
    } catch (e) {
      return fail(reply, e);
    }
  });
}
