import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import type { Sandbox } from '../src/sandbox/sandbox.ts';
import { smsExecuteBody } from './helpers/execute-body.ts';
import { postJson } from './helpers/http.ts';
import { anyJson, anyText, looseObject, propertyRuns } from './helpers/properties.ts';
import { newClientAddresses } from './helpers/clients.ts';
import { startTestSandbox } from './helpers/sandbox.ts';

const argumentNames = ['channel', 'phone', 'sender', 'text', 'accountId', 'urlShortening', 'shortenUrl', 'trackClicks', 'customDomain', 'templateName', 'templateData.1', 'buttons', 'imageUrl', 'callbackData.X', 'field.Name'];
const argumentValue = fc.oneof(anyJson, fc.constantFrom('SMS', 'sms', 'WHATSAPP', 'VIBER', 'RCS', 'true', '+4915112345678', 'mc-relay'));
const inArguments = fc.oneof(
  { weight: 3, arbitrary: fc.tuple(looseObject(argumentNames, argumentValue), fc.subarray(argumentNames)).map(([set, removed]) => smsExecuteBody('ui', '+4915112345678').inArguments.filter((e) => !Object.keys(e).some((k) => removed.includes(k))).concat(Object.entries(set).map(([k, v]) => ({ [k]: v })))) },
  { weight: 1, arbitrary: fc.array(looseObject(argumentNames, argumentValue), { maxLength: 600 }) },
  { weight: 1, arbitrary: anyJson },
);
const bodies = fc.oneof(
  { weight: 4, arbitrary: fc.record({ inArguments, to: fc.oneof(fc.constantFrom('+4915112345678', '4915112345678', '0151 1234567'), anyText(40)) }, { requiredKeys: ['inArguments'] }) },
  { weight: 1, arbitrary: fc.record({ inArguments, extra: anyJson }) },
  { weight: 1, arbitrary: anyJson },
);

/**
 * Properties of the Message activity UI's backend (`…/activities/message/api/…`) over real HTTP
 * on a sandbox (SQLite), with a Journey Builder user token from the SFMC simulator: any body to
 * validate or test-send gets 200 `{ok, messageStatus}` or 400 naming the problem, never a 5xx;
 * any query to the template list gets 200, 400 or 502 (Infobip's answer); any token but a valid
 * one gets 401.
 */
describe('activity UI backend properties (fast-check, real HTTP)', () => {
  let sandbox: Sandbox;
  let token: string;
  let api: string;

  before(async () => {
    // Each request comes from a client of its own (X-Forwarded-For), so 100 refused tokens test
    // their answer, not the failure limit.
    sandbox = await startTestSandbox('sqlite', { trustProxy: 'loopback' });
    const { sfmc } = sandbox.info;
    const answer = await postJson(`${sfmc.authBaseUrl}v2/token`, { grant_type: 'client_credentials', client_id: sfmc.clientId, client_secret: sfmc.clientSecret, account_id: sfmc.accountId });
    token = answer.json!.access_token;
    api = `${sandbox.info.messageActivityUrl}api/`;
  });
  after(() => sandbox.close());

  const client = newClientAddresses();
  const call = async (method: string, path: string, body?: unknown, bearer = token) => {
    const response = await fetch(`${api}${path}`, {
      method,
      headers: { authorization: `Bearer ${bearer}`, 'x-forwarded-for': client(), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) ?? 'null' }),
    });
    const text = await response.text();
    let json: any;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, json, text, type: response.headers.get('content-type') ?? '' };
  };

  test('validate and test-send: 200 {ok, messageStatus} or 400, never a 5xx', async () => {
    const seen = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(bodies, fc.constantFrom('validate', 'test-send'), async (body, path) => {
        const answer = await call('POST', path, body);
        seen.set(`${path} ${answer.status}`, (seen.get(`${path} ${answer.status}`) ?? 0) + 1);
        assert.ok(answer.status === 200 || answer.status === 400, `${answer.status} ${answer.text.slice(0, 300)}`);
        assert.match(answer.type, /^application\/json/);
        if (answer.status === 400) return assert.equal(typeof answer.json?.message, 'string');
        assert.equal(typeof answer.json?.ok, 'boolean');
        assert.equal(typeof answer.json?.messageStatus, 'string');
      }),
      propertyRuns('validate/test-send', 200),
    );
    console.log(`activity UI answers: ${[...seen].map(([s, n]) => `${n}× ${s}`).join(', ')}`);
    assert.ok(seen.get('validate 200') && seen.get('test-send 200'), 'bodies reach the execute pipeline');
  });

  test('template list and test-send status: any query or id gets 200, 400, 404 or 502', async () => {
    const query = fc.dictionary(fc.constantFrom('sender', 'accountId', 'x'), fc.oneof(fc.constantFrom('447860099299', '+447860099299', ''), anyText(40)).map((s) => s.slice(0, 1000)));
    await fc.assert(
      fc.asyncProperty(query, anyText(60).filter((s) => s.length > 0 && s.length <= 1000), async (q, id) => {
        const templates = await call('GET', `whatsapp-templates?${new URLSearchParams(Object.entries(q).map(([k, v]) => [k, Buffer.from(v).toString()]))}`);
        assert.ok([200, 400, 502].includes(templates.status), `${templates.status} ${templates.text.slice(0, 300)}`);
        assert.match(templates.type, /^application\/json/);
        const status = await call('GET', `test-send/${encodeURIComponent(Buffer.from(id).toString())}`);
        assert.ok([200, 400, 404, 414].includes(status.status), `${status.status} ${status.text.slice(0, 300)}`);
      }),
      propertyRuns('templates/test-send status', 150),
    );
  });

  test('any token but a valid user token gets 401', async () => {
    const bearer = fc.oneof(anyText(300), fc.constant(`${'a'.repeat(8)}`), fc.constant(`${token}x`)).filter((t) => /^[\x21-\x7e]*$/.test(t) && t !== token);
    await fc.assert(
      fc.asyncProperty(bearer, bodies, fc.constantFrom('validate', 'test-send', 'context'), async (t, body, path) => {
        const answer = await call(path === 'context' ? 'GET' : 'POST', path, path === 'context' ? undefined : body, t);
        // A token longer than Node's header limit (16 KiB) is refused before any route runs.
        if (t.length > 16_000 && answer.status === 431) return;
        assert.equal(answer.status, 401, `${answer.status} for a ${t.length}-character token: ${answer.text.slice(0, 200)}`);
      }),
      propertyRuns('activity UI tokens', 100),
    );
  });
});
