// The SFMC simulator, exercised over real HTTP the way the connector will use it.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startSfmcSimulator, type DataExtensionDefinition, type SfmcSimulator } from '../src/sandbox/sfmc/simulator.ts';

const MID_A = '1001';
const MID_B = '1002';
const clients = [
  { clientId: 'relay', clientSecret: 'relay-secret', accountId: MID_A },
  { clientId: 'relay', clientSecret: 'relay-secret', accountId: MID_B }, // same package, also enabled in BU B
  { clientId: 'other', clientSecret: 'other-secret', accountId: '2001' },
];

function reportsDe(key: string): DataExtensionDefinition {
  return {
    key,
    name: `Delivery reports ${key}`,
    fields: [
      { name: 'MessageId', type: 'Text', maxLength: 36, isPrimaryKey: true },
      { name: 'Status', type: 'Text', maxLength: 12, isNullable: false },
      { name: 'Attempts', type: 'Number' },
      { name: 'Price', type: 'Decimal', maxLength: 10, scale: 2 },
      { name: 'Delivered', type: 'Boolean' },
      { name: 'StatusTime', type: 'Date' },
      { name: 'Channel', type: 'Text', maxLength: 10, defaultValue: 'SMS' },
    ],
  };
}

let deCounter = 0;
function newDe(sim: SfmcSimulator, mid = MID_A): string {
  const key = `DR_${++deCounter}`;
  sim.createDataExtension(mid, reportsDe(key));
  return key;
}

interface Res {
  status: number;
  headers: Headers;
  body: any;
}

async function call(url: string, init: RequestInit = {}): Promise<Res> {
  const r = await fetch(url, init);
  const text = await r.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON: keep the text */
  }
  return { status: r.status, headers: r.headers, body };
}

function tokenRequest(sim: SfmcSimulator, body: Record<string, unknown>): Promise<Res> {
  return call(`${sim.authBaseUrl}v2/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

async function token(sim: SfmcSimulator, mid: string | number = MID_A, clientId = 'relay', secret = 'relay-secret'): Promise<string> {
  const r = await tokenRequest(sim, { grant_type: 'client_credentials', client_id: clientId, client_secret: secret, account_id: mid });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.access_token;
}

function rest(sim: SfmcSimulator, tok: string | undefined, method: string, path: string, body?: unknown): Promise<Res> {
  const headers: Record<string, string> = {};
  if (tok) headers.authorization = `Bearer ${tok}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  return call(`${sim.restBaseUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
}

/** Polls /status until the request leaves Pending. */
async function settle(sim: SfmcSimulator, tok: string, requestId: string) {
  for (let i = 0; i < 100; i++) {
    const r = await rest(sim, tok, 'GET', `data/v1/async/${requestId}/status`);
    assert.equal(r.status, 200);
    if (r.body.status.requestStatus !== 'Pending') return r.body;
    await new Promise((res) => setTimeout(res, 10));
  }
  throw new Error('async request never completed');
}

async function asyncWrite(sim: SfmcSimulator, tok: string, method: 'POST' | 'PUT', key: string, items: unknown[]) {
  const r = await rest(sim, tok, method, `data/v1/async/dataextensions/key:${key}/rows`, { items });
  assert.equal(r.status, 202, JSON.stringify(r.body));
  assert.match(r.body.requestId, /^[0-9a-f-]{36}$/);
  assert.deepEqual(r.body.resultMessages, []);
  const status = await settle(sim, tok, r.body.requestId);
  const results = await rest(sim, tok, 'GET', `data/v1/async/${r.body.requestId}/results`);
  return { requestId: r.body.requestId as string, status, results: results.body };
}

describe('SFMC simulator', () => {
  let sim: SfmcSimulator;
  before(async () => {
    // Long enough that the status read right after a 202 still finds it Pending on a loaded machine.
    sim = await startSfmcSimulator({ clients, asyncProcessingDelayMs: 300 });
  });
  after(async () => {
    await sim.close();
  });

  describe('auth host: POST v2/token', () => {
    it('serves both hosts on one port, with trailing slashes', () => {
      assert.match(sim.authBaseUrl, /^http:\/\/127\.0\.0\.1:\d+\/auth\/$/);
      assert.equal(sim.restBaseUrl, sim.authBaseUrl.replace('/auth/', '/rest/'));
    });

    it('issues an opaque bearer token for a valid client and MID (string or number)', async () => {
      const r = await tokenRequest(sim, { grant_type: 'client_credentials', client_id: 'relay', client_secret: 'relay-secret', account_id: MID_A });
      assert.equal(r.status, 200);
      assert.equal(r.body.token_type, 'Bearer');
      assert.equal(r.body.expires_in, 1080);
      assert.equal(r.body.rest_instance_url, sim.restBaseUrl);
      assert.equal(typeof r.body.soap_instance_url, 'string');
      assert.equal(typeof r.body.scope, 'string');
      assert.ok(r.body.access_token.length >= 32);
      const numeric = await tokenRequest(sim, { grant_type: 'client_credentials', client_id: 'relay', client_secret: 'relay-secret', account_id: Number(MID_B) });
      assert.equal(numeric.status, 200);
      assert.notEqual(numeric.body.access_token, r.body.access_token);
      const scoped = await tokenRequest(sim, { grant_type: 'client_credentials', client_id: 'relay', client_secret: 'relay-secret', scope: 'data_extensions_read' });
      assert.equal(scoped.status, 200, 'account_id is optional');
      assert.equal(scoped.body.scope, 'data_extensions_read');
    });

    it('401 invalid_client on a wrong secret or unknown client', async () => {
      const expected = {
        error: 'invalid_client',
        error_description: 'Invalid client ID. Use the client ID in Marketing Cloud Installed Packages.',
        error_uri: 'https://developer.salesforce.com',
      };
      const wrongSecret = await tokenRequest(sim, { grant_type: 'client_credentials', client_id: 'relay', client_secret: 'nope', account_id: MID_A });
      assert.equal(wrongSecret.status, 401);
      assert.deepEqual(wrongSecret.body, expected);
      const unknown = await tokenRequest(sim, { grant_type: 'client_credentials', client_id: 'ghost', client_secret: 'relay-secret' });
      assert.equal(unknown.status, 401);
      assert.deepEqual(unknown.body, expected);
    });

    it('401 when the integration is not enabled for the requested MID', async () => {
      const r = await tokenRequest(sim, { grant_type: 'client_credentials', client_id: 'relay', client_secret: 'relay-secret', account_id: '2001' });
      assert.equal(r.status, 401);
      assert.equal(r.body.error, 'unauthorized_client');
      assert.match(r.body.error_description, /2001/);
      assert.equal(r.body.error_uri, 'https://developer.salesforce.com');
    });

    it('400 for another grant type or a body that breaks the swagger schema', async () => {
      const grant = await tokenRequest(sim, { grant_type: 'password', client_id: 'relay', client_secret: 'relay-secret' });
      assert.equal(grant.status, 400);
      assert.equal(grant.body.error, 'unsupported_grant_type');
      const missing = await tokenRequest(sim, { grant_type: 'client_credentials', client_secret: 'relay-secret' });
      assert.equal(missing.status, 400);
      assert.equal(missing.body.error, 'invalid_request');
      assert.match(missing.body.error_description, /client_id/);
      const badMid = await tokenRequest(sim, { grant_type: 'client_credentials', client_id: 'relay', client_secret: 'relay-secret', account_id: 'abc' });
      assert.equal(badMid.status, 400, 'account_id must be a number (or numeric string)');
    });
  });

  describe('REST authorisation', () => {
    const notAuthorized = {
      documentation: 'https://developer.salesforce.com/docs/atlas.en-us.mc-apis.meta/mc-apis/error-handling.htm',
      errorcode: 0,
      message: 'Not Authorized',
    };

    it('401 without a token or with an unknown one', async () => {
      const key = newDe(sim);
      for (const tok of [undefined, 'not-a-real-token']) {
        const r = await rest(sim, tok, 'PUT', `data/v1/async/dataextensions/key:${key}/rows`, { items: [] });
        assert.equal(r.status, 401);
        assert.deepEqual(r.body, notAuthorized);
      }
    });

    it('expireTokensNow invalidates every issued token once, then resets', async () => {
      const key = newDe(sim);
      const tok = await token(sim);
      assert.equal((await rest(sim, tok, 'GET', `data/v1/customobjectdata/key/${key}/rowset`)).status, 200);
      sim.setFaults({ expireTokensNow: true });
      const r = await rest(sim, tok, 'GET', `data/v1/customobjectdata/key/${key}/rowset`);
      assert.equal(r.status, 401);
      assert.deepEqual(r.body, notAuthorized);
      const fresh = await token(sim);
      assert.equal((await rest(sim, fresh, 'GET', `data/v1/customobjectdata/key/${key}/rowset`)).status, 200, 'new tokens work again');
    });

    it('tokens really expire after tokenTtlSeconds', async () => {
      const short = await startSfmcSimulator({ clients, tokenTtlSeconds: 1 });
      try {
        short.createDataExtension(MID_A, reportsDe('TTL'));
        const r = await tokenRequest(short, { grant_type: 'client_credentials', client_id: 'relay', client_secret: 'relay-secret' });
        assert.equal(r.body.expires_in, 1);
        assert.equal((await rest(short, r.body.access_token, 'GET', 'data/v1/customobjectdata/key/TTL/rowset')).status, 200);
        await new Promise((res) => setTimeout(res, 1100));
        assert.equal((await rest(short, r.body.access_token, 'GET', 'data/v1/customobjectdata/key/TTL/rowset')).status, 401);
      } finally {
        await short.close();
      }
    });
  });

  describe('async insert/upsert', () => {
    it('upserts rows: Pending, then Complete, rows stored with typed values', async () => {
      const key = newDe(sim);
      const tok = await token(sim);
      const accepted = await rest(sim, tok, 'PUT', `data/v1/async/dataextensions/key:${key}/rows`, {
        items: [
          { MessageId: 'm1', Status: 'DELIVERED', Attempts: '2', Price: '0.125', Delivered: 'true', StatusTime: '2013-05-23T14:32:00Z' },
          { messageid: 'm2', status: 'FAILED', attempts: 1, delivered: false }, // column names are case-insensitive
        ],
      });
      assert.equal(accepted.status, 202);
      const pending = await rest(sim, tok, 'GET', `data/v1/async/${accepted.body.requestId}/status`);
      assert.equal(pending.body.status.requestStatus, 'Pending');
      const done = await settle(sim, tok, accepted.body.requestId);
      assert.equal(done.status.requestStatus, 'Complete');
      assert.equal(done.status.hasErrors, false);
      assert.equal(done.status.resultStatus, 'OK');
      assert.equal(done.status.requestId, accepted.body.requestId);
      assert.notEqual(done.requestId, accepted.body.requestId, 'outer requestId identifies the status call');
      for (const k of ['callDateTime', 'pickupDateTime', 'completionDateTime']) {
        assert.match(done.status[k], /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?$/, `${k} has no offset, like SFMC`);
      }
      assert.deepEqual(sim.rows(MID_A, key), [
        { MessageId: 'm1', Status: 'DELIVERED', Attempts: 2, Price: 0.13, Delivered: true, StatusTime: '2013-05-23T14:32:00.000Z', Channel: 'SMS' },
        { MessageId: 'm2', Status: 'FAILED', Attempts: 1, Price: null, Delivered: false, StatusTime: null, Channel: 'SMS' },
      ]);
      const results = await rest(sim, tok, 'GET', `data/v1/async/${accepted.body.requestId}/results`);
      assert.deepEqual({ ...results.body, requestId: 'x' }, { page: 1, pageSize: 50, count: 0, items: [], requestId: 'x' });
    });

    it('reports bad rows in status and results, and still writes the good ones', async () => {
      const key = newDe(sim);
      const tok = await token(sim);
      const { status, results } = await asyncWrite(sim, tok, 'PUT', key, [
        { MessageId: 'ok1', Status: 'SENT' },
        { MessageId: 'bad1', Status: 'SENT', Colour: 'red' },
        { MessageId: 'bad2', Status: 'MUCH_TOO_LONG_STATUS' },
        { Status: 'SENT' },
        { MessageId: 'bad3', Status: 'SENT', Attempts: 'many' },
        { MessageId: 'bad4', Status: 'SENT', Delivered: 'perhaps' },
        { MessageId: 'bad5', Status: 'SENT', StatusTime: '2024-02-30' },
        { MessageId: 'ok2', Status: 'SENT', Attempts: 3 },
      ]);
      assert.equal(status.status.requestStatus, 'Complete');
      assert.equal(status.status.hasErrors, true);
      assert.equal(results.count, 6);
      assert.deepEqual(
        results.items.map((i: any) => [i.errorCode, i.status]),
        [
          ['ColumnNotFound', 'Error'],
          ['ValueTooLong', 'Error'],
          ['PrimaryKeyMissing', 'Error'],
          ['InvalidValue', 'Error'],
          ['InvalidValue', 'Error'],
          ['InvalidValue', 'Error'],
        ],
      );
      assert.match(results.items[0].message, /Colour/);
      assert.match(results.items[1].message, /Status/);
      assert.deepEqual(
        sim.rows(MID_A, key).map((r) => r.MessageId),
        ['ok1', 'ok2'],
      );
      assert.equal(sim.stats().asyncErrors >= 1, true);
    });

    it('insert rejects an existing key (PK violation); upsert merges into it', async () => {
      const key = newDe(sim);
      const tok = await token(sim);
      await asyncWrite(sim, tok, 'POST', key, [{ MessageId: 'k1', Status: 'SENT', Attempts: 1 }]);
      const dup = await asyncWrite(sim, tok, 'POST', key, [
        { MessageId: 'K1', Status: 'DELIVERED' }, // text keys compare case-insensitively
        { MessageId: 'k2', Status: 'SENT' },
      ]);
      assert.equal(dup.status.status.hasErrors, true);
      assert.equal(dup.results.count, 1);
      assert.equal(dup.results.items[0].errorCode, 'UnexpectedError');
      assert.match(dup.results.items[0].message, /Violation of PRIMARY KEY constraint .*duplicate key value is \(K1\)/);
      assert.equal(sim.rows(MID_A, key).find((r) => r.MessageId === 'k1')?.Status, 'SENT', 'insert did not overwrite');

      const up = await asyncWrite(sim, tok, 'PUT', key, [{ MessageId: 'k1', Status: 'DELIVERED' }]);
      assert.equal(up.status.status.hasErrors, false);
      assert.deepEqual(
        sim.rows(MID_A, key).find((r) => r.MessageId === 'k1'),
        { MessageId: 'k1', Status: 'DELIVERED', Attempts: 1, Price: null, Delivered: null, StatusTime: null, Channel: 'SMS' },
        'upsert changed Status and kept Attempts',
      );
    });

    it('rejects a new row that leaves a non-nullable column empty, on insert and on upsert', async () => {
      const key = newDe(sim);
      const tok = await token(sim);
      for (const method of ['POST', 'PUT'] as const) {
        const r = await asyncWrite(sim, tok, method, key, [{ MessageId: `n-${method}`, Attempts: 1 }]);
        assert.equal(r.results.count, 1);
        assert.equal(r.results.items[0].errorCode, 'RequiredValueMissing');
        assert.match(r.results.items[0].message, /Status/);
      }
      assert.deepEqual(sim.rows(MID_A, key), []);
    });

    it('unknown data extension: the pre-queue CustomObjectNotFound error', async () => {
      const tok = await token(sim);
      const r = await rest(sim, tok, 'POST', 'data/v1/async/dataextensions/key:NoSuchDE/rows', { items: [{ A: 1 }] });
      assert.equal(r.status, 200, 'insertDataExtensionIDAsync.md shows HTTP 200 for this error');
      assert.equal(r.body.resultMessages.length, 1);
      assert.deepEqual(
        { ...r.body.resultMessages[0], message: undefined },
        { resultType: 'Operational', resultClass: 'Error', resultCode: 'CustomObjectNotFound', message: undefined },
      );
      assert.match(r.body.resultMessages[0].message, /Key: NoSuchDE/);
      assert.match(r.body.requestId, /^[0-9a-f-]{36}$/);
    });

    it('validates the body against the swagger schema and the 32,000-item limit', async () => {
      const key = newDe(sim);
      const tok = await token(sim);
      for (const body of [{ rows: [] }, [{ MessageId: 'x' }], { items: 'nope' }, { items: [1, 2] }]) {
        const r = await rest(sim, tok, 'PUT', `data/v1/async/dataextensions/key:${key}/rows`, body);
        assert.equal(r.status, 400, JSON.stringify(body));
        assert.equal(r.body.resultMessages[0].resultClass, 'Error');
      }
      const items = Array.from({ length: 32_001 }, (_, i) => ({ MessageId: `m${i}`, Status: 'S' }));
      const tooMany = await rest(sim, tok, 'PUT', `data/v1/async/dataextensions/key:${key}/rows`, { items });
      assert.equal(tooMany.status, 400);
      assert.match(tooMany.body.resultMessages[0].message, /32000/);
      const max = await asyncWrite(sim, tok, 'PUT', key, items.slice(0, 32_000));
      assert.equal(max.status.status.hasErrors, false);
      assert.equal(sim.rows(MID_A, key).length, 32_000);
    });

    it('unknown request id: AsyncRequestStatusNotFound on /status and /results', async () => {
      const tok = await token(sim);
      const id = '00000000-0000-4000-8000-000000000000';
      const s = await rest(sim, tok, 'GET', `data/v1/async/${id}/status`);
      assert.equal(s.status, 200);
      assert.equal(s.body.resultMessages[0].resultCode, 'AsyncRequestStatusNotFound');
      assert.match(s.body.resultMessages[0].message, new RegExp(id));
      const res = await rest(sim, tok, 'GET', `data/v1/async/${id}/results`);
      assert.equal(res.status, 200);
      assert.equal(res.body.resultMessages[0].resultMessage.resultCode, 'AsyncRequestStatusNotFound');
    });
  });

  describe('hub/v1 rowset (synchronous upsert)', () => {
    it('upserts and echoes the rows', async () => {
      const key = newDe(sim);
      const tok = await token(sim);
      const body = [
        { keys: { MessageId: 'r1' }, values: { Status: 'SENT', Delivered: true } },
        { keys: { MessageId: 'r2' }, values: { Status: 'FAILED', Attempts: 4 } },
      ];
      const r = await rest(sim, tok, 'POST', `hub/v1/dataevents/key:${key}/rowset`, body);
      assert.equal(r.status, 200);
      assert.deepEqual(r.body, body);
      const again = await rest(sim, tok, 'POST', `hub/v1/dataevents/key:${key}/rowset`, [{ keys: { MessageId: 'r1' }, values: { Attempts: 2 } }]);
      assert.equal(again.status, 200);
      assert.deepEqual(
        sim.rows(MID_A, key).map((x) => [x.MessageId, x.Status, x.Attempts, x.Delivered]),
        [
          ['r1', 'SENT', 2, true],
          ['r2', 'FAILED', 4, null],
        ],
      );
      assert.deepEqual(sim.stats().rowsPerCall.slice(-2), [2, 1]);
    });

    it('400 errorcode 10006 with additionalErrors; the whole batch is rejected', async () => {
      const key = newDe(sim);
      const tok = await token(sim);
      const r = await rest(sim, tok, 'POST', `hub/v1/dataevents/key:${key}/rowset`, [
        { keys: { MessageId: 'good' }, values: { Status: 'SENT' } },
        { keys: { MessageId: 'bad' }, values: { Status: 'SENT', Nope: 1 } },
        { keys: { MessageId: 'bad2' }, values: { Status: 'SENT', Attempts: 1.5 } },
      ]);
      assert.equal(r.status, 400);
      assert.equal(r.body.errorcode, 10006);
      assert.equal(typeof r.body.message, 'string');
      assert.equal(r.body.additionalErrors.length, 2);
      assert.match(r.body.additionalErrors[0].message, /Nope/);
      assert.match(r.body.additionalErrors[1].message, /Attempts/);
      assert.deepEqual(sim.rows(MID_A, key), []);

      const noKey = await rest(sim, tok, 'POST', `hub/v1/dataevents/key:${key}/rowset`, [{ keys: {}, values: { MessageId: 'x', Status: 'S' } }]);
      assert.equal(noKey.status, 400);
      assert.match(noKey.body.additionalErrors[0].message, /MessageId/);
      const notArray = await rest(sim, tok, 'POST', `hub/v1/dataevents/key:${key}/rowset`, { keys: { MessageId: 'x' } });
      assert.equal(notArray.status, 400);
      const missingDe = await rest(sim, tok, 'POST', 'hub/v1/dataevents/key:Missing/rowset', []);
      assert.equal(missingDe.status, 404);
      assert.equal(missingDe.body.errorcode, 30003);
    });
  });

  describe('GET data/v1/customobjectdata rowset', () => {
    let key: string;
    let tok: string;
    const get = (query: string) => rest(sim, tok, 'GET', `data/v1/customobjectdata/key/${key}/rowset${query}`);
    const ids = (r: Res) => r.body.items.map((i: any) => i.keys.messageid);

    before(async () => {
      key = newDe(sim);
      tok = await token(sim);
      const rows = [
        ['a1', 'DELIVERED', 1, 'Viber'],
        ['a2', 'FAILED', 5, 'SMS'],
        ['a3', "O'NEIL", 3, 'SMS'],
        ['b1', 'DELIVERED', 10, 'WhatsApp'],
        ['b2', 'PENDING', 7, 'SMS'],
      ].map(([MessageId, Status, Attempts, Channel]) => ({ keys: { MessageId }, values: { Status, Attempts, Channel, StatusTime: '2024-01-02T03:04:05Z', Delivered: Status === 'DELIVERED', Price: 1.5 } }));
      assert.equal((await rest(sim, tok, 'POST', `hub/v1/dataevents/key:${key}/rowset`, rows)).status, 200);
    });

    it('splits keys and values, lower-cases names, renders values as strings', async () => {
      const r = await get(`?$filter=${encodeURIComponent("MessageId eq 'b1'")}`);
      assert.equal(r.status, 200);
      assert.equal(r.body.count, 1);
      assert.equal(r.body.customObjectKey, key);
      assert.equal(r.body.top, 0);
      assert.equal(r.body.pageSize, 2500, 'default $pageSize');
      assert.equal(r.body.page, 1);
      assert.equal(typeof r.body.requestToken, 'string');
      assert.equal(typeof r.body.tokenExpireDateUtc, 'string');
      assert.deepEqual(r.body.items, [
        {
          keys: { messageid: 'b1' },
          values: { status: 'DELIVERED', attempts: '10', price: '1.50', delivered: 'True', statustime: '1/2/2024 3:04:05 AM', channel: 'WhatsApp' },
        },
      ]);
    });

    it('filters with eq, neq, gt, lt, like, and/or, parentheses, quoted strings and numbers', async () => {
      const q = async (f: string) => ids(await get(`?$filter=${encodeURIComponent(f)}&$orderBy=MessageId`));
      assert.deepEqual(await q("Status eq 'delivered'"), ['a1', 'b1'], 'text compares case-insensitively');
      assert.deepEqual(await q("Status neq 'DELIVERED'"), ['a2', 'a3', 'b2']);
      assert.deepEqual(await q('Attempts gt 4'), ['a2', 'b1', 'b2']);
      assert.deepEqual(await q("Attempts lt '4'"), ['a1', 'a3']);
      assert.deepEqual(await q("MessageId like 'a%'"), ['a1', 'a2', 'a3']);
      assert.deepEqual(await q("Status like '%''%'"), ['a3'], "'' escapes a quote");
      assert.deepEqual(await q("Channel eq 'SMS' and Attempts gt 4"), ['a2', 'b2']);
      assert.deepEqual(await q("Channel eq 'Viber' or Attempts gt 8"), ['a1', 'b1']);
      assert.deepEqual(await q("(Channel eq 'Viber' or Channel eq 'WhatsApp') and Attempts lt 5"), ['a1']);
      assert.deepEqual(await q("Channel eq 'Viber' or Channel eq 'WhatsApp' and Attempts lt 5"), ['a1'], 'and binds tighter than or');
    });

    it('pages with $page/$pageSize, links.next and the request token', async () => {
      const p1 = await get('?$pageSize=2&$orderBy=Attempts%20desc');
      assert.equal(p1.body.count, 5);
      assert.equal(p1.body.pageSize, 2);
      assert.deepEqual(ids(p1), ['b1', 'b2']);
      assert.match(p1.body.links.next, /^\/v1\/customobjectdata\/token\/.+\/rowset\?\$page=2$/);
      const p3 = await get('?$pageSize=2&$page=3&$orderBy=Attempts%20desc');
      assert.deepEqual(ids(p3), ['a1']);
      assert.equal(p3.body.links.next, undefined);
      const viaToken = await rest(sim, tok, 'GET', `data${p1.body.links.next}`);
      assert.equal(viaToken.status, 200);
      assert.deepEqual(ids(viaToken), ['a2', 'a3']);
      const clamped = await get('?$pageSize=10000');
      assert.equal(clamped.body.pageSize, 2500);
    });

    it('400 with a clear message for a malformed filter', async () => {
      for (const [f, hint] of [
        ["Status eq 'open", /unterminated/],
        ['Status equals 1', /expected one of eq, neq, gt, lt, like/],
        ["Nope eq 'x'", /unknown column 'Nope'/],
        ["Attempts gt 'many'", /not a number/],
        ["(Status eq 'x'", /missing '\)'/],
        ["Status eq 'x' and", /expected a column name/],
      ] as const) {
        const r = await get(`?$filter=${encodeURIComponent(f)}`);
        assert.equal(r.status, 400, f);
        assert.match(r.body.message, /^\$filter: /);
        assert.match(r.body.message, hint);
      }
      assert.equal((await get('?$page=0')).status, 400);
    });
  });

  describe('tenant isolation', () => {
    it('a token for MID B cannot see MID A data extensions or async requests', async () => {
      const key = newDe(sim, MID_A);
      const tokA = await token(sim, MID_A);
      const tokB = await token(sim, MID_B);
      const { requestId } = await asyncWrite(sim, tokA, 'PUT', key, [{ MessageId: 'iso', Status: 'SENT' }]);

      const write = await rest(sim, tokB, 'PUT', `data/v1/async/dataextensions/key:${key}/rows`, { items: [{ MessageId: 'x', Status: 'S' }] });
      assert.equal(write.body.resultMessages[0].resultCode, 'CustomObjectNotFound');
      assert.equal((await rest(sim, tokB, 'GET', `data/v1/customobjectdata/key/${key}/rowset`)).status, 404);
      assert.equal((await rest(sim, tokB, 'POST', `hub/v1/dataevents/key:${key}/rowset`, [])).status, 404);
      const status = await rest(sim, tokB, 'GET', `data/v1/async/${requestId}/status`);
      assert.equal(status.body.resultMessages[0].resultCode, 'AsyncRequestStatusNotFound');

      // The same key in B is a different table.
      sim.createDataExtension(MID_B, reportsDe(key));
      await asyncWrite(sim, tokB, 'PUT', key, [{ MessageId: 'only-b', Status: 'SENT' }]);
      assert.deepEqual(sim.rows(MID_A, key).map((r) => r.MessageId), ['iso']);
      assert.deepEqual(sim.rows(MID_B, key).map((r) => r.MessageId), ['only-b']);
    });
  });

  describe('faults', () => {
    it('429 with Retry-After on REST and auth, until cleared', async () => {
      const key = newDe(sim);
      const tok = await token(sim);
      sim.setFaults({ rate429: 1, retryAfterSeconds: 7 });
      try {
        const r = await rest(sim, tok, 'GET', `data/v1/customobjectdata/key/${key}/rowset`);
        assert.equal(r.status, 429);
        assert.equal(r.headers.get('retry-after'), '7');
        assert.equal(r.body.errorcode, 50100);
        assert.equal(r.body.message, 'Rate limit exceeded');
        assert.equal(r.body.retryAfter, 7);
        const t = await tokenRequest(sim, { grant_type: 'client_credentials', client_id: 'relay', client_secret: 'relay-secret' });
        assert.equal(t.status, 429);
      } finally {
        sim.setFaults({ rate429: 0 });
      }
      assert.equal((await rest(sim, tok, 'GET', `data/v1/customobjectdata/key/${key}/rowset`)).status, 200);
      assert.ok((sim.stats().rejected['429'] ?? 0) >= 2);
    });

    it('5xx faults and the down switch', async () => {
      const tok = await token(sim);
      sim.setFaults({ rate5xx: 1 });
      try {
        const seen = new Set<number>();
        for (let i = 0; i < 20; i++) seen.add((await rest(sim, tok, 'GET', 'data/v1/async/x/status')).status);
        assert.ok([...seen].every((s) => s === 500 || s === 503), [...seen].join());
      } finally {
        sim.setFaults({ rate5xx: 0 });
      }
      sim.setFaults({ down: true });
      try {
        const r = await rest(sim, tok, 'GET', 'data/v1/async/x/status');
        assert.equal(r.status, 503);
        assert.equal((await tokenRequest(sim, { grant_type: 'client_credentials' })).status, 503);
      } finally {
        sim.setFaults({ down: false });
      }
      assert.equal((await rest(sim, tok, 'GET', 'data/v1/async/x/status')).status, 200);
    });

    it('latency delays each call', async () => {
      const tok = await token(sim);
      sim.setFaults({ latencyMs: 120 });
      try {
        const t0 = Date.now();
        await rest(sim, tok, 'GET', 'data/v1/async/x/status');
        assert.ok(Date.now() - t0 >= 110);
      } finally {
        sim.setFaults({ latencyMs: 0 });
      }
    });
  });

  describe('control API /__sim/', () => {
    const ctl = (path: string, init?: RequestInit) => call(sim.authBaseUrl.replace('/auth/', `/__sim/${path}`), init);
    const json = (method: string, body: unknown): RequestInit => ({ method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

    it('creates data extensions, reads rows, sets faults and reports stats', async () => {
      const created = await ctl('dataextensions/3003', json('POST', reportsDe('CTL')));
      assert.equal(created.status, 201);
      assert.equal((await ctl('dataextensions/3003', json('POST', reportsDe('CTL')))).status, 409);
      assert.equal((await ctl('dataextensions/3003', json('POST', { key: 'x', name: 'x', fields: [{ name: 'A', type: 'Blob' }] }))).status, 400);
      assert.deepEqual((await ctl('dataextensions/3003/CTL/rows')).body, []);
      assert.equal((await ctl('dataextensions/3003/NOPE/rows')).status, 404);

      const faults = await ctl('faults', json('PUT', { latencyMs: 0, rate429: 0 }));
      assert.equal(faults.status, 200);
      assert.equal(faults.body.rate429, 0);
      assert.equal((await ctl('faults', json('PUT', { rate429: 2 }))).status, 400);

      const before = (await ctl('stats')).body;
      const tok = await token(sim);
      const key = newDe(sim);
      await asyncWrite(sim, tok, 'PUT', key, [{ MessageId: 's1', Status: 'S' }, { MessageId: 's2', Status: 'S' }]);
      const afterStats = (await ctl('stats')).body;
      assert.equal(afterStats.tokenRequests, before.tokenRequests + 1);
      assert.equal(afterStats.tokensIssued, before.tokensIssued + 1);
      assert.equal(afterStats.asyncRequests, before.asyncRequests + 1);
      const route = 'PUT /data/v1/async/dataextensions/key:{key}/rows';
      assert.equal(afterStats.calls[route], (before.calls[route] ?? 0) + 1);
      assert.equal(afterStats.rowsPerCall.at(-1), 2);
      assert.ok(afterStats.calls['GET /data/v1/async/{requestId}/status'] >= 1);
    });
  });
});
