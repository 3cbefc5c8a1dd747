import assert from 'node:assert/strict';
import { generateKeyPairSync, sign } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { CLOCK_SKEW_SECONDS } from '../src/journey/jwt.ts';
import type { Sandbox } from '../src/sandbox/sandbox.ts';
import { type ExecuteBody, smsExecuteBody } from './helpers/execute-body.ts';
import { type Answer, postJwt } from './helpers/http.ts';
import { handBuiltJwt, hs256 } from './helpers/jwt.ts';
import { countMessages } from './helpers/messages.ts';
import { startTestSandbox } from './helpers/sandbox.ts';
import { AdminClient, tenantBody } from './helpers/tenants.ts';

const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);

/**
 * The attacks on execute's JWT that test/execute-auth.test.ts does not already cover: asymmetric
 * algorithm headers with real asymmetric signatures, key-selecting headers (kid, jwk, jku),
 * claims at and past the clock-skew edges, malformed and oversized tokens, and lifecycle calls.
 * Verification does not depend on storage: SQLite only.
 */
describe('execute JWT attacks', () => {
  let sandbox: Sandbox;
  let executeUrl: string;
  let lifecycleUrl: string;
  let secret: string;
  let otherSecret: string;
  let otherTenantId: string;
  let contact = 0;
  const body = (): ExecuteBody => smsExecuteBody(`jwt-contact-${contact++}`, '+4915112345678');

  before(async () => {
    sandbox = await startTestSandbox('sqlite');
    executeUrl = `${sandbox.info.messageActivityUrl}execute`;
    lifecycleUrl = `${sandbox.info.messageActivityUrl}publish`;
    secret = sandbox.info.jwtSecret;
    const other = tenantBody({ infobip: { baseUrl: sandbox.info.infobip.baseUrl, apiKey: 'other-key' } });
    otherTenantId = (await new AdminClient(sandbox.info.adminUrl, sandbox.info.adminToken).mustCreateTenant(other)).id;
    otherSecret = other.jwtSigningSecret;
  });
  after(() => sandbox.close());

  async function refused(answer: Promise<Answer>, label: string, status = 401): Promise<void> {
    const before = await countMessages(sandbox.connector.store.db);
    const got = await answer;
    assert.equal(got.status, status, `${label}: answered ${got.status} ${got.text.slice(0, 200)}`);
    assert.match(got.contentType, /^application\/json/, label);
    assert.equal(await countMessages(sandbox.connector.store.db), before, `${label}: nothing is stored`);
  }

  test('alg none in every spelling, with and without a signature', async () => {
    for (const alg of ['none', 'None', 'NONE', 'nOnE', '', null]) {
      await refused(postJwt(executeUrl, handBuiltJwt({ alg, typ: 'JWT' }, body(), undefined)), `alg ${alg}`);
      await refused(postJwt(executeUrl, handBuiltJwt({ alg, typ: 'JWT' }, body(), secret)), `alg ${alg} signed`);
    }
    await refused(postJwt(executeUrl, `${b64({ typ: 'JWT' })}.${b64(body())}.`), 'no alg at all');
  });

  test('RS256, ES256 and PS256 headers with genuine asymmetric signatures, and HS256 keyed with a public key', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const input = (header: Record<string, unknown>) => `${b64(header)}.${b64(body())}`;
    const rs = input({ alg: 'RS256', typ: 'JWT' });
    await refused(postJwt(executeUrl, `${rs}.${sign('sha256', Buffer.from(rs), rsa.privateKey).toString('base64url')}`), 'RS256');
    const ps = input({ alg: 'PS256', typ: 'JWT' });
    await refused(postJwt(executeUrl, `${ps}.${sign('sha256', Buffer.from(ps), { key: rsa.privateKey, padding: 6 }).toString('base64url')}`), 'PS256');
    const es = input({ alg: 'ES256', typ: 'JWT' });
    await refused(postJwt(executeUrl, `${es}.${sign('sha256', Buffer.from(es), { key: ec.privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`), 'ES256');
    // The classic confusion: an HMAC keyed with a public key the attacker knows.
    const pem = rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    await refused(postJwt(executeUrl, handBuiltJwt({ alg: 'HS256', typ: 'JWT' }, body(), pem)), 'HS256 keyed with a public key');
    await refused(postJwt(executeUrl, handBuiltJwt({ alg: 'HS512', typ: 'JWT' }, body(), secret, 'sha512')), 'HS512 with the right secret');
  });

  test('kid, jwk and jku headers cannot choose the key', async () => {
    const attacker = 'attacker-chosen-secret-0123456789';
    const headers = [
      { alg: 'HS256', kid: otherTenantId },
      { alg: 'HS256', kid: '../../../../dev/null' },
      { alg: 'HS256', kid: "' OR '1'='1" },
      { alg: 'HS256', jwk: { kty: 'oct', k: Buffer.from(attacker).toString('base64url') } },
      { alg: 'HS256', jku: 'http://127.0.0.1:1/jwks.json' },
      { alg: 'HS256', x5u: 'http://169.254.169.254/cert.pem' },
    ];
    for (const header of headers) await refused(postJwt(executeUrl, handBuiltJwt(header, body(), attacker)), `header ${JSON.stringify(header)}`);
    await refused(postJwt(executeUrl, handBuiltJwt({ alg: 'HS256', kid: 'anything' }, body(), '')), 'empty key with a kid');
    // Another tenant's secret with a kid naming it: the URL names the tenant, not the token.
    await refused(postJwt(executeUrl, handBuiltJwt({ alg: 'HS256', kid: otherTenantId }, body(), otherSecret)), "other tenant's secret and kid");
    // A kid the connector ignores does not stop a correctly signed token.
    assert.equal((await postJwt(executeUrl, handBuiltJwt({ alg: 'HS256', kid: 'ignored' }, body(), secret))).status, 200);
  });

  test('crit, non-canonical signatures, extra segments and malformed parts', async () => {
    const good = hs256(body(), secret);
    const [h, p, s] = good.split('.') as [string, string, string];
    await refused(postJwt(executeUrl, handBuiltJwt({ alg: 'HS256', crit: ['exp'] }, body(), secret)), 'crit');
    await refused(postJwt(executeUrl, `${h}.${p}.${s}=`), 'padded signature');
    await refused(postJwt(executeUrl, `${h}.${p}.${Buffer.from(s, 'base64url').toString('base64')}`), 'base64 (not base64url) signature');
    await refused(postJwt(executeUrl, `${good}.${s}`), 'four segments');
    await refused(postJwt(executeUrl, `${h}.${p}`), 'two segments');
    await refused(postJwt(executeUrl, `${h}..${s}`), 'empty payload');
    await refused(postJwt(executeUrl, `${b64('[1,2]')}.${p}.${s}`), 'array header');
    await refused(postJwt(executeUrl, handBuiltJwt({ alg: 'HS256' }, [] as unknown as Record<string, unknown>, secret)), 'array payload');
    await refused(postJwt(executeUrl, `${h}.${b64('not json')}.${s}`), 'payload not JSON');
    await refused(postJwt(executeUrl, `${h}.${p}.${s.slice(0, -2)}`), 'truncated signature');
    // 32 bytes take 43 base64url characters: the last one's two low bits are unused, so three
    // other spellings decode to the same HMAC. Only the canonical one is the signature.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alphabet.indexOf(s.at(-1)!);
    const sameBytes = `${s.slice(0, -1)}${alphabet[last ^ 1]}`;
    assert.deepEqual(Buffer.from(sameBytes, 'base64url'), Buffer.from(s, 'base64url'));
    await refused(postJwt(executeUrl, `${h}.${p}.${sameBytes}`), 'signature with unused bits set');
    // A character outside ASCII whose low byte is the right one must not pass for it.
    await refused(postJwt(executeUrl, `${h}.${p}.${s.slice(0, -1)}${String.fromCharCode(0x100 + s.charCodeAt(s.length - 1))}`), 'non-ASCII signature');
  });

  test(`exp, nbf and iat: refused beyond ${CLOCK_SKEW_SECONDS} s of clock skew, accepted within it`, async () => {
    const skew = CLOCK_SKEW_SECONDS;
    const at = (claims: Record<string, unknown>) => postJwt(executeUrl, hs256({ ...body(), ...claims }, secret, { exp: null }));
    await refused(at({ exp: now() - skew - 5 }), 'expired beyond the skew');
    await refused(at({ exp: now() - 86_400 }), 'expired yesterday');
    await refused(at({ exp: '9999999999' }), 'exp as a string');
    await refused(at({ nbf: now() + skew + 30 }), 'nbf beyond the skew');
    await refused(at({ nbf: 'now' }), 'nbf as a string');
    await refused(at({ iat: 'yesterday' }), 'iat as a string');
    assert.equal((await at({ exp: now() - 5 })).status, 200, 'expired 5 s ago: within the skew');
    assert.equal((await at({ nbf: now() + 5 })).status, 200, 'valid in 5 s: within the skew');
    assert.equal((await at({ iat: now(), exp: now() + 3600 })).status, 200, 'an ordinary token');
  });

  test('oversized tokens: 401 under the body limit, 413 above it, nothing stored either way', async () => {
    const padded = (size: number) => hs256({ ...body(), padding: 'x'.repeat(size) }, `${secret}-wrong`);
    await refused(postJwt(executeUrl, padded(600_000)), '800 kB badly signed token');
    await refused(postJwt(executeUrl, `${'A'.repeat(500_000)}.${'B'.repeat(400_000)}.C`), '900 kB of junk');
    await refused(postJwt(executeUrl, padded(2_000_000)), '2 MB token', 413);
    await refused(postJwt(lifecycleUrl, padded(2_000_000)), '2 MB lifecycle call', 413);
  });

  test('lifecycle calls: a signed body must verify, as execute does', async () => {
    await refused(postJwt(lifecycleUrl, handBuiltJwt({ alg: 'none' }, {}, undefined)), 'lifecycle alg none');
    await refused(postJwt(lifecycleUrl, hs256({}, otherSecret)), "lifecycle with another tenant's secret");
    await refused(postJwt(lifecycleUrl, hs256({}, secret, { exp: now() - 3600 })), 'expired lifecycle');
    assert.equal((await postJwt(lifecycleUrl, hs256({}, secret))).status, 200);
  });
});
