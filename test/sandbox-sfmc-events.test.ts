// The SFMC simulator's journey events (POST /interaction/v1/events, postEvent.md): 201 with an
// eventInstanceId for a known event definition; 400 for an unknown key, a Data field the event's
// data extension does not have, or a body without ContactKey; 401 without a token.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { inboundMessages } from '../src/reports/data-extensions.ts';
import { type SfmcSimulator, startSfmcSimulator } from '../src/sandbox/sfmc/simulator.ts';

const MID = '510000077';

describe('SFMC simulator: journey events', () => {
  let sim: SfmcSimulator;
  let token = '';
  const fire = (body: unknown, bearer = token) =>
    fetch(`${sim.restBaseUrl}interaction/v1/events`, { method: 'POST', headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });

  before(async () => {
    sim = await startSfmcSimulator({ clients: [{ clientId: 'c', clientSecret: 's', accountId: MID }] });
    sim.createDataExtension(MID, { key: inboundMessages.defaultKey, name: inboundMessages.name, fields: inboundMessages.fields });
    sim.createEventDefinition(MID, { key: 'Reply-Event', dataExtensionKey: inboundMessages.defaultKey });
    const answer = await fetch(`${sim.authBaseUrl}v2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'client_credentials', client_id: 'c', client_secret: 's', account_id: MID }),
    });
    token = ((await answer.json()) as { access_token: string }).access_token;
  });
  after(() => sim.close());

  test('a known event fires: 201 eventInstanceId, recorded with its data', async () => {
    const answer = await fire({ ContactKey: 'c-1', EventDefinitionKey: 'Reply-Event', Data: { text: 'YES', from: '4915100000001' } });
    assert.equal(answer.status, 201);
    const { eventInstanceId } = (await answer.json()) as { eventInstanceId: string };
    assert.match(eventInstanceId, /^[0-9a-f-]{36}$/);
    const [event] = sim.events(MID);
    assert.deepEqual([event?.eventInstanceId, event?.ContactKey, event?.Data], [eventInstanceId, 'c-1', { text: 'YES', from: '4915100000001' }]);
  });

  test('refusals: unknown key, unknown Data field, no ContactKey, no token', async () => {
    const unknownKey = await fire({ ContactKey: 'c', EventDefinitionKey: 'Nope', Data: {} });
    assert.equal(unknownKey.status, 400);
    assert.match(((await unknownKey.json()) as { message: string }).message, /Nope/);
    const unknownField = await fire({ ContactKey: 'c', EventDefinitionKey: 'Reply-Event', Data: { shoeSize: 42 } });
    assert.equal(unknownField.status, 400);
    assert.match(((await unknownField.json()) as { message: string }).message, /shoeSize/);
    assert.equal((await fire({ EventDefinitionKey: 'Reply-Event' })).status, 400);
    assert.equal((await fire({ ContactKey: 'c', EventDefinitionKey: 'Reply-Event' }, 'wrong')).status, 401);
    assert.equal(sim.events(MID).length, 1, 'nothing more recorded');
  });
});
