// The Journey Builder stand-in answers the activity UIs' Postmonger requests with the shapes a live
// Journey Builder answers (the captures in src/sandbox/journey-builder-standin/captures/): same
// keys at every level, same kinds of values, so a UI that works in the stand-in meets no surprise
// in Marketing Cloud. Then, in Chromium, the activity really asks for each of them and gets the answer.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { Sandbox } from '../src/sandbox/sandbox.ts';
import { clickNext, launchBrowser, openActivity } from './helpers/browser.ts';
import { get } from './helpers/http.ts';
import { startTestSandbox } from './helpers/sandbox.ts';

const capture = (name: string): any => JSON.parse(readFileSync(new URL(`../src/sandbox/journey-builder-standin/captures/${name}.json`, import.meta.url), 'utf8'));

/** Where `actual` differs in shape from `expected`: missing or extra keys, or another kind of value (null matches any). */
function shapeDifferences(actual: unknown, expected: unknown, path = '$', out: string[] = []): string[] {
  if (actual === null || expected === null) return out;
  const kind = (v: unknown) => (Array.isArray(v) ? 'array' : typeof v);
  if (kind(actual) !== kind(expected)) {
    out.push(`${path}: ${kind(actual)} instead of ${kind(expected)}`);
    return out;
  }
  if (Array.isArray(actual) && Array.isArray(expected)) {
    if (actual.length > 0 && expected.length > 0) for (const [i, item] of actual.entries()) shapeDifferences(item, expected[0], `${path}[${i}]`, out);
    return out;
  }
  if (typeof actual === 'object' && typeof expected === 'object') {
    const a = actual as Record<string, unknown>;
    const e = expected as Record<string, unknown>;
    for (const key of Object.keys(e)) if (!(key in a)) out.push(`${path}.${key}: missing`);
    for (const key of Object.keys(a)) if (!(key in e)) out.push(`${path}.${key}: not in the capture`);
    for (const key of Object.keys(e)) if (key in a) shapeDifferences(a[key], e[key], `${path}.${key}`, out);
  }
  return out;
}

describe('Journey Builder stand-in', () => {
  let sandbox: Sandbox;

  before(async () => {
    sandbox = await startTestSandbox('sqlite');
  });
  after(async () => sandbox?.close());

  test('answers requestTokens, requestEndpoints, requestSchema, requestInteraction, requestTriggerEventDefinition and initActivity in the shapes of the captures', async () => {
    const session = await get(`${sandbox.info.journeyBuilderUrl}/api/session?activity=message`);
    assert.equal(session.status, 200, session.text);
    const payloads = session.json!.payloads;
    const expected: [string, unknown][] = [
      ['requestedTokens', capture('requestTokens')],
      ['requestedEndpoints', capture('requestEndpoints')],
      ['requestedSchema', capture('requestSchema')],
      ['requestedTriggerEventDefinition', capture('requestTriggerEventDefinition')],
      ['requestedCulture', capture('requestCulture').culture],
      ['requestedInteractionDefaults', capture('requestInteractionDefaults')],
    ];
    for (const [name, shape] of expected) assert.deepEqual(shapeDifferences(payloads[name], shape), [], name);
    // The interaction carries this journey's activities (none yet), not the captured journey's.
    const { activities: _captured, ...interaction } = capture('requestInteraction');
    const { activities, ...answered } = payloads.requestedInteraction;
    assert.deepEqual(activities, []);
    assert.deepEqual(shapeDifferences(answered, interaction), [], 'requestedInteraction');
    // A dropped activity: the captured activity's identity and wiring, with our config.json's arguments.
    const dropped = payloads.initActivity;
    assert.deepEqual(Object.keys(dropped).sort(), Object.keys(capture('ready')).sort(), 'initActivity keys');
    assert.equal(dropped.metaData.isConfigured, false);
    assert.match(dropped.arguments.execute.url, /\/execute$/);
  });

  test('the schema and trigger name the same entry source, whose fields the activity binds', async () => {
    const { payloads } = (await get(`${sandbox.info.journeyBuilderUrl}/api/session?activity=message`)).json!;
    const eventKey = payloads.requestedTriggerEventDefinition.eventDefinition.eventDefinitionKey;
    assert.ok(payloads.requestedSchema.schema.every((f: { key: string }) => f.key.startsWith(`Event.${eventKey}.`)));
    assert.equal(payloads.requestedInteraction.triggers[0].metaData.eventDefinitionKey, eventKey);
  });

  test('in Chromium the activity asks for each of them over Postmonger and is answered', async () => {
    const browser = await launchBrowser();
    try {
      const page = await browser.context.newPage();
      const frame = await openActivity(page, sandbox.info.journeyBuilderUrl, 'activity=message');
      const asked = new Set(await page.evaluate(() => (window as any).journeyBuilder.events.map((e: { name: string }) => e.name)));
      // The activity UIs need no requestEndpoints (they call the connector, not SFMC); the shape test above covers its answer.
      for (const name of ['ready', 'requestTokens', 'requestSchema', 'requestInteraction', 'requestTriggerEventDefinition', 'updateSteps', 'updateButton']) assert.ok(asked.has(name), `${name} was triggered`);
      // Answered: the token opened the connector's API (the tenant's channels), the schema gave the phone fields.
      assert.ok((await frame.locator('input[name="channel"]').count()) > 0);
      await frame.click('label[for="channel-sms"]');
      await clickNext(page);
      await frame.waitForSelector('#step-message:not([hidden])');
      assert.deepEqual(await frame.locator('#phones .slds-form-element__label').allTextContents(), ['1. MobilePhone', '2. HomePhone']);
    } finally {
      await browser.close();
    }
  });
});
