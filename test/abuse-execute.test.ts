import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { allChannels } from '../src/channels/registry.ts';
import type { Sandbox } from '../src/sandbox/sandbox.ts';
import { smsExecuteBody } from './helpers/execute-body.ts';
import { type Answer, postJwt } from './helpers/http.ts';
import { handBuiltJwt, hs256 } from './helpers/jwt.ts';
import { anyJson, anyText, looseObject, propertyRuns } from './helpers/properties.ts';
import { startTestSandbox } from './helpers/sandbox.ts';

/** The inArgument names execute reads (channels, tracking, templates, callbacks), and a few it does not. */
const argumentNames = [
  'channel', 'contactKey', 'phone', 'phone.MobilePhone', 'phone.Other', 'sender', 'text', 'accountId', 'activityName', 'definitionId', 'versionNumber',
  'urlShortening', 'shortenUrl', 'trackClicks', 'removeProtocol', 'customDomain', 'trackingUrl', 'callbackData.Order', 'field.FirstName',
  'templateName', 'templateData.1', 'templatePlaceholders', 'language', 'label', 'imageUrl', 'buttons', 'buttonText', 'buttonUrl', 'card', 'cards',
  'suggestions', 'title', 'videoUrl', 'fileUrl', 'headerType', 'headerMediaUrl', 'messageType', 'scenarioKey', 'smsFailoverText', 'smsFailoverSender',
  'speedLimit.amount', 'speedLimit.enabled', 'speedLimit.timeUnit', 'indiaDlt.principalEntityId', 'turkeyIys.brandCode', 'segments', 'messageId', 'reportType',
];
const channelIds = allChannels().flatMap((c) => [c.id, c.id.toUpperCase(), c.name]);

const argumentValue = fc.oneof(
  anyJson,
  fc.constantFrom(...channelIds, 'true', 'false', '+4915112345678', '004915112345678', '0151 1234 5678', 'https://example.com/a', 'javascript:alert(1)'),
);
/** inArguments as Journey Builder sends them (one key per entry), or any other shape. */
const inArguments = fc.oneof(
  fc.array(looseObject(argumentNames, argumentValue).filter((o) => Object.keys(o).length > 0), { maxLength: 40 }),
  fc.array(anyJson, { maxLength: 10 }),
  anyJson,
);
/** The SMS example with some arguments changed, added or removed: close enough to reach deep checks. */
const nearlyValid = fc.tuple(looseObject(argumentNames, argumentValue), fc.subarray(argumentNames), fc.nat()).map(([changes, removed, n]) => {
  const body = smsExecuteBody(`prop-contact-${n}`, '+4915112345678');
  const args = body.inArguments.filter((e) => !Object.keys(e).some((k) => removed.includes(k))).concat(Object.entries(changes).map(([k, v]) => ({ [k]: v })));
  return { ...body, inArguments: args };
});
const executeBodies = fc.oneof(
  { weight: 3, arbitrary: nearlyValid },
  { weight: 2, arbitrary: fc.record({ inArguments, keyValue: fc.option(anyText(50)), activityId: fc.option(anyText(50)) }, { requiredKeys: ['inArguments'] }) },
  { weight: 1, arbitrary: fc.dictionary(anyText(20), anyJson) },
);

/**
 * Properties of execute over real HTTP (a sandbox on SQLite): whatever a correctly signed body
 * holds, the Message activity answers 200 JSON with a string messageStatus (a business answer,
 * never a 5xx), Reports and Split answer 200 JSON objects; whatever an unsigned or wrongly signed
 * body holds, 401 JSON.
 */
describe('execute properties (fast-check, real HTTP)', () => {
  let sandbox: Sandbox;
  let secret: string;
  let message: string;
  let reports: string;
  let split: string;

  before(async () => {
    sandbox = await startTestSandbox('sqlite');
    secret = sandbox.info.jwtSecret;
    message = `${sandbox.info.messageActivityUrl}execute`;
    reports = `${sandbox.info.reportsActivityUrl}execute`;
    split = `${sandbox.info.splitActivityUrl}execute`;
  });
  after(() => sandbox.close());

  const isJsonObject = (answer: Answer) => /^application\/json/.test(answer.contentType) && answer.json !== undefined && !Array.isArray(answer.json);

  test('Message execute: any signed body gets 200 JSON with a messageStatus', async () => {
    const seen = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(executeBodies, async (body) => {
        const answer = await postJwt(message, hs256(body as Record<string, unknown>, secret));
        assert.equal(answer.status, 200, answer.text.slice(0, 300));
        assert.ok(isJsonObject(answer));
        assert.equal(typeof answer.json?.messageStatus, 'string', answer.text.slice(0, 300));
        assert.ok(/^(Success|Error|Warning)/.test(answer.json?.messageStatus), answer.json?.messageStatus);
        const status = String(answer.json?.messageStatus).split(':').slice(0, 2).join(':');
        seen.set(status, (seen.get(status) ?? 0) + 1);
      }),
      propertyRuns('message execute', 300),
    );
    console.log(`message execute answers: ${[...seen].map(([s, n]) => `${n}× ${s}`).join(', ')}`);
    // The bodies reach past the first check: some are sent, many are refused for many reasons.
    assert.ok([...seen.keys()].some((s) => s.startsWith('Success')), 'some bodies were accepted');
    assert.ok([...seen.keys()].filter((s) => s.startsWith('Error')).length >= 5, 'bodies are refused for several reasons');
  });

  test('Reports and Split execute: any signed body gets 200 and a JSON object', async () => {
    await fc.assert(
      fc.asyncProperty(executeBodies, fc.constantFrom('reports', 'split'), async (body, which) => {
        const answer = await postJwt(which === 'reports' ? reports : split, hs256(body as Record<string, unknown>, secret));
        assert.equal(answer.status, 200, `${which}: ${answer.text.slice(0, 300)}`);
        assert.ok(isJsonObject(answer), which);
      }),
      propertyRuns('reports/split execute', 150),
    );
  });

  test('JWT headers and claims: anything not HS256 with the tenant secret is 401 JSON', async () => {
    const header = fc.oneof(looseObject(['alg', 'typ', 'kid', 'jku', 'jwk', 'crit', 'cty', 'x5u']), fc.record({ alg: fc.constantFrom('none', 'HS384', 'HS512', 'RS256', 'ES256', 'PS256', 'EdDSA', 'hs256') }));
    const claims = looseObject(['exp', 'nbf', 'iat', 'iss', 'aud', 'sub', 'inArguments', 'keyValue']);
    const key = fc.oneof(fc.constant(undefined), fc.constant(''), anyText(64).filter((k) => k !== secret), fc.constant(`${'x'}${secret}`));
    const refusedToken = fc.oneof(
      fc.tuple(header, claims, key).map(([h, c, k]) => handBuiltJwt(h, c, k)),
      fc.tuple(claims, key.filter((k) => k !== undefined)).map(([c, k]) => handBuiltJwt({ alg: 'HS256' }, c, k)),
      fc.tuple(header, claims).filter(([h]) => h.alg !== 'HS256' || 'crit' in h).map(([h, c]) => handBuiltJwt(h, c, secret)),
      fc.array(fc.base64String({ maxLength: 200 }), { minLength: 1, maxLength: 5 }).map((parts) => parts.join('.')),
      anyText(2000),
    );
    await fc.assert(
      fc.asyncProperty(refusedToken, fc.constantFrom(message, reports, split), async (token, url) => {
        const answer = await postJwt(url, token);
        assert.equal(answer.status, 401, answer.text.slice(0, 300));
        assert.ok(isJsonObject(answer));
        assert.equal(answer.json?.error, 'unauthorized');
      }),
      propertyRuns('JWT refusals', 300),
    );
  });

  test('JWT claims: a correctly signed token with any claims never gets a 5xx', async () => {
    const claims = looseObject(['exp', 'nbf', 'iat', 'iss', 'aud', 'inArguments', 'keyValue'], fc.oneof(anyJson, fc.integer(), fc.double()));
    await fc.assert(
      fc.asyncProperty(claims, async (c) => {
        const answer = await postJwt(message, handBuiltJwt({ alg: 'HS256', typ: 'JWT' }, c, secret));
        assert.ok(answer.status === 200 || answer.status === 401, `${answer.status} ${answer.text.slice(0, 300)}`);
        assert.ok(isJsonObject(answer));
      }),
      propertyRuns('signed claims', 200),
    );
  });
});
